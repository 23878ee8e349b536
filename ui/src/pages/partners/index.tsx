import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { actThenReload, api } from '../../api.ts';
import { Card, Empty, ErrorBox, PageHeader } from '../../components.tsx';
import { formatTime } from '../../format.ts';
import type { PageProps } from '../../main.tsx';

const value = (e: Event) => (e.target as HTMLInputElement).value;

/** OCPI roaming (admins): our CPO parties, partners (invite with token A, register with theirs), their delivery outboxes. */
export function PartnersPage(_props: PageProps) {
  const [parties, setParties] = useState<any[] | null>(null);
  const [partners, setPartners] = useState<any[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [invited, setInvited] = useState<{ name: string; tokenA: string; versionsUrl: string } | null>(null);
  const [registering, setRegistering] = useState<string | null>(null);
  const [inviteName, setInviteName] = useState('');
  const load = () =>
    Promise.all([api('/roaming/parties'), api('/roaming/partners')]).then(([a, b]) => {
      setParties(a.items);
      setPartners(b.items);
    }, setError);
  useEffect(() => void load(), []);
  const act = actThenReload(setError, load);
  return (
    <>
      <PageHeader title="OCPI partners"><button type="button" class="small" onClick={() => void load()}>Refresh</button></PageHeader>
      <ErrorBox error={error} />
      <div class="grid">
        <Card title="Our CPO parties">
          {parties === null ? (!error && <p class="loading">Loading…</p>) : parties.length === 0 ? <Empty>No CPO party yet: create one before inviting partners.</Empty> : (
            <ul class="list">{parties.map((p) => <li key={p.countryCode + p.partyId}><strong>{p.countryCode}*{p.partyId}</strong> {p.name}</li>)}</ul>
          )}
          <PartyForm onCreate={(body) => act(() => api('/roaming/parties', { method: 'POST', body }))} />
        </Card>
        <Card title="Invite a partner">
          <p class="hint">Issues token A: give it with our versions URL to the partner, who then registers with us.</p>
          <form class="row" aria-label="Invite a partner" onSubmit={(e) => {
            e.preventDefault();
            const name = inviteName.trim();
            void act(async () => { const r = await api('/roaming/partners', { method: 'POST', body: { name } }); setInvited({ name, tokenA: r.tokenA, versionsUrl: r.versionsUrl }); });
          }}>
            <input aria-label="Partner name" placeholder="Partner name" required maxLength={100} value={inviteName} onInput={(e) => setInviteName(value(e))} />
            <button type="submit">Invite</button>
          </form>
          {invited && (
            <div class="answer ok" role="status" data-testid="token-a">
              <p>Give {invited.name} these (token A is shown only now):</p>
              <dl class="facts" style={{ wordBreak: 'break-all' }}><dt>Token A</dt><dd><code>{invited.tokenA}</code></dd><dt>Versions URL</dt><dd><code>{invited.versionsUrl}</code></dd></dl>
            </div>
          )}
        </Card>
        <Card title="Partners" wide>
          {partners === null ? (!error && <p class="loading">Loading…</p>) : partners.length === 0 ? <Empty>No roaming partners.</Empty> : (
            <table class="table compact" aria-label="Partners">
              <thead><tr><th>Partner</th><th>Status</th><th>Roles</th><th>Delivery outbox</th><th>Updated</th><th /></tr></thead>
              <tbody>
                {partners.map((p) => (
                  <Fragment key={p.id}>
                    <tr data-partner={p.id}>
                      <td style={{ whiteSpace: 'normal', maxWidth: '18em', wordBreak: 'break-all' }}>
                        {p.name}<br /><small class="hint">{p.id}</small>
                        {p.versionsUrl && <><br /><small class="hint">{p.versionsUrl} · {(p.endpoints ?? []).length} endpoints</small></>}
                      </td>
                      <td data-testid="partner-status">{p.status}{p.hasTheirToken ? '' : ' · no token from them'}</td>
                      <td>{(p.roles ?? []).map((r: any) => `${r.countryCode}*${r.partyId} ${r.role}`).join(', ') || '—'}</td>
                      <td data-testid="outbox" style={{ whiteSpace: 'normal', minWidth: '14em', maxWidth: '24em' }}>
                        <span class={p.pendingDeliveries > 0 ? 'warn' : ''}><span data-testid="pending">{p.pendingDeliveries ?? 0}</span> pending</span>
                        {p.outbox && p.outbox.attempts > 0 && (
                          <div class="hint" data-testid="outbox-retry">
                            {p.outbox.module} {p.outbox.objectKey}: {p.outbox.attempts} failed attempt{p.outbox.attempts === 1 ? '' : 's'}
                            {p.outbox.lastError ? ` (${p.outbox.lastError})` : ''}, next {formatTime(p.outbox.nextAt)}
                          </div>
                        )}
                        {p.outbox && p.outbox.attempts === 0 && <div class="hint">oldest since {formatTime(p.outbox.createdAt)}</div>}
                      </td>
                      <td>{formatTime(p.updatedAt)}</td>
                      <td style={{ whiteSpace: 'normal' }}><div class="row" style={{ flexWrap: 'wrap' }}>
                        {p.status !== 'registered' && <button type="button" class="small" onClick={() => setRegistering(registering === p.id ? null : p.id)}>Register…</button>}
                        {p.status === 'registered' && <button type="button" class="small" onClick={() => act(() => api(`/roaming/partners/${encodeURIComponent(p.id)}/rotate`, { method: 'POST' }))}>Rotate tokens</button>}
                        {p.status === 'registered' && <button type="button" class="small danger" onClick={() => confirm(`Unregister from ${p.name}?`) && act(() => api(`/roaming/partners/${encodeURIComponent(p.id)}/unregister`, { method: 'POST' }))}>Unregister</button>}
                        <button type="button" class="small danger" onClick={() => confirm(`Forget ${p.name} and its pending deliveries?`) && act(() => api(`/roaming/partners/${encodeURIComponent(p.id)}`, { method: 'DELETE' }))}>Remove</button>
                      </div></td>
                    </tr>
                    {registering === p.id && (
                      <tr key={`${p.id}-register`}><td colSpan={6}>
                        <RegisterForm name={p.name} onRegister={(body) => act(async () => { await api(`/roaming/partners/${encodeURIComponent(p.id)}/register`, { method: 'POST', body }); setRegistering(null); })} />
                      </td></tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
    </>
  );
}

function PartyForm({ onCreate }: { onCreate: (body: Record<string, string>) => Promise<boolean> }) {
  const [f, setF] = useState({ countryCode: '', partyId: '', name: '' });
  return (
    <form class="row" aria-label="New CPO party" onSubmit={async (e) => {
      e.preventDefault();
      if (await onCreate({ countryCode: f.countryCode.toUpperCase(), partyId: f.partyId.toUpperCase(), name: f.name })) setF({ countryCode: '', partyId: '', name: '' });
    }}>
      <input aria-label="Country code" placeholder="NL" required pattern="[A-Za-z]{2}" size={3} value={f.countryCode} onInput={(e) => setF({ ...f, countryCode: value(e) })} />
      <input aria-label="Party id" placeholder="SYD" required pattern="[A-Za-z0-9]{3}" size={4} value={f.partyId} onInput={(e) => setF({ ...f, partyId: value(e) })} />
      <input aria-label="Party name" placeholder="Name" required value={f.name} onInput={(e) => setF({ ...f, name: value(e) })} />
      <button type="submit">Add party</button>
    </form>
  );
}

function RegisterForm({ name, onRegister }: { name: string; onRegister: (body: { versionsUrl: string; token: string }) => void }) {
  const [f, setF] = useState({ versionsUrl: '', token: '' });
  return (
    <form class="row" aria-label={`Register with ${name}`} onSubmit={(e) => { e.preventDefault(); onRegister(f); }}>
      <span>With the token A and versions URL {name} gave us:</span>
      <input aria-label="Their versions URL" placeholder="https://…/ocpi/versions" required pattern="https?://.+" value={f.versionsUrl} onInput={(e) => setF({ ...f, versionsUrl: value(e) })} />
      <input aria-label="Their token A" placeholder="Token A" required maxLength={64} value={f.token} onInput={(e) => setF({ ...f, token: value(e) })} />
      <button type="submit">Register</button>
    </form>
  );
}
