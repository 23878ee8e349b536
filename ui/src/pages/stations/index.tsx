import { useEffect, useRef, useState } from 'preact/hooks';
import { api, chooseTenant, chosenTenant } from '../../api.ts';
import { Empty, ErrorBox, PageHeader, StatusDot } from '../../components.tsx';
import { formatTime, stationDot } from '../../format.ts';
import { live, useLive } from '../../live.ts';
import { href } from '../../router.ts';
import type { PageProps } from '../../main.tsx';
import { eventNeedsReload, initialState, nextPage, previousPage, stationsQuery, withFilter, withSort, type SortKey, type StationFilters, type TableState } from './query.ts';

/**
 * Stations, searched, filtered, sorted and paged on the server (GET /stations: keyset pages of
 * 50 from an index, fast at 100k stations). Status dots follow /events live; an event that can
 * change which rows match (a boot, or a change of a filtered column) fetches the page again, at
 * most once a second.
 */
export function StationsPage({ user }: PageProps) {
  const [state, setState] = useState<TableState>(initialState);
  const [items, setItems] = useState<any[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tenant, setTenant] = useState(chosenTenant() || 'default');
  const seq = useRef(0);
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const load = async (s: TableState) => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const page = await api('/stations', { query: stationsQuery(s) });
      if (mine !== seq.current) return; // a newer query is under way
      setItems(page.items);
      setNext(page.nextCursor);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(e);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  };
  // Typing in the search box waits for a pause before asking the server.
  useEffect(() => {
    const timer = setTimeout(() => void load(state), 200);
    return () => clearTimeout(timer);
  }, [state, tenant]);
  useEffect(() => () => clearTimeout(reloadTimer.current), []);
  const reloadSoon = () => {
    if (reloadTimer.current) return;
    reloadTimer.current = setTimeout(() => {
      reloadTimer.current = undefined;
      void load(state);
    }, 1000);
  };

  useLive('station.*', (e) => {
    if (eventNeedsReload(state, e.type) || (e.type === 'station.connected' && state.cursors.length === 1 && !items.some((s) => s.id === e.stationId))) {
      reloadSoon();
      return;
    }
    setItems((list) => list.map((s) => {
      if (s.id !== e.stationId) return s;
      if (e.type === 'station.connected') return { ...s, connected: true, protocol: e.payload.protocol ?? s.protocol, connectedAt: e.time };
      if (e.type === 'station.disconnected') return { ...s, connected: false };
      return s;
    }));
  }, [state, items]);
  useLive('connector.status', (e) => {
    if (eventNeedsReload(state, e.type)) return reloadSoon();
    setItems((list) => list.map((s) => {
      if (s.id !== e.stationId) return s;
      const others = (s.connectors ?? []).filter((c: any) => !(c.evseId === e.payload.evseId && c.connectorId === e.payload.connectorId));
      return { ...s, connectors: [...others, { evseId: e.payload.evseId, connectorId: e.payload.connectorId, status: e.payload.status }] };
    }));
  }, [state]);

  const filter = (key: keyof StationFilters) => (e: Event) => setState((s) => withFilter(s, key, (e.target as HTMLInputElement).value));
  const header = (key: SortKey, label: string) => (
    <th aria-sort={state.sort.key === key ? (state.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" class="link" onClick={() => setState((s) => withSort(s, key))}>
        {label}{state.sort.key === key ? (state.sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
  const f = state.filters;
  const filtered = Object.values(f).some((v) => v !== '');
  return (
    <>
      <PageHeader title="Stations">
        <input type="search" placeholder="Search id, vendor, model, firmware" aria-label="Search stations" value={f.q} onInput={filter('q')} />
      </PageHeader>
      <form class="filters row" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <select aria-label="Connection" value={f.online} onChange={filter('online')}>
          <option value="">Online and offline</option><option value="online">Online</option><option value="offline">Offline</option>
        </select>
        <select aria-label="Connector status" value={f.status} onChange={filter('status')}>
          <option value="">Any status</option>
          {['Available', 'Occupied', 'Reserved', 'Unavailable', 'Faulted'].map((s) => <option key={s}>{s}</option>)}
        </select>
        <select aria-label="Protocol" value={f.protocol} onChange={filter('protocol')}>
          <option value="">Any protocol</option><option>ocpp1.6</option><option>ocpp2.0.1</option><option>ocpp2.1</option>
        </select>
        <input aria-label="Vendor" placeholder="Vendor" size={10} value={f.vendor} onChange={filter('vendor')} />
        <input aria-label="Model" placeholder="Model" size={10} value={f.model} onChange={filter('model')} />
        <input aria-label="Firmware" placeholder="Firmware" size={8} value={f.firmware} onChange={filter('firmware')} />
        {user.tenantId === null && (
          <label>Tenant <input aria-label="Tenant" size={8} value={tenant} onChange={(e) => {
            const v = (e.target as HTMLInputElement).value.trim() || 'default';
            chooseTenant(v);
            live.start();
            setTenant(v);
            setState((s) => ({ ...s, cursors: [undefined] }));
          }} /></label>
        )}
        {filtered && <button type="button" class="small" onClick={() => setState(initialState())}>Clear filters</button>}
      </form>
      <ErrorBox error={error} />
      {!loading && items.length === 0 ? <Empty>{filtered ? 'No station matches.' : 'No stations yet: they appear here when they connect.'}</Empty> : (
        <div class="table-wrap">
          <table class="table" aria-busy={loading}>
            <thead><tr><th>Status</th>{header('id', 'Station')}{header('protocol', 'Protocol')}{header('vendor', 'Vendor')}{header('model', 'Model')}{header('firmwareVersion', 'Firmware')}{header('lastSeenAt', 'Last seen')}</tr></thead>
            <tbody>
              {items.map((s) => {
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
        </div>
      )}
      <div class="pager">
        <button type="button" disabled={state.cursors.length === 1} onClick={() => setState(previousPage)}>← Previous</button>
        <span>Page {state.cursors.length}</span>
        <button type="button" disabled={!next} onClick={() => setState((s) => nextPage(s, next!))}>Next →</button>
      </div>
    </>
  );
}
