import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { Empty, ErrorBox, PageHeader, StatusDot } from '../../components.tsx';
import { formatTime, stationDot } from '../../format.ts';
import { useLive } from '../../live.ts';
import { href } from '../../router.ts';
import type { PageProps } from '../../main.tsx';

const PAGE = 50;

/**
 * Stations, paged on the server (cursor pages of 50); search, filter and sort apply to the page
 * shown. Status dots follow /events live (connected, disconnected, connector status).
 */
export function StationsPage(_: PageProps) {
  const [items, setItems] = useState<any[]>([]);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [search, setSearch] = useState('');
  const [online, setOnline] = useState<'all' | 'online' | 'offline'>('all');
  const [protocol, setProtocol] = useState('');
  const [sort, setSort] = useState<{ key: string; dir: 1 | -1 }>({ key: 'id', dir: 1 });

  const load = async (cursor: string | undefined) => {
    setLoading(true);
    try {
      const page = await api('/stations', { query: { limit: PAGE, cursor } });
      setItems(page.items);
      setNext(page.nextCursor);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void load(cursors[cursors.length - 1]), [cursors]);

  useLive('station.*', (e) => {
    setItems((list) => {
      if (!list.some((s) => s.id === e.stationId)) {
        if ((e.type === 'station.connected' || e.type === 'station.booted') && cursors.length === 1) void load(undefined);
        return list;
      }
      return list.map((s) => {
        if (s.id !== e.stationId) return s;
        if (e.type === 'station.connected') return { ...s, connected: true, protocol: e.payload.protocol ?? s.protocol, connectedAt: e.time };
        if (e.type === 'station.disconnected') return { ...s, connected: false };
        if (e.type === 'station.booted') return { ...s, vendor: e.payload.vendor, model: e.payload.model, firmwareVersion: e.payload.firmwareVersion };
        return s;
      });
    });
  }, [cursors]);
  useLive('connector.status', (e) => {
    setItems((list) => list.map((s) => {
      if (s.id !== e.stationId) return s;
      const others = (s.connectors ?? []).filter((c: any) => !(c.evseId === e.payload.evseId && c.connectorId === e.payload.connectorId));
      return { ...s, connectors: [...others, { evseId: e.payload.evseId, connectorId: e.payload.connectorId, status: e.payload.status }] };
    }));
  });

  const q = search.trim().toLowerCase();
  const shown = items
    .filter((s) => online === 'all' || (online === 'online') === s.connected)
    .filter((s) => !protocol || s.protocol === protocol)
    .filter((s) => !q || [s.id, s.vendor, s.model, s.firmwareVersion, s.serialNumber].some((v) => v && String(v).toLowerCase().includes(q)))
    .sort((a, b) => String(a[sort.key] ?? '').localeCompare(String(b[sort.key] ?? '')) * sort.dir);
  const header = (key: string, label: string) => (
    <th aria-sort={sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
      <button type="button" class="link" onClick={() => setSort({ key, dir: sort.key === key ? (-sort.dir as 1 | -1) : 1 })}>
        {label}{sort.key === key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
  return (
    <>
      <PageHeader title="Stations">
        <input type="search" placeholder="Search id, vendor, model, firmware" aria-label="Search stations" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
        <select aria-label="Connection" value={online} onChange={(e) => setOnline((e.target as HTMLSelectElement).value as any)}>
          <option value="all">All</option><option value="online">Online</option><option value="offline">Offline</option>
        </select>
        <select aria-label="Protocol" value={protocol} onChange={(e) => setProtocol((e.target as HTMLSelectElement).value)}>
          <option value="">Any protocol</option><option>ocpp1.6</option><option>ocpp2.0.1</option><option>ocpp2.1</option>
        </select>
      </PageHeader>
      <ErrorBox error={error} />
      {!loading && shown.length === 0 ? <Empty>{items.length === 0 ? 'No stations yet: they appear here when they connect.' : 'No station matches.'}</Empty> : (
        <table class="table" aria-busy={loading}>
          <thead><tr><th>Status</th>{header('id', 'Station')}{header('protocol', 'Protocol')}{header('vendor', 'Vendor')}{header('model', 'Model')}{header('firmwareVersion', 'Firmware')}{header('lastSeenAt', 'Last seen')}</tr></thead>
          <tbody>
            {shown.map((s) => {
              const dot = stationDot(s.connected, s.connectors);
              return (
                <tr key={s.id} data-station={s.id}>
                  <td><StatusDot dot={dot} label={`${s.id} ${dot}`} /></td>
                  <td><a href={href(`/stations/${encodeURIComponent(s.id)}`)}>{s.id}</a></td>
                  <td>{s.protocol ?? '—'}</td><td>{s.vendor ?? '—'}</td><td>{s.model ?? '—'}</td><td>{s.firmwareVersion ?? '—'}</td>
                  <td>{formatTime(s.lastSeenAt ?? s.connectedAt)}</td>
                </tr>
              );
            })}
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
