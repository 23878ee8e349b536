import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from '../../api.ts';
import { Card, ErrorBox, PageHeader, StatusDot } from '../../components.tsx';
import { formatKwh, formatTime, rateSeries } from '../../format.ts';
import { useLive, type LiveEvent } from '../../live.ts';
import { href } from '../../router.ts';
import type { PageProps } from '../../main.tsx';

interface Fleet {
  stations?: number;
  connectorsByStatus?: Record<string, number>;
  online: { total: number; byProtocol: Record<string, number> } | null;
  rates: { stepSec: number; end: number; messages: number[]; callErrors: number[] } | null;
}

/** How often the traffic chart asks for new counts: its bucket size. */
const RATES_EVERY_MS = 10_000;

/** Statuses in the order an operator reads them: what is wrong first. */
const STATUS_ORDER = ['Faulted', 'Unavailable', 'Occupied', 'Charging', 'Reserved', 'Available'];

/**
 * Fleet at a glance: stations online by protocol, connectors by status, active sessions, energy today, open alerts,
 * messages/s and CALLERRORs/s over the last hour (GET /stats/fleet, every 10 s); live from /events.
 */
export function DashboardPage(_: PageProps) {
  const [fleet, setFleet] = useState<Fleet>({ online: null, rates: null });
  const chart = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState<Set<string>>(new Set());
  const [energyToday, setEnergyToday] = useState(0);
  const [alerts, setAlerts] = useState<any[]>([]);
  const [recent, setRecent] = useState<LiveEvent[]>([]);
  const [error, setError] = useState<unknown>(null);

  const load = async () => {
    try {
      const since = new Date();
      since.setHours(0, 0, 0, 0);
      const [f, tx, today, al] = await Promise.all([
        api('/stats/fleet'),
        api('/transactions', { query: { active: true, limit: 1000 } }),
        api('/transactions', { query: { from: since.toISOString(), limit: 1000 } }),
        api('/alerts', { query: { state: 'open', limit: 20 } }),
      ]);
      setFleet(f);
      setActive(new Set(tx.items.map((t: any) => `${t.stationId}/${t.id}`)));
      setEnergyToday(today.items.reduce((sum: number, t: any) => sum + (t.totalKwh ?? 0), 0));
      setAlerts(al.items);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => void load(), []);
  useEffect(() => {
    const timer = setInterval(() => api('/stats/fleet').then(setFleet, () => {}), RATES_EVERY_MS);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (!chart.current || !fleet.rates) return;
    const s = rateSeries(fleet.rates);
    chart.current.textContent = '';
    const css = getComputedStyle(document.documentElement);
    const fg = css.getPropertyValue('--fg').trim() || '#222';
    const plot = new uPlot(
      {
        width: Math.max(280, Math.min(1100, chart.current.clientWidth || 700)), height: 220,
        series: [{}, { label: 'Messages/s', stroke: css.getPropertyValue('--charging').trim() || '#2563eb', width: 2 }, { label: 'CALLERRORs/s', stroke: css.getPropertyValue('--bad').trim() || '#dc2626', width: 2 }],
        axes: [{ stroke: fg }, { stroke: fg, label: 'per second' }],
      },
      [s.t, s.messages, s.callErrors] as uPlot.AlignedData,
      chart.current,
    );
    return () => plot.destroy();
  }, [fleet.rates]);

  // A status storm must not become a request storm: at most one refresh per second.
  const statusTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const refreshStatuses = () => {
    if (statusTimer.current) return;
    statusTimer.current = setTimeout(() => {
      statusTimer.current = undefined;
      api('/stats/fleet').then(setFleet, () => {});
    }, 1000);
  };
  useEffect(() => () => clearTimeout(statusTimer.current), []);

  useLive('>', (e) => {
    setRecent((r) => [e, ...r].slice(0, 12));
    if (e.type === 'station.connected' || e.type === 'station.disconnected') {
      api('/stats/fleet').then(setFleet, () => {});
    } else if (e.type === 'connector.status') {
      refreshStatuses();
    } else if (e.type === 'transaction.started' || e.type === 'transaction.ended') {
      void load();
    } else if (e.type === 'alert.raised') {
      void load();
    }
  });

  const online = fleet.online?.total ?? 0;
  const byProtocol = new Map(Object.entries(fleet.online?.byProtocol ?? {}));
  const lastRates = fleet.rates ? rateSeries(fleet.rates) : undefined;
  const last = (xs: number[] | undefined) => (xs && xs.length ? xs[xs.length - 1]! : 0);
  const statuses = Object.entries(fleet.connectorsByStatus ?? {}).sort(
    ([a], [b]) => (STATUS_ORDER.indexOf(a) + 1 || 99) - (STATUS_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );
  const connectors = statuses.reduce((sum, [, n]) => sum + n, 0);
  return (
    <>
      <PageHeader title="Dashboard" />
      <ErrorBox error={error} />
      <div class="tiles">
        <a class="tile" href={href('/stations')} data-testid="online-count"><strong>{fleet.online ? online : '—'}</strong><span>stations online{fleet.stations !== undefined ? ` of ${fleet.stations}` : ''}</span></a>
        <div class="tile" data-testid="message-rate"><strong>{last(lastRates?.messages).toFixed(1)}</strong><span>messages/s</span></div>
        <div class="tile" data-testid="callerror-rate"><strong>{last(lastRates?.callErrors).toFixed(1)}</strong><span>CALLERRORs/s</span></div>
        <a class="tile" href={href('/transactions')} data-testid="active-count"><strong>{active.size}</strong><span>active sessions</span></a>
        <div class="tile"><strong>{formatKwh(energyToday)}</strong><span>delivered today</span></div>
        <div class="tile"><strong>{alerts.length}</strong><span>open alerts</span></div>
      </div>
      <div class="grid">
        <Card title="Online by protocol">
          {byProtocol.size === 0 ? <p class="empty">No station online.</p> : (
            <ul class="bars">
              {[...byProtocol].map(([p, n]) => (
                <li key={p}><span>{p}</span><span class="bar" style={{ width: `${(100 * n) / Math.max(1, online)}%` }} /><b>{n}</b></li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Connectors by status">
          {connectors === 0 ? <p class="empty">No connector has reported a status yet.</p> : (
            <ul class="bars" data-testid="connector-statuses">
              {statuses.map(([status, n]) => (
                <li key={status} data-status={status}><span>{status}</span><span class="bar" style={{ width: `${(100 * n) / connectors}%` }} /><b>{n}</b></li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Open alerts">
          {alerts.length === 0 ? <p class="empty">No open alerts.</p> : (
            <ul class="list">
              {alerts.map((a) => <li key={a.stationId + a.key}><a href={href(`/stations/${encodeURIComponent(a.stationId)}`)}>{a.stationId}</a> {a.type} <small>{formatTime(a.lastAt)}</small></li>)}
            </ul>
          )}
        </Card>
        <Card title="Messages and CALLERRORs per second, last hour" wide>
          {fleet.rates ? <div class="chart" ref={chart} aria-label="Message rate chart" data-testid="rate-chart" /> : <p class="empty">No traffic counted on this node.</p>}
        </Card>
        <Card title="Live events" wide>
          {recent.length === 0 ? <p class="empty">Waiting for events…</p> : (
            <ul class="list events">
              {recent.map((e) => (
                <li key={e.id}>
                  <StatusDot dot={e.type === 'station.disconnected' ? 'offline' : e.type === 'alert.raised' ? 'faulted' : 'online'} />
                  <small>{formatTime(e.time)}</small> <a href={href(`/stations/${encodeURIComponent(e.stationId)}`)}>{e.stationId}</a> <code>{e.type}</code>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
