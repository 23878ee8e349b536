import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { Card, ErrorBox, PageHeader, StatusDot } from '../../components.tsx';
import { formatKwh, formatTime } from '../../format.ts';
import { useLive, type LiveEvent } from '../../live.ts';
import { href } from '../../router.ts';
import type { PageProps } from '../../main.tsx';

interface StationRow { id: string; connected: boolean; protocol: string | null }

/** Fleet at a glance: stations online by protocol, active sessions, energy today, open alerts; live from /events. */
export function DashboardPage(_: PageProps) {
  const [stations, setStations] = useState<Map<string, StationRow>>(new Map());
  const [active, setActive] = useState<Set<string>>(new Set());
  const [energyToday, setEnergyToday] = useState(0);
  const [alerts, setAlerts] = useState<any[]>([]);
  const [recent, setRecent] = useState<LiveEvent[]>([]);
  const [error, setError] = useState<unknown>(null);

  const load = async () => {
    try {
      const since = new Date();
      since.setHours(0, 0, 0, 0);
      const [s, tx, today, al] = await Promise.all([
        api('/stations', { query: { limit: 1000 } }),
        api('/transactions', { query: { active: true, limit: 1000 } }),
        api('/transactions', { query: { from: since.toISOString(), limit: 1000 } }),
        api('/alerts', { query: { state: 'open', limit: 20 } }),
      ]);
      setStations(new Map(s.items.map((x: StationRow) => [x.id, x])));
      setActive(new Set(tx.items.map((t: any) => `${t.stationId}/${t.id}`)));
      setEnergyToday(today.items.reduce((sum: number, t: any) => sum + (t.totalKwh ?? 0), 0));
      setAlerts(al.items);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => void load(), []);

  useLive('>', (e) => {
    setRecent((r) => [e, ...r].slice(0, 12));
    if (e.type === 'station.connected' || e.type === 'station.disconnected') {
      setStations((m) => new Map(m).set(e.stationId, { id: e.stationId, connected: e.type === 'station.connected', protocol: e.payload.protocol ?? m.get(e.stationId)?.protocol ?? null }));
    } else if (e.type === 'transaction.started' || e.type === 'transaction.ended') {
      void load();
    } else if (e.type === 'alert.raised') {
      void load();
    }
  });

  const all = [...stations.values()];
  const online = all.filter((s) => s.connected);
  const byProtocol = new Map<string, number>();
  for (const s of online) byProtocol.set(s.protocol ?? '?', (byProtocol.get(s.protocol ?? '?') ?? 0) + 1);
  return (
    <>
      <PageHeader title="Dashboard" />
      <ErrorBox error={error} />
      <div class="tiles">
        <a class="tile" href={href('/stations')} data-testid="online-count"><strong>{online.length}</strong><span>stations online</span></a>
        <div class="tile"><strong>{all.length - online.length}</strong><span>offline</span></div>
        <a class="tile" href={href('/transactions')} data-testid="active-count"><strong>{active.size}</strong><span>active sessions</span></a>
        <div class="tile"><strong>{formatKwh(energyToday)}</strong><span>delivered today</span></div>
        <div class="tile"><strong>{alerts.length}</strong><span>open alerts</span></div>
      </div>
      <div class="grid">
        <Card title="Online by protocol">
          {byProtocol.size === 0 ? <p class="empty">No station online.</p> : (
            <ul class="bars">
              {[...byProtocol].map(([p, n]) => (
                <li key={p}><span>{p}</span><span class="bar" style={{ width: `${(100 * n) / Math.max(1, online.length)}%` }} /><b>{n}</b></li>
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
