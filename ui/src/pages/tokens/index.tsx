import { useEffect, useState } from 'preact/hooks';
import { api, actThenReload } from '../../api.ts';
import { Card, Empty, ErrorBox, PageHeader } from '../../components.tsx';
import { formatTime } from '../../format.ts';
import type { PageProps } from '../../main.tsx';
import { parseTokenList } from './groups.ts';

/**
 * Id tokens and their groups (OCPP groupIdToken): a group exists while a token names it, so
 * creating a group is assigning tokens to a new group id; the group filter lists its members.
 */
export function TokensPage({ user }: PageProps) {
  const [items, setItems] = useState<any[]>([]);
  const [groups, setGroups] = useState<Array<{ groupId: string; members: number }>>([]);
  const [group, setGroup] = useState('');
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState({ idToken: '', type: 'ISO14443', groupId: '', expiresAt: '' });
  const [newGroup, setNewGroup] = useState({ groupId: '', tokens: '' });
  const load = () =>
    Promise.all([
      api('/tokens', { query: { limit: 50, cursor: cursors[cursors.length - 1], groupId: group || undefined } }),
      api('/token-groups'),
    ]).then(([p, g]) => {
      setItems(p.items);
      setNext(p.nextCursor);
      setGroups(g.items);
    }, setError);
  useEffect(() => void load(), [cursors, group]);
  const edit = user.role !== 'viewer';
  const act = actThenReload(setError, load);
  const body = (t: any, change: Record<string, unknown>) => ({ type: t.type, status: t.status, expiresAt: t.expiresAt, groupId: t.groupId, allowConcurrentTx: t.allowConcurrentTx, priority: t.priority ?? null, ...change });
  const update = (t: any, change: Record<string, unknown>) => act(() => api(`/tokens/${encodeURIComponent(t.idToken)}`, { method: 'PUT', body: body(t, change) }));
  /** Assigns existing tokens to a group, one PUT each (the token keeps everything else). */
  const assign = (groupId: string, ids: string[]) =>
    act(async () => {
      for (const id of ids) {
        const t = await api(`/tokens/${encodeURIComponent(id)}`);
        await api(`/tokens/${encodeURIComponent(id)}`, { method: 'PUT', body: body(t, { groupId }) });
      }
      setNewGroup({ groupId: '', tokens: '' });
    });
  const selectGroup = (g: string) => {
    setGroup(g);
    setCursors([undefined]);
  };
  return (
    <>
      <PageHeader title="Id tokens">
        <select aria-label="Group filter" value={group} onChange={(e) => selectGroup((e.target as HTMLSelectElement).value)}>
          <option value="">All groups</option>
          {groups.map((g) => <option key={g.groupId} value={g.groupId}>{g.groupId} ({g.members})</option>)}
        </select>
      </PageHeader>
      {edit && (
        <form class="row" aria-label="New id token" onSubmit={(e) => {
          e.preventDefault();
          void act(() => api('/tokens', { method: 'POST', body: { idToken: form.idToken, type: form.type, groupId: form.groupId || null, expiresAt: form.expiresAt ? new Date(form.expiresAt).toISOString() : null } }));
        }}>
          <input aria-label="Id token" placeholder="Id token" required value={form.idToken} onInput={(e) => setForm({ ...form, idToken: (e.target as HTMLInputElement).value })} />
          <select aria-label="Type" value={form.type} onChange={(e) => setForm({ ...form, type: (e.target as HTMLSelectElement).value })}>
            {['ISO14443', 'ISO15693', 'eMAID', 'Central', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'].map((t) => <option key={t}>{t}</option>)}
          </select>
          <input aria-label="Group" placeholder="Group id" list="token-groups" value={form.groupId} onInput={(e) => setForm({ ...form, groupId: (e.target as HTMLInputElement).value })} />
          <label>Expires <input type="datetime-local" value={form.expiresAt} onInput={(e) => setForm({ ...form, expiresAt: (e.target as HTMLInputElement).value })} /></label>
          <button type="submit">Add</button>
        </form>
      )}
      <datalist id="token-groups">{groups.map((g) => <option key={g.groupId} value={g.groupId} />)}</datalist>
      <ErrorBox error={error} />
      <div class="grid">
        <Card title="Groups">
          {groups.length === 0 ? <Empty>No groups yet: give tokens a group id.</Empty> : (
            <ul class="list" aria-label="Token groups">
              {groups.map((g) => (
                <li key={g.groupId} data-group={g.groupId}>
                  <button type="button" class="link" onClick={() => selectGroup(g.groupId)}>{g.groupId}</button> <span class="note">{g.members} token{g.members === 1 ? '' : 's'}</span>
                </li>
              ))}
            </ul>
          )}
          {edit && (
            <form aria-label="New group" onSubmit={(e) => {
              e.preventDefault();
              const ids = parseTokenList(newGroup.tokens);
              if (newGroup.groupId.trim() && ids.length) void assign(newGroup.groupId.trim(), ids);
            }}>
              <label>New group id<input aria-label="New group id" required value={newGroup.groupId} onInput={(e) => setNewGroup({ ...newGroup, groupId: (e.target as HTMLInputElement).value })} /></label>
              <label>Tokens to put in it (comma or space separated)<input aria-label="Tokens to assign" required value={newGroup.tokens} onInput={(e) => setNewGroup({ ...newGroup, tokens: (e.target as HTMLInputElement).value })} /></label>
              <button type="submit">Create group</button>
            </form>
          )}
        </Card>
      </div>
      {items.length === 0 ? <Empty>No id tokens{group ? ` in group ${group}` : ''}.</Empty> : (
        <div class="table-wrap">
          <table class="table" aria-label="Id tokens">
            <thead><tr><th>Id token</th><th>Type</th><th>Status</th><th>Group</th><th>Expires</th>{edit && <th />}</tr></thead>
            <tbody>
              {items.map((t) => (
                <tr key={t.idToken + t.type} data-token={t.idToken}>
                  <td>{t.idToken}</td><td>{t.type}</td><td>{t.status}</td>
                  <td>{edit ? (
                    <input aria-label={`Group of ${t.idToken}`} size={10} list="token-groups" value={t.groupId ?? ''} placeholder="—"
                      onChange={(e) => update(t, { groupId: (e.target as HTMLInputElement).value.trim() || null })} />
                  ) : (t.groupId ?? '—')}</td>
                  <td>{formatTime(t.expiresAt)}</td>
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
        </div>
      )}
      <div class="pager">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>← Previous</button>
        <button type="button" disabled={!next} onClick={() => setCursors([...cursors, next!])}>Next →</button>
      </div>
    </>
  );
}
