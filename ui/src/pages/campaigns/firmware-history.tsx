import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { Card, Empty, ErrorBox } from '../../components.tsx';
import { formatTime } from '../../format.ts';
import { useLive } from '../../live.ts';

/**
 * A station's firmware history, for the station detail page: its firmware requests (UpdateFirmware,
 * 1.6 SignedUpdateFirmware, from campaigns or one-off) and the firmware statuses it reported.
 */
export function FirmwareHistory({ id }: { id: string }) {
  const [requests, setRequests] = useState<any[] | null>(null);
  const [statuses, setStatuses] = useState<any[]>([]);
  const [error, setError] = useState<unknown>(null);
  const station = `/stations/${encodeURIComponent(id)}`;
  const load = () =>
    Promise.all([
      api(`${station}/requests`, { query: { limit: 20, action: 'UpdateFirmware' } }),
      api(`${station}/requests`, { query: { limit: 20, action: 'SignedUpdateFirmware' } }),
      api(`${station}/events`, { query: { limit: 20, kind: 'firmware-status' } }),
      api(`${station}/events`, { query: { limit: 20, kind: 'signed-firmware-status' } }),
    ]).then(([a, b, c, d]) => {
      setRequests([...a.items, ...b.items].sort((x, y) => (x.createdAt < y.createdAt ? 1 : -1)));
      setStatuses([...c.items, ...d.items].sort((x, y) => y.id - x.id));
    }, setError);
  useEffect(() => void load(), [id]);
  useLive('firmware.status', (e) => { if (e.stationId === id) void load(); }, [id]);
  return (
    <Card title="Firmware history" wide>
      <ErrorBox error={error} />
      {requests === null ? (!error && <p class="loading">Loading…</p>) : requests.length === 0 && statuses.length === 0 ? <Empty>No firmware updates yet.</Empty> : (
        <table class="table compact" aria-label="Firmware history">
          <thead><tr><th>Request</th><th>Action</th><th>State</th><th>Last status</th><th>Error</th><th>Sent</th><th>Updated</th></tr></thead>
          <tbody>
            {requests.map((r) => (
              <tr key={`${r.action}/${r.requestId}`} data-request={r.requestId} class={r.status === 'failed' || r.status === 'rejected' ? 'bad' : ''}>
                <td>{r.requestId}</td><td>{r.action}</td><td>{r.status}</td><td>{r.progress ?? r.answer ?? '—'}</td><td>{r.error ?? ''}</td>
                <td>{formatTime(r.createdAt)}</td><td>{formatTime(r.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {statuses.length > 0 && (
        <details>
          <summary>Reported firmware statuses ({statuses.length})</summary>
          <ul class="list">{statuses.map((s) => <li key={s.id}>{formatTime(s.at)} · {s.type}{s.requestId !== null && s.requestId !== undefined ? ` (request ${s.requestId})` : ''}</li>)}</ul>
        </details>
      )}
    </Card>
  );
}
