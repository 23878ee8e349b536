import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import { coalesce } from '../../coalesce.ts';
import { Card, Empty, ErrorBox, PageHeader } from '../../components.tsx';
import { formatTime } from '../../format.ts';
import { useLive } from '../../live.ts';
import { go, href } from '../../router.ts';
import type { PageProps } from '../../main.tsx';
import './campaigns.css';
import { commandsFor, parseWaves, progressParts, progressText } from './progress.ts';

const value = (e: Event) => (e.target as HTMLInputElement).value;
const KIND_TEXT: Record<string, string> = { firmware: 'Firmware', 'password-rotation': 'Password rotation', report: 'Report' };

function ProgressBar({ progress }: { progress: Record<string, number> | undefined }) {
  const parts = progressParts(progress);
  return (
    <div class="progress" role="img" aria-label={progressText(progress)} title={progressText(progress)}>
      {parts.map((p) => <span key={p.state} class={`part state-${p.state}`} style={{ width: `${p.share * 100}%` }} />)}
    </div>
  );
}

/** Firmware campaigns, password-rotation and report jobs (one campaign machinery): list, start a firmware campaign. */
export function CampaignsPage({ user }: PageProps) {
  const [campaigns, setCampaigns] = useState<any[] | null>(null);
  const [reports, setReports] = useState<any[]>([]);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>(null);
  const edit = user.role !== 'viewer';
  const load = () =>
    Promise.all([api('/firmware-campaigns', { query: { limit: 100, status } }), api('/reports', { query: { limit: 100, status } })]).then(([c, r]) => {
      setCampaigns(c.items);
      setReports(r.items);
    }, setError);
  useEffect(() => void load(), [status]);
  const reload = useMemo(() => coalesce(load), [status]);
  useLive('campaign.progress', () => void reload(), [status]);
  const rows = [...(campaigns ?? []).map((c) => ({ ...c, family: 'campaign' })), ...reports.map((r) => ({ ...r, kind: 'report', family: 'report' }))].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  return (
    <>
      <PageHeader title="Firmware campaigns and jobs">
        <label>Status <select value={status} onChange={(e) => setStatus(value(e))}><option value="">any</option>{['running', 'paused', 'aborted', 'complete'].map((s) => <option key={s}>{s}</option>)}</select></label>
      </PageHeader>
      {edit && <NewCampaign onError={setError} />}
      <ErrorBox error={error} />
      {campaigns === null ? (!error && <p class="loading">Loading…</p>) : rows.length === 0 ? <Empty>No campaigns or jobs{status ? ` ${status}` : ''}.</Empty> : (
        <div style={{ overflowX: 'auto' }}><table class="table" aria-label="Campaigns">
          <thead><tr><th>Campaign</th><th>Kind</th><th>Status</th><th>Progress</th><th /><th>Wave</th><th>Created</th><th>Finished</th></tr></thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id} data-campaign={c.id}>
                <td><a href={href(c.family === 'report' ? `/campaigns/reports/${encodeURIComponent(c.id)}` : `/campaigns/${encodeURIComponent(c.id)}`)}>{c.name || c.id}</a></td>
                <td>{KIND_TEXT[c.kind] ?? c.kind}</td>
                <td>{c.status}{c.pausedReason ? ` (${c.pausedReason})` : ''}</td>
                <td class="progress-cell"><ProgressBar progress={c.progress} /></td>
                <td>{progressText(c.progress)}</td>
                <td>{c.currentWave ?? '—'}</td>
                <td>{formatTime(c.createdAt)}</td><td>{formatTime(c.finishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
    </>
  );
}

const NEW_KIND = {
  firmware: { label: 'Firmware update', path: '/firmware-campaigns', detail: (id: string) => `/campaigns/${id}` },
  'password-rotation': { label: 'Password rotation', path: '/password-rotations', detail: (id: string) => `/campaigns/${id}` },
  report: { label: 'Configuration report', path: '/reports', detail: (id: string) => `/campaigns/reports/${id}` },
} as const;

/** Start a firmware campaign, a password rotation or a report job: the same target and rollout. */
function NewCampaign({ onError }: { onError: (e: unknown) => void }) {
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({ kind: 'firmware' as keyof typeof NEW_KIND, name: '', location: '', reportBase: 'FullInventory', stationIds: '', vendor: '', model: '', firmwareVersion: '', waves: '', concurrency: '' });
  if (!open) return <div class="row"><button type="button" onClick={() => setOpen(true)}>New campaign or job…</button></div>;
  const submit = async (e: Event) => {
    e.preventDefault();
    const waves = f.kind === 'report' ? undefined : parseWaves(f.waves);
    if (waves && 'error' in waves) return onError(waves.error);
    const ids = f.stationIds.split(/[\s,]+/).filter(Boolean);
    const target: Record<string, unknown> = {};
    if (ids.length) target.stationIds = ids;
    for (const k of ['vendor', 'model', 'firmwareVersion'] as const) if (f[k].trim()) target[k] = f[k].trim();
    const rollout: Record<string, unknown> = {};
    if (waves) rollout.waves = waves;
    if (f.concurrency) rollout.concurrency = Number(f.concurrency);
    const body: Record<string, unknown> = { target, rollout, ...(f.name ? { name: f.name } : {}) };
    if (f.kind === 'firmware') body.firmware = { location: f.location };
    if (f.kind === 'report') body.reportBase = f.reportBase;
    try {
      const c = await api(NEW_KIND[f.kind].path, { method: 'POST', body });
      go(NEW_KIND[f.kind].detail(encodeURIComponent(c.id)));
    } catch (err) {
      onError(err);
    }
  };
  return (
    <Card title="New campaign or job">
      <form aria-label="New campaign" onSubmit={submit}>
        <label>Kind <select value={f.kind} onChange={(e) => setF({ ...f, kind: value(e) as keyof typeof NEW_KIND })}>
          {Object.entries(NEW_KIND).map(([k, v]) => <option key={k} value={k}>{v.label}</option>)}
        </select></label>
        <label>Name <input value={f.name} onInput={(e) => setF({ ...f, name: value(e) })} /></label>
        {f.kind === 'firmware' && <label>Firmware location (URL) <input required type="url" value={f.location} onInput={(e) => setF({ ...f, location: value(e) })} /></label>}
        {f.kind === 'password-rotation' && <p class="hint">Every station gets a new generated Basic-auth password (never shown); one that is offline gets it when it connects.</p>}
        {f.kind === 'report' && <label>Report <select value={f.reportBase} onChange={(e) => setF({ ...f, reportBase: value(e) })}>{['FullInventory', 'ConfigurationInventory', 'SummaryInventory'].map((b) => <option key={b}>{b}</option>)}</select></label>}
        <p class="hint">Target: the stations listed, or every station matching vendor / model / firmware (empty: every station).</p>
        <label>Stations (comma-separated) <input value={f.stationIds} onInput={(e) => setF({ ...f, stationIds: value(e) })} /></label>
        <div class="row">
          <label>Vendor <input value={f.vendor} onInput={(e) => setF({ ...f, vendor: value(e) })} /></label>
          <label>Model <input value={f.model} onInput={(e) => setF({ ...f, model: value(e) })} /></label>
          <label>Current firmware <input value={f.firmwareVersion} onInput={(e) => setF({ ...f, firmwareVersion: value(e) })} /></label>
        </div>
        <div class="row">
          {f.kind !== 'report' && <label>Waves (station counts, e.g. 1, 10) <input value={f.waves} onInput={(e) => setF({ ...f, waves: value(e) })} /></label>}
          <label>Concurrency <input type="number" min={1} value={f.concurrency} onInput={(e) => setF({ ...f, concurrency: value(e) })} /></label>
        </div>
        <div class="row"><button type="submit">Start</button><button type="button" class="link" onClick={() => setOpen(false)}>Cancel</button></div>
      </form>
    </Card>
  );
}

/** One campaign (`/campaigns/:id`) or report job (`/campaigns/reports/:id`): progress per station, pause / resume / abort. */
export function CampaignPage({ user, params }: PageProps) {
  // Report jobs have their own API (/reports) and route (/campaigns/reports/:id).
  const family: 'campaign' | 'report' = location.hash.startsWith('#/campaigns/reports/') ? 'report' : 'campaign';
  const id = params.id!;
  const base = family === 'report' ? `/reports/${encodeURIComponent(id)}` : `/firmware-campaigns/${encodeURIComponent(id)}`;
  const [c, setC] = useState<any>(null);
  const [error, setError] = useState<unknown>(null);
  const edit = user.role !== 'viewer';
  const load = () => api(base).then(setC, setError);
  useEffect(() => void load(), [id]);
  const reload = useMemo(() => coalesce(load), [id]);
  useLive('campaign.progress', (e) => { if (e.payload.campaignId === id) void reload(); }, [id]);
  const command = async (cmd: string) => {
    try {
      setC(await api(`${base}/${cmd}`, { method: 'POST' }));
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  };
  if (!c) return <><PageHeader title={`Campaign ${id}`} /><ErrorBox error={error} />{!error && <p class="loading">Loading…</p>}</>;
  const kind = family === 'report' ? 'report' : c.kind;
  return (
    <>
      <PageHeader title={`${KIND_TEXT[kind] ?? kind} · ${c.name || c.id}`}>
        <a href={href('/campaigns')}>All campaigns</a>
        {edit && commandsFor(c.status, family).map((cmd) => (
          <button type="button" key={cmd} class={cmd === 'abort' ? 'danger' : ''} onClick={() => (cmd !== 'abort' || confirm('Abort the campaign?')) && command(cmd)}>{cmd[0]!.toUpperCase() + cmd.slice(1)}</button>
        ))}
      </PageHeader>
      <ErrorBox error={error} />
      <div class="grid">
        <Card title="Progress">
          <dl class="facts">
            <dt>Status</dt><dd data-testid="campaign-status">{c.status}{c.pausedReason ? ` (${c.pausedReason})` : ''}</dd>
            <dt>Progress</dt><dd>{progressText(c.progress)}</dd>
            {c.firmware && <><dt>Firmware</dt><dd>{c.firmware.location}</dd></>}
            {c.reportBase && <><dt>Report</dt><dd>{c.reportBase}</dd></>}
            <dt>Wave</dt><dd>{c.currentWave ?? '—'}</dd>
            <dt>Driven by</dt><dd>{c.driver?.nodeId ?? '—'}</dd>
            <dt>Created</dt><dd>{formatTime(c.createdAt)}</dd>
            <dt>Finished</dt><dd>{formatTime(c.finishedAt)}</dd>
          </dl>
          <ProgressBar progress={c.progress} />
          <ul class="legend">{progressParts(c.progress).map((p) => <li key={p.state}><span class={`swatch state-${p.state}`} />{p.state} {p.count}</li>)}</ul>
        </Card>
        <Card title="Stations" wide>
          {(c.stations ?? []).length === 0 ? <Empty>No stations.</Empty> : (
            <table class="table compact" aria-label="Campaign stations">
              <thead><tr><th>Station</th><th>Wave</th><th>State</th><th>Last status</th><th class="num">Attempts</th><th>Request</th><th>Error</th><th>Updated</th></tr></thead>
              <tbody>
                {c.stations.map((s: any) => (
                  <tr key={s.stationId} data-station={s.stationId} class={s.state === 'failed' ? 'bad' : ''}>
                    <td><a href={href(`/stations/${encodeURIComponent(s.stationId)}`)}>{s.stationId}</a></td>
                    <td>{s.wave ?? '—'}</td>
                    <td data-testid="state">{s.state}{s.waiting === 'offline' ? ' (waiting: offline)' : ''}</td>
                    <td>{s.progress ?? '—'}</td><td class="num">{s.attempts}</td><td>{s.requestId ?? '—'}</td><td>{s.error ?? ''}</td>
                    <td>{formatTime(s.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
    </>
  );
}
