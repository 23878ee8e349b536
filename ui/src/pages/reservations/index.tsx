import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import { coalesce } from '../../coalesce.ts';
import { Empty, ErrorBox, PageHeader } from '../../components.tsx';
import { formatTime } from '../../format.ts';
import { useLive } from '../../live.ts';
import { href } from '../../router.ts';
import type { PageProps } from '../../main.tsx';

const value = (e: Event) => (e.target as HTMLInputElement).value;
const STATUSES = ['created', 'accepted', 'rejected', 'cancelled', 'expired', 'removed', 'used'] as const;
const OPEN = new Set(['created', 'accepted']);

/** Reservations: list (filter by station and status), ReserveNow and CancelReservation (operators). */
export function ReservationsPage({ user }: PageProps) {
  const [filter, setFilter] = useState({ stationId: '', status: '' });
  const [items, setItems] = useState<any[] | null>(null);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [answer, setAnswer] = useState<string | null>(null);
  const edit = user.role !== 'viewer';
  const load = () =>
    api('/reservations', { query: { limit: 50, cursor: cursors[cursors.length - 1], stationId: filter.stationId.trim(), status: filter.status } }).then((p) => {
      setItems(p.items);
      setNext(p.nextCursor);
    }, setError);
  useEffect(() => void load(), [cursors, filter]);
  const reload = useMemo(() => coalesce(load), [cursors, filter]);
  useLive('reservation.*', () => void reload(), [cursors, filter]);
  const act = async (f: () => Promise<any>) => {
    try {
      const r = await f();
      setError(null);
      setAnswer(r?.status ? `Station answered ${r.status}${r.reservationId ? ` (reservation ${r.reservationId})` : ''}` : null);
      await load();
    } catch (e) {
      setAnswer(null);
      setError(errorText(e));
    }
  };
  return (
    <>
      <PageHeader title="Reservations" />
      {edit && <ReserveForm onReserve={(stationId, body) => act(() => api(`/stations/${encodeURIComponent(stationId)}/reservations`, { method: 'POST', body }))} />}
      <form class="row" aria-label="Filter reservations" onSubmit={(e) => e.preventDefault()}>
        <label>Station <input aria-label="Filter by station" value={filter.stationId} onChange={(e) => { setCursors([undefined]); setFilter({ ...filter, stationId: value(e) }); }} /></label>
        <label>Status <select aria-label="Filter by status" value={filter.status} onChange={(e) => { setCursors([undefined]); setFilter({ ...filter, status: value(e) }); }}>
          <option value="">any</option>
          <option value="created,accepted">open</option>
          {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select></label>
      </form>
      {answer && <p class="note" role="status" data-testid="answer">{answer}</p>}
      <ErrorBox error={error} />
      {items === null ? (!error && <p class="loading">Loading…</p>) : items.length === 0 ? <Empty>No reservations{filter.stationId || filter.status ? ' match the filter' : ''}.</Empty> : (
        <div style={{ overflowX: 'auto' }}><table class="table" aria-label="Reservations">
          <thead><tr><th class="num">Id</th><th>Station</th><th>EVSE</th><th>Id token</th><th>Status</th><th>Station answer</th><th>Expires</th><th>Transaction</th><th>Created</th>{edit && <th />}</tr></thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.reservationId} data-reservation={r.reservationId}>
                <td class="num">{r.reservationId}</td>
                <td><a href={href(`/stations/${encodeURIComponent(r.stationId)}`)}>{r.stationId}</a></td>
                <td>{r.evseId ?? 'any'}{r.connectorType ? ` · ${r.connectorType}` : ''}</td>
                <td>{r.idToken?.idToken}{r.groupIdToken ? ` (group ${r.groupIdToken.idToken})` : ''}</td>
                <td data-testid="status">{r.status}{r.reason ? ` · ${r.reason}` : ''}</td>
                <td>{r.stationStatus ?? '—'}</td>
                <td>{formatTime(r.expiresAt)}</td>
                <td>{r.transactionId ?? '—'}</td>
                <td>{formatTime(r.createdAt)}</td>
                {edit && <td>{OPEN.has(r.status) && <button type="button" class="small danger" onClick={() => act(() => api(`/stations/${encodeURIComponent(r.stationId)}/reservations/${r.reservationId}`, { method: 'DELETE' }))}>Cancel</button>}</td>}
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
      <div class="pager">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>← Previous</button>
        <button type="button" disabled={!next} onClick={() => setCursors([...cursors, next!])}>Next →</button>
      </div>
    </>
  );
}

function ReserveForm({ onReserve }: { onReserve: (stationId: string, body: Record<string, unknown>) => void }) {
  const [f, setF] = useState({ stationId: '', evseId: '', idToken: '', minutes: '30' });
  return (
    <form class="row" aria-label="New reservation" onSubmit={(e) => {
      e.preventDefault();
      onReserve(f.stationId.trim(), {
        idToken: { idToken: f.idToken.trim() },
        expiresAt: new Date(Date.now() + Number(f.minutes) * 60_000).toISOString(),
        ...(f.evseId.trim() !== '' ? { evseId: Number(f.evseId) } : {}),
      });
    }}>
      <input aria-label="Station id" placeholder="Station id" required value={f.stationId} onInput={(e) => setF({ ...f, stationId: value(e) })} />
      <input aria-label="EVSE" placeholder="EVSE (empty: any)" type="number" min={0} value={f.evseId} onInput={(e) => setF({ ...f, evseId: value(e) })} />
      <input aria-label="Id token" placeholder="Id token" required maxLength={36} value={f.idToken} onInput={(e) => setF({ ...f, idToken: value(e) })} />
      <label>Minutes <input aria-label="Expires in minutes" type="number" min={1} max={10080} required size={5} value={f.minutes} onInput={(e) => setF({ ...f, minutes: value(e) })} /></label>
      <button type="submit">Reserve</button>
    </form>
  );
}
