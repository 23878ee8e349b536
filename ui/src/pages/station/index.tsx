import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import { Card, Empty, ErrorBox, Json, PageHeader, StatusDot } from '../../components.tsx';
import { connectorDot, formatDuration, formatKwh, formatTime, stationDot } from '../../format.ts';
import { useLive } from '../../live.ts';
import { href } from '../../router.ts';
import type { PageProps } from '../../main.tsx';
import { LiveInspector } from './live-inspector.tsx';
import { FirmwareHistory } from '../campaigns/firmware-history.tsx';
import { StationCertificates } from '../certificates/station-certificates.tsx';

type Tab = 'overview' | 'device-model' | 'configuration' | 'live' | 'messages' | 'alerts';
const TABS: Array<[Tab, string]> = [['overview', 'Overview'], ['device-model', 'Device model'], ['configuration', 'Configuration'], ['live', 'Live frames'], ['messages', 'Messages'], ['alerts', 'Alerts']];

export function StationPage({ params, user }: PageProps) {
  const id = params.id!;
  const [station, setStation] = useState<any>(null);
  const [error, setError] = useState<unknown>(null);
  const [tab, setTab] = useState<Tab>('overview');
  const [activeTx, setActiveTx] = useState<any[]>([]);
  const load = async () => {
    try {
      const [s, tx] = await Promise.all([api(`/stations/${encodeURIComponent(id)}`), api('/transactions', { query: { stationId: id, active: true, limit: 10 } })]);
      setStation(s);
      setActiveTx(tx.items);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => void load(), [id]);
  useLive('>', (e) => {
    if (e.stationId !== id) return;
    if (e.type === 'connector.status') {
      setStation((s: any) => {
        if (!s) return s;
        const others = (s.connectors ?? []).filter((c: any) => !(c.evseId === e.payload.evseId && c.connectorId === e.payload.connectorId));
        return { ...s, connectors: [...others, { ...e.payload, reportedAt: e.time }].sort((a: any, b: any) => a.evseId - b.evseId || a.connectorId - b.connectorId) };
      });
    } else if (e.type === 'station.connected' || e.type === 'station.disconnected' || e.type === 'station.booted' || e.type.startsWith('transaction.')) {
      void load();
    }
  }, [id]);

  if (!station) return <><PageHeader title={id} /><ErrorBox error={error} /></>;
  const dot = stationDot(station.connected, station.connectors);
  return (
    <>
      <PageHeader title={id}>
        <StatusDot dot={dot} label={`${id} ${dot}`} /> <span>{station.connected ? `connected (${station.protocol})` : 'offline'}</span>
        {user.role !== 'viewer' && <a class="button" href={href(`/stations/${encodeURIComponent(id)}/console`)}>Command console</a>}
      </PageHeader>
      <div class="tabs" role="tablist">
        {TABS.map(([t, label]) => (
          <button type="button" role="tab" aria-selected={tab === t} key={t} onClick={() => setTab(t)}>{label}</button>
        ))}
      </div>
      {tab === 'overview' && (
        <div class="grid">
          <Card title="Identity and boot">
            <dl class="facts">
              <dt>Vendor</dt><dd>{station.vendor ?? '—'}</dd><dt>Model</dt><dd>{station.model ?? '—'}</dd>
              <dt>Serial</dt><dd>{station.serialNumber ?? '—'}</dd><dt>Firmware</dt><dd>{station.firmwareVersion ?? '—'}</dd>
              <dt>Protocol</dt><dd>{station.protocol ?? '—'}</dd><dt>Last boot</dt><dd>{formatTime(station.lastBootAt)} {station.bootReason ? `(${station.bootReason})` : ''}</dd>
              <dt>Registration</dt><dd>{station.registrationStatus}</dd><dt>Security profile</dt><dd>{station.securityProfile}</dd>
              <dt>Last seen</dt><dd>{formatTime(station.lastSeenAt)}</dd>
            </dl>
          </Card>
          <Card title="Connectors" wide>
            {(station.connectors ?? []).length === 0 ? <Empty>No connector has reported a status yet.</Empty> : (
              <table class="table compact" aria-label="Connectors">
                <thead><tr><th /><th>EVSE</th><th>Connector</th><th>Status</th><th>Error</th><th>Since</th></tr></thead>
                <tbody>
                  {station.connectors.map((c: any) => (
                    <tr key={`${c.evseId}/${c.connectorId}`} data-connector={`${c.evseId}/${c.connectorId}`}>
                      <td><StatusDot dot={connectorDot(c.status)} label={c.status} /></td><td>{c.evseId}</td><td>{c.connectorId}</td>
                      <td>{c.status}</td><td>{c.errorCode && c.errorCode !== 'NoError' ? c.errorCode : ''}</td><td>{formatTime(c.reportedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
          <Card title="Active transaction">
            {activeTx.length === 0 ? <Empty>None.</Empty> : activeTx.map((t) => (
              <p key={t.id}>
                <a href={href(`/transactions/${encodeURIComponent(t.stationId)}/${encodeURIComponent(t.id)}`)}>{t.id}</a> on EVSE {t.evseId ?? '?'} ·{' '}
                {t.idToken?.idToken ?? '—'} · {formatKwh(t.totalKwh)} · {formatDuration(t.timeSpentChargingSec)}
              </p>
            ))}
          </Card>
          <FirmwareHistory id={id} />
          <StationCertificates id={id} />
        </div>
      )}
      {tab === 'device-model' && <DeviceModel id={id} canEdit={user.role !== 'viewer' && station.protocol !== 'ocpp1.6'} />}
      {tab === 'configuration' && <Configuration id={id} protocol={station.protocol} canEdit={user.role !== 'viewer'} connected={station.connected} />}
      {tab === 'live' && <LiveInspector id={id} />}
      {tab === 'messages' && <Messages id={id} />}
      {tab === 'alerts' && <Alerts id={id} />}
    </>
  );
}

function DeviceModel({ id, canEdit }: { id: string; canEdit: boolean }) {
  const [items, setItems] = useState<any[]>([]);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState('');
  useEffect(() => {
    api(`/stations/${encodeURIComponent(id)}/device-model`, { query: { limit: 1000 } }).then((r) => setItems(r.items), setError);
  }, [id]);
  const set = async (v: any) => {
    const value = prompt(`New value of ${v.component.name}.${v.variable.name}`, v.attributes?.find((a: any) => (a.type ?? 'Actual') === 'Actual')?.value ?? '');
    if (value === null) return;
    try {
      const r = await api(`/stations/${encodeURIComponent(id)}/variables/set`, { method: 'POST', body: { variables: [{ component: v.component.name, variable: v.variable.name, value, ...(v.component.evseId !== undefined ? { evseId: v.component.evseId } : {}) }] } });
      setNote(`Station answered: ${JSON.stringify(r.result.setVariableResult?.[0]?.attributeStatus ?? r.result)}`);
    } catch (e) {
      setNote(errorText(e));
    }
  };
  const f = filter.toLowerCase();
  const shown = items.filter((v) => !f || `${v.component.name} ${v.component.instance ?? ''} ${v.variable.name}`.toLowerCase().includes(f));
  return (
    <Card title="Device model" wide>
      <input type="search" placeholder="Filter component or variable" aria-label="Filter device model" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
      <ErrorBox error={error} />
      {note && <p class="note" role="status">{note}</p>}
      {shown.length === 0 ? <Empty>{items.length === 0 ? 'Nothing reported yet (2.x: send GetBaseReport from the console).' : 'No variable matches.'}</Empty> : (
        <table class="table compact">
          <thead><tr><th>Component</th><th>EVSE</th><th>Variable</th><th>Actual</th><th>Mutability</th><th>Unit</th>{canEdit && <th />}</tr></thead>
          <tbody>
            {shown.map((v) => {
              const actual = v.attributes?.find((a: any) => (a.type ?? 'Actual') === 'Actual');
              return (
                <tr key={v.key}>
                  <td>{v.component.name}{v.component.instance ? ` (${v.component.instance})` : ''}</td><td>{v.component.evseId ?? ''}</td>
                  <td>{v.variable.name}{v.variable.instance ? ` (${v.variable.instance})` : ''}</td><td>{actual?.value ?? '—'}</td>
                  <td>{actual?.mutability ?? ''}</td><td>{v.characteristics?.unit ?? ''}</td>
                  {canEdit && <td>{actual?.mutability !== 'ReadOnly' && <button type="button" class="small" onClick={() => set(v)}>Set…</button>}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function Configuration({ id, protocol, canEdit, connected }: { id: string; protocol: string | null; canEdit: boolean; connected: boolean }) {
  const [keys, setKeys] = useState<any[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState('');
  if (protocol !== 'ocpp1.6') return <Card title="Configuration" wide><p>OCPP 2.x configuration is the device model: edit variables in the Device model tab.</p></Card>;
  const read = async () => {
    try {
      const r = await api(`/stations/${encodeURIComponent(id)}/configuration`);
      setKeys(r.result.configurationKey ?? []);
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  const change = async (key: string, current: string) => {
    const value = prompt(`New value of ${key}`, current);
    if (value === null) return;
    try {
      const r = await api(`/stations/${encodeURIComponent(id)}/configuration`, { method: 'PUT', body: { key, value } });
      setNote(`${key}: station answered ${r.result.status}`);
      void read();
    } catch (e) {
      setNote(errorText(e));
    }
  };
  return (
    <Card title="Configuration (GetConfiguration)" wide>
      <button type="button" onClick={read} disabled={!connected}>Read from station</button>
      <ErrorBox error={error} />
      {note && <p class="note" role="status">{note}</p>}
      {keys && (
        <table class="table compact">
          <thead><tr><th>Key</th><th>Value</th><th>Read-only</th>{canEdit && <th />}</tr></thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.key}><td>{k.key}</td><td>{k.value ?? ''}</td><td>{k.readonly ? 'yes' : ''}</td>
                {canEdit && <td>{!k.readonly && <button type="button" class="small" onClick={() => change(k.key, k.value ?? '')}>Edit…</button>}</td>}</tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

const TYPE_NAMES: Record<number, string> = { 2: 'CALL', 3: 'RESULT', 4: 'ERROR', 5: 'RESULTERROR', 6: 'SEND' };

/** The station's message log, newest first, refreshed every 2 s unless paused; errors highlighted. */
function Messages({ id }: { id: string }) {
  const [items, setItems] = useState<any[]>([]);
  const [paused, setPaused] = useState(false);
  const [filter, setFilter] = useState('');
  const [open, setOpen] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  useEffect(() => {
    let stop = false;
    const tick = async () => {
      if (!pausedRef.current) {
        await api(`/stations/${encodeURIComponent(id)}/messages`, { query: { limit: 100 } }).then((r) => !stop && setItems(r.items), (e) => setError(e));
      }
      if (!stop) timer = setTimeout(tick, 2000);
    };
    let timer = setTimeout(tick, 0);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [id]);
  const f = filter.toLowerCase();
  const shown = items.filter((m) => !f || `${m.action ?? ''} ${m.messageId}`.toLowerCase().includes(f));
  return (
    <Card title="Message inspector" wide>
      <div class="row">
        <button type="button" onClick={() => setPaused(!paused)} aria-pressed={paused}>{paused ? 'Resume' : 'Pause'}</button>
        <input type="search" placeholder="Filter action or message id" aria-label="Filter messages" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
      </div>
      <ErrorBox error={error} />
      {shown.length === 0 ? <Empty>No messages logged.</Empty> : (
        <table class="table compact messages">
          <thead><tr><th>Time</th><th>Dir</th><th>Type</th><th>Action</th><th>Message id</th></tr></thead>
          <tbody>
            {shown.map((m) => [
              <tr key={m.seq} class={m.messageType === 4 || m.messageType === 5 ? 'bad' : ''} onClick={() => setOpen(open === m.seq ? null : m.seq)} tabIndex={0}
                onKeyDown={(e) => e.key === 'Enter' && setOpen(open === m.seq ? null : m.seq)}>
                <td>{formatTime(m.at)}</td><td>{m.direction === 'in' ? '← in' : '→ out'}</td><td>{TYPE_NAMES[m.messageType] ?? m.messageType}</td>
                <td>{m.action ?? ''}</td><td><code>{m.messageId}</code></td>
              </tr>,
              open === m.seq && <tr key={`${m.seq}-p`}><td colSpan={5}><Json value={m.payload} /></td></tr>,
            ])}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function Alerts({ id }: { id: string }) {
  const [items, setItems] = useState<any[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api(`/stations/${encodeURIComponent(id)}/alerts`, { query: { state: 'any', limit: 100 } }).then((r) => setItems(r.items), setError);
  }, [id]);
  return (
    <Card title="Alerts" wide>
      <ErrorBox error={error} />
      {items.length === 0 ? <Empty>No alerts.</Empty> : (
        <table class="table compact">
          <thead><tr><th /><th>Type</th><th>Source</th><th>Raised</th><th>Cleared</th><th>Count</th></tr></thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.key}><td><StatusDot dot={a.state === 'open' ? 'faulted' : 'online'} label={a.state} /></td><td>{a.type}</td><td>{a.source}</td>
                <td>{formatTime(a.openedAt)}</td><td>{formatTime(a.clearedAt)}</td><td>{a.count}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
