import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import { Empty, ErrorBox, PageHeader } from '../../components.tsx';
import { formatTime } from '../../format.ts';
import type { PageProps } from '../../main.tsx';

export function TokensPage({ user }: PageProps) {
  const [items, setItems] = useState<any[]>([]);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState({ idToken: '', type: 'ISO14443', groupId: '', expiresAt: '' });
  const load = () => api('/tokens', { query: { limit: 50, cursor: cursors[cursors.length - 1] } }).then((p) => { setItems(p.items); setNext(p.nextCursor); }, setError);
  useEffect(() => void load(), [cursors]);
  const edit = user.role !== 'viewer';
  const act = async (f: () => Promise<unknown>) => {
    try {
      await f();
      setError(null);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const update = (t: any, change: Record<string, unknown>) =>
    act(() => api(`/tokens/${encodeURIComponent(t.idToken)}`, { method: 'PUT', body: { type: t.type, status: t.status, expiresAt: t.expiresAt, groupId: t.groupId, allowConcurrentTx: t.allowConcurrentTx, priority: t.priority ?? null, ...change } }));
  return (
    <>
      <PageHeader title="Id tokens" />
      {edit && (
        <form class="row" aria-label="New id token" onSubmit={(e) => {
          e.preventDefault();
          void act(() => api('/tokens', { method: 'POST', body: { idToken: form.idToken, type: form.type, groupId: form.groupId || null, expiresAt: form.expiresAt ? new Date(form.expiresAt).toISOString() : null } }));
        }}>
          <input aria-label="Id token" placeholder="Id token" required value={form.idToken} onInput={(e) => setForm({ ...form, idToken: (e.target as HTMLInputElement).value })} />
          <select aria-label="Type" value={form.type} onChange={(e) => setForm({ ...form, type: (e.target as HTMLSelectElement).value })}>
            {['ISO14443', 'ISO15693', 'eMAID', 'Central', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'].map((t) => <option key={t}>{t}</option>)}
          </select>
          <input aria-label="Group" placeholder="Group id" value={form.groupId} onInput={(e) => setForm({ ...form, groupId: (e.target as HTMLInputElement).value })} />
          <label>Expires <input type="datetime-local" value={form.expiresAt} onInput={(e) => setForm({ ...form, expiresAt: (e.target as HTMLInputElement).value })} /></label>
          <button type="submit">Add</button>
        </form>
      )}
      <ErrorBox error={error} />
      {items.length === 0 ? <Empty>No id tokens.</Empty> : (
        <table class="table">
          <thead><tr><th>Id token</th><th>Type</th><th>Status</th><th>Group</th><th>Expires</th>{edit && <th />}</tr></thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.idToken + t.type}>
                <td>{t.idToken}</td><td>{t.type}</td><td>{t.status}</td><td>{t.groupId ?? '—'}</td><td>{formatTime(t.expiresAt)}</td>
                {edit && (
                  <td><div class="row">
                    {t.status === 'Blocked'
                      ? <button type="button" class="small" onClick={() => update(t, { status: 'Accepted' })}>Unblock</button>
                      : <button type="button" class="small" onClick={() => update(t, { status: 'Blocked' })}>Block</button>}
                    <button type="button" class="small" onClick={() => update(t, { expiresAt: new Date().toISOString() })}>Expire now</button>
                    <button type="button" class="small danger" onClick={() => confirm(`Delete ${t.idToken}?`) && act(() => api(`/tokens/${encodeURIComponent(t.idToken)}`, { method: 'DELETE' }))}>Delete</button>
                  </div></td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="pager">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>← Previous</button>
        <button type="button" disabled={!next} onClick={() => setCursors([...cursors, next!])}>Next →</button>
      </div>
    </>
  );
}
