import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from '../../api.ts';
import { Card, Empty, ErrorBox, PageHeader } from '../../components.tsx';
import { formatDuration, formatKwh, formatTime, meterSeries } from '../../format.ts';
import { useLive } from '../../live.ts';
import { href } from '../../router.ts';
import type { PageProps } from '../../main.tsx';


/** The breakdown lines of a cost (api/routes/tariffs.ts costSchema): key, label, unit of its quantity. */
const COST_LINES = [['energy', 'Energy', 'kWh'], ['chargingTime', 'Charging time', 'h'], ['idleTime', 'Idle time', 'h'], ['sessionFee', 'Session fee', '']] as const;

/** A breakdown line's quantity as a person reads it: kWh to the Wh, hours as a duration. */
function quantityText(quantity: number, unit: 'kWh' | 'h'): string {
  return unit === 'h' ? formatDuration(Math.round(quantity * 3600)) : `${Number(quantity.toFixed(3))} kWh`;
}

/** A cost incl. tax with its currency, or a dash when no tariff applied. */
function costText(cost: { totalInclTax: string; currency: string } | null | undefined): string {
  return cost ? `${cost.totalInclTax} ${cost.currency}` : '—';
}

/** Transactions with the columns operators ask for, server-side filters and cursor pages; live. */
export function TransactionsPage(_: PageProps) {
  const [items, setItems] = useState<any[]>([]);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [stationId, setStationId] = useState('');
  const [active, setActive] = useState('');
  const [idToken, setIdToken] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const load = async () => {
    try {
      const page = await api('/transactions', {
        query: {
          limit: 50, cursor: cursors[cursors.length - 1], stationId: stationId || undefined, active: active || undefined, idToken: idToken || undefined,
          from: from ? new Date(from).toISOString() : undefined, to: to ? new Date(to).toISOString() : undefined,
        },
      });
      setItems(page.items);
      setNext(page.nextCursor);
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => void load(), [cursors, stationId, active, idToken, from, to]);
  useLive('transaction.*', () => void load(), [cursors, stationId, active, idToken, from, to]);
  const text = (set: (v: string) => void) => (e: Event) => { setCursors([undefined]); set((e.target as HTMLInputElement).value); };
  return (
    <>
      <PageHeader title="Transactions">
        <input aria-label="Station" placeholder="Station id" value={stationId} onChange={text(setStationId)} />
        <select aria-label="Active" value={active} onChange={text(setActive)}><option value="">All</option><option value="true">Active</option><option value="false">Ended</option></select>
        <input aria-label="Id token" placeholder="Id token" value={idToken} onChange={text(setIdToken)} />
        <label>From <input type="datetime-local" value={from} onChange={text(setFrom)} /></label>
        <label>To <input type="datetime-local" value={to} onChange={text(setTo)} /></label>
      </PageHeader>
      <ErrorBox error={error} />
      {items.length === 0 ? <Empty>No transactions match.</Empty> : (
        <table class="table" aria-label="Transactions">
          <thead><tr><th>Transaction</th><th>Station</th><th>Active</th><th>Charging state</th><th>Charging time</th><th>Energy</th><th>Cost</th><th>Stopped reason</th><th>Remote start</th><th>Id token</th><th>Started</th><th>Updated</th></tr></thead>
          <tbody>
            {items.map((t) => (
              <tr key={`${t.stationId}/${t.id}`} data-transaction={t.id}>
                <td><a href={href(`/transactions/${encodeURIComponent(t.stationId)}/${encodeURIComponent(t.id)}`)}>{t.id}</a></td>
                <td><a href={href(`/stations/${encodeURIComponent(t.stationId)}`)}>{t.stationId}</a></td>
                <td>{t.isActive ? 'yes' : 'no'}</td><td>{t.chargingState ?? '—'}</td><td>{formatDuration(t.timeSpentChargingSec)}</td>
                <td class="num" data-kwh={t.totalKwh}>{formatKwh(t.totalKwh)}</td><td class="num" data-cost={t.cost?.totalInclTax ?? ''}>{costText(t.cost)}</td><td>{t.stoppedReason ?? '—'}</td><td>{t.remoteStartId ?? '—'}</td>
                <td>{t.idToken?.idToken ?? '—'}</td><td>{formatTime(t.startedAt)}</td><td>{formatTime(t.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="pager">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>← Previous</button>
        <span>Page {cursors.length}</span>
        <button type="button" disabled={!next} onClick={() => setCursors([...cursors, next!])}>Next →</button>
      </div>
    </>
  );
}

export function TransactionPage({ params }: PageProps) {
  const [tx, setTx] = useState<any>(null);
  const [error, setError] = useState<unknown>(null);
  const chart = useRef<HTMLDivElement>(null);
  const load = () => api(`/transactions/${encodeURIComponent(params.id!)}`, { query: { stationId: params.stationId } }).then(setTx, setError);
  useEffect(() => void load(), [params.id]);
  useLive('>', (e) => { if (e.stationId === params.stationId && (e.type.startsWith('transaction.') || e.type === 'meter.values')) void load(); }, [params.id]);
  useEffect(() => {
    if (!tx || !chart.current) return;
    const s = meterSeries(tx.meterValues ?? [], tx.meterStartWh);
    chart.current.textContent = '';
    if (s.t.length < 2) return;
    const css = getComputedStyle(document.documentElement);
    const fg = css.getPropertyValue('--fg').trim() || '#222';
    const plot = new uPlot(
      {
        width: Math.min(900, chart.current.clientWidth || 700), height: 280,
        series: [{}, { label: 'Power (kW)', stroke: '#2563eb', width: 2, scale: 'kw' }, { label: 'Energy (kWh)', stroke: '#16a34a', width: 2, scale: 'kwh' }],
        axes: [{ stroke: fg }, { scale: 'kw', label: 'kW', stroke: fg }, { scale: 'kwh', side: 1, label: 'kWh', stroke: fg, grid: { show: false } }],
      },
      [s.t, s.kw, s.kwh] as uPlot.AlignedData,
      chart.current,
    );
    return () => plot.destroy();
  }, [tx]);
  if (!tx) return <><PageHeader title={`Transaction ${params.id}`} /><ErrorBox error={error} /></>;
  return (
    <>
      <PageHeader title={`Transaction ${tx.id}`}><a href={href(`/stations/${encodeURIComponent(tx.stationId)}`)}>{tx.stationId}</a></PageHeader>
      <div class="grid">
        <Card title="Session">
          <dl class="facts">
            <dt>Active</dt><dd>{tx.isActive ? 'yes' : 'no'}</dd><dt>Energy</dt><dd data-testid="tx-kwh">{formatKwh(tx.totalKwh)}</dd>
            <dt>Charging time</dt><dd>{formatDuration(tx.timeSpentChargingSec)}</dd><dt>Charging state</dt><dd>{tx.chargingState ?? '—'}</dd>
            <dt>Id token</dt><dd>{tx.idToken?.idToken ?? '—'}</dd><dt>EVSE / connector</dt><dd>{tx.evseId ?? '—'} / {tx.connectorId ?? '—'}</dd>
            <dt>Started</dt><dd>{formatTime(tx.startedAt)}</dd><dt>Ended</dt><dd>{formatTime(tx.endedAt)}</dd>
            <dt>Stopped reason</dt><dd>{tx.stoppedReason ?? '—'}</dd><dt>Remote start id</dt><dd>{tx.remoteStartId ?? '—'}</dd>
            <dt>Meter start / stop</dt><dd>{tx.meterStartWh ?? '—'} / {tx.meterStopWh ?? '—'} Wh</dd>
            <dt>Flags</dt><dd>{(tx.flags ?? []).join(', ') || 'none'}</dd>
          </dl>
        </Card>
        <Card title="Cost">
          {!tx.cost ? <Empty>No tariff applied.</Empty> : (
            <dl class="facts" data-testid="tx-cost">
              <dt>{tx.cost.final ? 'Final cost' : 'Running cost'}</dt><dd data-testid="tx-cost-total">{costText(tx.cost)}</dd>
              <dt>Excl. tax</dt><dd>{tx.cost.totalExclTax} {tx.cost.currency}</dd>
              <dt>Tax</dt><dd>{tx.cost.tax} {tx.cost.currency} ({tx.cost.taxPercent} %)</dd>
              {COST_LINES.filter(([key]) => tx.cost.breakdown?.[key]).map(([key, label, unit]) => (
                [<dt key={`${key}-dt`}>{label}</dt>, <dd key={`${key}-dd`}>{tx.cost.breakdown[key].exclTax} {tx.cost.currency}{unit ? ` · ${quantityText(tx.cost.breakdown[key].quantity, unit)}` : ''}</dd>]
              ))}
              <dt>Tariff</dt><dd><a href={href(`/tariffs/${encodeURIComponent(tx.cost.tariffId)}`)}>{tx.cost.tariffId}</a> ({tx.cost.assignedBy})</dd>
              {!tx.cost.final && tx.cost.until && <><dt>Up to</dt><dd>{formatTime(tx.cost.until)}</dd></>}
            </dl>
          )}
        </Card>
        <Card title="Power and energy" wide>
          <div ref={chart} class="chart" />
          {meterSeries(tx.meterValues ?? []).t.length < 2 && <Empty>Not enough meter values for a chart.</Empty>}
        </Card>
      </div>
    </>
  );
}
