import { useEffect, useState } from 'preact/hooks';
import { api, actThenReload, chosenTenant, errorText } from '../../api.ts';
import { Card, Empty, ErrorBox, PageHeader } from '../../components.tsx';
import { formatTime } from '../../format.ts';
import type { PageProps } from '../../main.tsx';
import { auditDetails, filterAudit, type AuditKind } from './audit.ts';

/** Admins: users of the tenant (cluster admins: all), API keys, and the audit log of commands. */
export function UsersPage({ user }: PageProps) {
  const [users, setUsers] = useState<any[]>([]);
  const [keys, setKeys] = useState<any[]>([]);
  const [audit, setAudit] = useState<any[]>([]);
  const [auditKind, setAuditKind] = useState<AuditKind>('all');
  const shownAudit = filterAudit(audit, auditKind);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState('');
  const [form, setForm] = useState({ username: '', password: '', role: 'viewer', tenantId: user.tenantId ?? '' });
  const [keyName, setKeyName] = useState('');
  const load = async () => {
    try {
      const [u, k, a] = await Promise.all([api('/admin/users'), api('/admin/api-keys'), api('/admin/audit', { query: { limit: 50 } })]);
      setUsers(u.items);
      setKeys(k.items);
      setAudit(a.items);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => void load(), []);
  const act = actThenReload(setError, load);
  return (
    <>
      <PageHeader title="Users and API keys" />
      <ErrorBox error={error} />
      <div class="grid">
        <Card title="Users" wide>
          <form class="row" aria-label="New user" onSubmit={(e) => {
            e.preventDefault();
            void act(() => api('/admin/users', { method: 'POST', body: { ...form, tenantId: form.tenantId || null } }).then(() => setForm({ ...form, username: '', password: '' })));
          }}>
            <input aria-label="Username" placeholder="Username" required value={form.username} onInput={(e) => setForm({ ...form, username: (e.target as HTMLInputElement).value })} />
            <input aria-label="Password" type="password" placeholder="Password (10+)" autoComplete="new-password" required value={form.password} onInput={(e) => setForm({ ...form, password: (e.target as HTMLInputElement).value })} />
            <select aria-label="Role" value={form.role} onChange={(e) => setForm({ ...form, role: (e.target as HTMLSelectElement).value })}><option>viewer</option><option>operator</option><option>admin</option></select>
            <input aria-label="Tenant" placeholder="Tenant (empty: cluster)" disabled={user.tenantId !== null} value={form.tenantId} onInput={(e) => setForm({ ...form, tenantId: (e.target as HTMLInputElement).value })} />
            <button type="submit">Create user</button>
          </form>
          <table class="table compact">
            <thead><tr><th>Username</th><th>Role</th><th>Tenant</th><th>Created</th><th>State</th><th /></tr></thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td>{u.username}</td>
                  <td>
                    <select aria-label={`Role of ${u.username}`} value={u.role} disabled={u.id === user.id} onChange={(e) => act(() => api(`/admin/users/${u.id}`, { method: 'PATCH', body: { role: (e.target as HTMLSelectElement).value } }))}>
                      <option>viewer</option><option>operator</option><option>admin</option>
                    </select>
                  </td>
                  <td>{u.tenantId ?? 'cluster'}</td><td>{formatTime(u.createdAt)}</td><td>{u.disabledAt ? 'disabled' : 'active'}</td>
                  <td><div class="row">
                    {u.id !== user.id && <button type="button" class="small" onClick={() => act(() => api(`/admin/users/${u.id}`, { method: 'PATCH', body: { disabled: !u.disabledAt } }))}>{u.disabledAt ? 'Enable' : 'Disable'}</button>}
                    {u.id !== user.id && <button type="button" class="small danger" onClick={() => confirm(`Delete ${u.username}?`) && act(() => api(`/admin/users/${u.id}`, { method: 'DELETE' }))}>Delete</button>}
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title="API keys" wide>
          <form class="row" aria-label="New API key" onSubmit={(e) => { e.preventDefault(); void act(() => api('/admin/api-keys', { method: 'POST', body: { name: keyName || undefined, tenantId: user.tenantId ?? (chosenTenant() || 'default') } }).then((r) => setCreated(r.key))); }}>
            <input aria-label="Key name" placeholder="Name (e.g. billing)" value={keyName} onInput={(e) => setKeyName((e.target as HTMLInputElement).value)} />
            <button type="submit">Create tenant key</button>
          </form>
          {created && <p class="note" role="status">New key (shown once): <code>{created}</code></p>}
          {keys.length === 0 ? <Empty>No API keys.</Empty> : (
            <table class="table compact">
              <thead><tr><th>Id</th><th>Name</th><th>Role</th><th>Tenant</th><th>Prefix</th><th>Created</th><th /></tr></thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id}><td><code>{k.id}</code></td><td>{k.name ?? ''}</td><td>{k.role}</td><td>{k.tenantId ?? '*'}</td><td><code>{k.prefix}…</code></td><td>{formatTime(k.createdAt)}</td>
                    <td>{k.revokedAt ? 'revoked' : <button type="button" class="small danger" onClick={() => confirm(`Revoke ${k.id}?`) && act(() => api(`/admin/api-keys/${k.id}`, { method: 'DELETE' }))}>Revoke</button>}</td></tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card title="Audit log: commands, and changes to users, API keys and id tokens" wide>
          <div class="row">
            <select aria-label="Audit kind" value={auditKind} onChange={(e) => setAuditKind((e.target as HTMLSelectElement).value as AuditKind)}>
              <option value="all">Commands and changes</option><option value="commands">Commands</option><option value="changes">Changes</option>
            </select>
          </div>
          {shownAudit.length === 0 ? <Empty>Nothing recorded yet.</Empty> : (
            <div class="table-wrap">
              <table class="table compact" aria-label="Audit log">
                <thead><tr><th>When</th><th>Who</th><th>What</th><th>Station</th><th>Outcome</th><th>Details</th></tr></thead>
                <tbody>
                  {shownAudit.map((a) => (
                    <tr key={a.id} class={a.httpStatus >= 400 ? 'bad' : undefined} data-audit={a.action ? 'command' : 'change'}>
                      <td>{formatTime(a.at)}</td><td>{a.username}</td>
                      <td>{a.action ? a.action : <code>{a.route}</code>}</td>
                      <td>{a.stationId ?? ''}</td><td>{a.result}</td>
                      <td class="details"><code>{auditDetails(a)}</code></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
    </>
  );
}

export function AccountPage({ user }: PageProps) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [note, setNote] = useState('');
  return (
    <>
      <PageHeader title="Account" />
      <Card title={`${user.username} (${user.role}${user.tenantId ? `, tenant ${user.tenantId}` : ', cluster admin'})`}>
        <form aria-label="Change password" onSubmit={async (e) => {
          e.preventDefault();
          try {
            await api('/auth/password', { method: 'POST', body: { currentPassword: current, newPassword: next } });
            setNote('Password changed; your other sessions ended.');
            setCurrent('');
            setNext('');
          } catch (err) {
            setNote(errorText(err));
          }
        }}>
          <label>Current password<input type="password" autoComplete="current-password" required value={current} onInput={(e) => setCurrent((e.target as HTMLInputElement).value)} /></label>
          <label>New password (10 or more characters)<input type="password" autoComplete="new-password" required minLength={10} value={next} onInput={(e) => setNext((e.target as HTMLInputElement).value)} /></label>
          <button type="submit">Change password</button>
          {note && <p role="status">{note}</p>}
        </form>
      </Card>
    </>
  );
}
