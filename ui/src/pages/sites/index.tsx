import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import { coalesce } from '../../coalesce.ts';
import { Card, Empty, ErrorBox, PageHeader } from '../../components.tsx';
import { formatTime } from '../../format.ts';
import { useLive } from '../../live.ts';
import { go, href } from '../../router.ts';
import type { PageProps } from '../../main.tsx';
import './sites.css';
import { flatten, formatAmps, parseLimit, phaseUse, type PhaseAmps } from './load.ts';

const value = (e: Event) => (e.target as HTMLInputElement).value;

/** Sites for load management: list and create (operators). */
export function SitesPage({ user }: PageProps) {
  const [items, setItems] = useState<any[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState({ id: '', name: '', limit: '' });
  const edit = user.role !== 'viewer';
  useEffect(() => void api('/sites', { query: { limit: 200 } }).then((p) => setItems(p.items), setError), []);
  const create = async (e: Event) => {
    e.preventDefault();
    const limit = parseLimit(form.limit);
    if ('error' in limit) return setError(limit.error);
    try {
      const site = await api('/sites', { method: 'POST', body: { id: form.id, ...(form.name ? { name: form.name } : {}), nodes: [{ id: 'grid', parentId: null, name: 'Grid connection', ...limit }] } });
      go(`/sites/${encodeURIComponent(site.id)}`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <PageHeader title="Sites and load" />
      {edit && (
        <form class="row" aria-label="New site" onSubmit={create}>
          <input aria-label="Site id" placeholder="Site id" required pattern="[A-Za-z0-9._\-]+" value={form.id} onInput={(e) => setForm({ ...form, id: value(e) })} />
          <input aria-label="Site name" placeholder="Name" value={form.name} onInput={(e) => setForm({ ...form, name: value(e) })} />
          <input aria-label="Grid limit" placeholder="Grid limit: 100 or 63/63/63 or 40 kW" required value={form.limit} onInput={(e) => setForm({ ...form, limit: value(e) })} />
          <button type="submit">Create site</button>
        </form>
      )}
      <ErrorBox error={error} />
      {items === null ? <p class="loading">Loading…</p> : items.length === 0 ? <Empty>No sites yet.{edit ? ' Create one with its grid connection limit above.' : ''}</Empty> : (
        <table class="table" aria-label="Sites">
          <thead><tr><th>Site</th><th>Name</th><th class="num">Nodes</th><th class="num">Attached</th><th>Last allocation</th><th>Updated</th></tr></thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id} data-site={s.id}>
                <td><a href={href(`/sites/${encodeURIComponent(s.id)}`)}>{s.id}</a></td>
                <td>{s.name}</td><td class="num">{s.nodes.length}</td><td class="num">{s.attachments.length}</td>
                <td>{formatTime(s.allocation?.at)}</td><td>{formatTime(s.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** A site: its capacity tree with the live allocated load per node, its stations; edit (operators). */
export function SitePage({ user, params }: PageProps) {
  const id = params.id!;
  const [site, setSite] = useState<any>(null);
  const [error, setError] = useState<unknown>(null);
  const [notFound, setNotFound] = useState(false);
  const edit = user.role !== 'viewer';
  const load = () =>
    api(`/sites/${encodeURIComponent(id)}`).then(setSite, (e) => {
      if (e?.status === 404) setNotFound(true);
      else setError(e);
    });
  useEffect(() => void load(), [id]);
  // The allocator publishes site.allocation per changed or ended session; the tree is read again (one GET).
  const reload = useMemo(() => coalesce(load), [id]);
  useLive('site.allocation', (e) => { if (e.payload.siteId === id) void reload(); }, [id]);
  const act = async (f: () => Promise<any>) => {
    try {
      const saved = await f();
      setError(null);
      if (saved && saved.id) setSite(saved);
      else await load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  if (notFound) return <><PageHeader title={`Site ${id}`} /><Empty>No site {id}. <a href={href('/sites')}>All sites</a></Empty></>;
  if (!site) return <><PageHeader title={`Site ${id}`} /><ErrorBox error={error} />{!error && <p class="loading">Loading…</p>}</>;
  const nodes = flatten(site.tree);
  return (
    <>
      <PageHeader title={`Site ${site.name}`}>
        <a href={href('/sites')}>All sites</a>
        {edit && <button type="button" class="danger" onClick={() => confirm(`Delete site ${id}?`) && act(async () => { await api(`/sites/${encodeURIComponent(id)}`, { method: 'DELETE' }); go('/sites'); })}>Delete site</button>}
      </PageHeader>
      <ErrorBox error={error} />
      <div class="grid">
        <Card title="Capacity tree and live load" wide>
          <p class="hint">Allocated load per node against its limit (A per phase); last allocation {formatTime(site.allocation?.at)}. Minimum per session {site.minA} A, default EVSE rating {site.defaultMaxA} A.</p>
          {site.tree ? <ul class="site-tree" aria-label="Capacity tree"><NodeView node={site.tree} edit={edit} act={act} siteId={id} saveNodes={(change) => act(() => api(`/sites/${encodeURIComponent(id)}`, { method: 'PUT', body: { nodes: change(site.nodes) } }))} onError={setError} /></ul> : <Empty>The site has no root node.</Empty>}
        </Card>
        {edit && (
          <Card title="Attach a station">
            <AttachForm nodes={nodes} onAttach={(body) => act(() => api(`/sites/${encodeURIComponent(id)}/attachments`, { method: 'POST', body }))} />
          </Card>
        )}
        {edit && (
          <Card title="Add a sub-feeder">
            <NodeForm nodes={nodes} onAdd={(node) => act(() => api(`/sites/${encodeURIComponent(id)}`, { method: 'PUT', body: { nodes: [...site.nodes, node] } }))} onError={setError} />
          </Card>
        )}
      </div>
    </>
  );
}

function Bars({ allocated, limit }: { allocated: PhaseAmps; limit: PhaseAmps }) {
  return (
    <ul class="bars load">
      {phaseUse(allocated, limit).map((u) => (
        <li key={u.phase} data-phase={u.phase}>
          <span>{u.phase}</span>
          <span class="track" role="meter" aria-label={`${u.phase} load`} aria-valuemin={0} aria-valuemax={u.limit} aria-valuenow={u.allocated}>
            <span class={`bar ${u.level}`} style={{ width: `${u.width * 100}%` }} />
          </span>
          <span class="num" data-testid="load-text">{Math.round(u.allocated * 10) / 10} / {Math.round(u.limit * 10) / 10} A</span>
        </li>
      ))}
    </ul>
  );
}

type NodesChange = (nodes: any[]) => any[];

function NodeView({ node, edit, act, siteId, saveNodes, onError }: { node: any; edit: boolean; act: (f: () => Promise<any>) => void; siteId: string; saveNodes: (change: NodesChange) => void; onError: (e: unknown) => void }) {
  const [limit, setLimit] = useState('');
  const setNodeLimit = (e: Event) => {
    e.preventDefault();
    const parsed = parseLimit(limit);
    if ('error' in parsed) return onError(parsed.error);
    saveNodes((nodes) => nodes.map((n) => {
      if (n.id !== node.id) return n;
      const { limitA: _a, limitKw: _k, ...rest } = n;
      return { ...rest, ...parsed };
    }));
    setLimit('');
  };
  const removable = node.parentId !== null && node.attachments.length === 0 && node.children.length === 0;
  return (
    <li data-node={node.id}>
      <div class="node">
        <strong>{node.name ?? node.id}</strong> <small class="hint">{node.id} · limit {formatAmps(node.limitA)}{node.limitKw !== null ? ` (${node.limitKw} kW)` : ''} · headroom {formatAmps(node.headroomA)}</small>
        <Bars allocated={node.allocatedA} limit={node.limitA} />
        {edit && (
          <form class="row" aria-label={`Limit of ${node.id}`} onSubmit={setNodeLimit}>
            <input aria-label="New limit" placeholder="New limit: 32, 32/32/16, 22 kW" size={24} required value={limit} onInput={(e) => setLimit(value(e))} />
            <button type="submit" class="small">Set limit</button>
            {removable && <button type="button" class="small danger" onClick={() => saveNodes((nodes) => nodes.filter((n) => n.id !== node.id))}>Remove node</button>}
          </form>
        )}
        {node.attachments.length > 0 && (
          <table class="table compact" aria-label={`Stations on ${node.id}`}>
            <thead><tr><th>Station</th><th>EVSE</th><th>Rating</th><th>Safe default</th><th>Priority</th><th>Sessions (limit)</th>{edit && <th />}</tr></thead>
            <tbody>
              {node.attachments.map((a: any) => (
                <tr key={`${a.stationId}/${a.evseId}`} data-attachment={`${a.stationId}/${a.evseId}`}>
                  <td><a href={href(`/stations/${encodeURIComponent(a.stationId)}`)}>{a.stationId}</a></td>
                  <td>{a.evseId === 0 ? 'all' : a.evseId}</td>
                  <td>{a.maxA !== undefined ? `${a.maxA} A` : 'site default'} · {a.phases ?? 3}φ{a.phases === 1 ? ` ${a.phase ?? 'L1'}` : ''}</td>
                  <td>{a.safeShareA} A</td>
                  <td>{a.priority ?? 0}</td>
                  <td data-testid="sessions">{a.sessions.length === 0 ? '—' : a.sessions.map((s: any) => <div key={s.transactionId}>{s.transactionId}: {s.paused ? 'paused (0 A)' : formatAmps(s.limitA)}</div>)}</td>
                  {edit && <td><button type="button" class="small danger" onClick={() => act(() => api(`/sites/${encodeURIComponent(siteId)}/attachments/${encodeURIComponent(a.stationId)}`, { method: 'DELETE', query: { evseId: a.evseId } }))}>Detach</button></td>}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {node.children.length > 0 && <ul class="children">{node.children.map((c: any) => <NodeView key={c.id} node={c} edit={edit} act={act} siteId={siteId} saveNodes={saveNodes} onError={onError} />)}</ul>}
    </li>
  );
}

function AttachForm({ nodes, onAttach }: { nodes: Array<{ node: any; depth: number }>; onAttach: (body: Record<string, unknown>) => void }) {
  const [f, setF] = useState({ stationId: '', evseId: '0', nodeId: nodes[0]?.node.id ?? '', maxA: '', phases: '3', priority: '0' });
  return (
    <form aria-label="Attach a station" onSubmit={(e) => {
      e.preventDefault();
      onAttach({ stationId: f.stationId, evseId: Number(f.evseId), nodeId: f.nodeId || nodes[0]?.node.id, phases: Number(f.phases), priority: Number(f.priority), ...(f.maxA ? { maxA: Number(f.maxA) } : {}) });
    }}>
      <label>Station id <input required value={f.stationId} onInput={(e) => setF({ ...f, stationId: value(e) })} /></label>
      <label>EVSE (0 = whole station) <input type="number" min={0} value={f.evseId} onInput={(e) => setF({ ...f, evseId: value(e) })} /></label>
      <label>Node <select value={f.nodeId} onChange={(e) => setF({ ...f, nodeId: value(e) })}>{nodes.map(({ node, depth }) => <option key={node.id} value={node.id}>{'· '.repeat(depth)}{node.name ?? node.id}</option>)}</select></label>
      <label>Rating (A per phase, empty: site default) <input type="number" min={0} step="any" value={f.maxA} onInput={(e) => setF({ ...f, maxA: value(e) })} /></label>
      <label>Phases <select value={f.phases} onChange={(e) => setF({ ...f, phases: value(e) })}><option>3</option><option>1</option></select></label>
      <label>Priority <input type="number" min={-1000} max={1000} value={f.priority} onInput={(e) => setF({ ...f, priority: value(e) })} /></label>
      <button type="submit">Attach</button>
    </form>
  );
}

function NodeForm({ nodes, onAdd, onError }: { nodes: Array<{ node: any; depth: number }>; onAdd: (node: Record<string, unknown>) => void; onError: (e: unknown) => void }) {
  const [f, setF] = useState({ id: '', name: '', parentId: nodes[0]?.node.id ?? '', limit: '' });
  return (
    <form aria-label="Add a sub-feeder" onSubmit={(e) => {
      e.preventDefault();
      const limit = parseLimit(f.limit);
      if ('error' in limit) return onError(limit.error);
      onAdd({ id: f.id, parentId: f.parentId || nodes[0]?.node.id, ...(f.name ? { name: f.name } : {}), ...limit });
    }}>
      <label>Node id <input required value={f.id} onInput={(e) => setF({ ...f, id: value(e) })} /></label>
      <label>Name <input value={f.name} onInput={(e) => setF({ ...f, name: value(e) })} /></label>
      <label>Parent <select value={f.parentId} onChange={(e) => setF({ ...f, parentId: value(e) })}>{nodes.map(({ node, depth }) => <option key={node.id} value={node.id}>{'· '.repeat(depth)}{node.name ?? node.id}</option>)}</select></label>
      <label>Limit (32, 32/32/16 or 22 kW) <input required value={f.limit} onInput={(e) => setF({ ...f, limit: value(e) })} /></label>
      <button type="submit">Add node</button>
    </form>
  );
}
