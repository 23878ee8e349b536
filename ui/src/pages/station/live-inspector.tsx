import { useEffect, useRef, useState } from 'preact/hooks';
import { chosenTenant } from '../../api.ts';
import { Card, Empty } from '../../components.tsx';
import { formatTime } from '../../format.ts';
import { addFrame, filterFrames, type LiveFrameRow } from './live-frames.ts';

/**
 * Frames in and out as they happen, pushed by the server (GET /stations/{id}/frames/live, SSE).
 * Pause keeps what arrives aside (counted) and shows it on resume; frames the gateway refused
 * with a schema CALLERROR are highlighted with the error.
 */
export function LiveInspector({ id }: { id: string }) {
  const [rows, setRows] = useState<LiveFrameRow[]>([]);
  const [held, setHeld] = useState<LiveFrameRow[]>([]);
  const [paused, setPaused] = useState(false);
  const [filter, setFilter] = useState('');
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [connected, setConnected] = useState(false);
  const [open, setOpen] = useState<number | null>(null);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  useEffect(() => {
    let seq = 0;
    const tenant = chosenTenant();
    const source = new EventSource(`/stations/${encodeURIComponent(id)}/frames/live${tenant ? `?tenant=${encodeURIComponent(tenant)}` : ''}`);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener('frame', ((e: MessageEvent) => {
      const row = { ...JSON.parse(e.data), seq: ++seq } as LiveFrameRow;
      if (pausedRef.current) setHeld((h) => [...h, row]);
      else setRows((r) => addFrame(r, row));
    }) as EventListener);
    return () => source.close();
  }, [id]);
  const resume = () => {
    setRows((r) => held.reduce((list, row) => addFrame(list, row), r));
    setHeld([]);
    setPaused(false);
  };
  const shown = filterFrames(rows, filter, { errorsOnly });
  return (
    <Card title="Live message inspector" wide>
      <div class="row">
        <span class={connected ? 'live up' : 'live'} data-testid="live-frames-status">{connected ? '● live' : '○ connecting'}</span>
        {paused
          ? <button type="button" onClick={resume} aria-pressed="true">Resume{held.length ? ` (${held.length} new)` : ''}</button>
          : <button type="button" onClick={() => setPaused(true)} aria-pressed="false">Pause</button>}
        <input type="search" placeholder="Filter action, id, error, text" aria-label="Filter live frames" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
        <label><input type="checkbox" checked={errorsOnly} onChange={(e) => setErrorsOnly((e.target as HTMLInputElement).checked)} /> Errors only</label>
        <button type="button" class="small" onClick={() => setRows([])}>Clear</button>
      </div>
      {shown.length === 0 ? <Empty>{rows.length === 0 ? 'Waiting for frames… they appear as the station sends or receives them.' : 'No frame matches.'}</Empty> : (
        <div class="table-wrap">
          <table class="table compact messages" aria-label="Live frames">
            <thead><tr><th>Time</th><th>Dir</th><th>Type</th><th>Action</th><th>Message id</th><th>Error</th></tr></thead>
            <tbody>
              {shown.map((r) => [
                <tr key={r.seq} class={r.errorCode || r.refused ? 'bad' : ''} data-frame-type={r.type} data-refused={r.refused ? 'true' : undefined}
                  tabIndex={0} onClick={() => setOpen(open === r.seq ? null : r.seq)} onKeyDown={(e) => e.key === 'Enter' && setOpen(open === r.seq ? null : r.seq)}>
                  <td>{formatTime(r.at)}</td><td>{r.direction === 'in' ? '← in' : '→ out'}</td><td>{r.type}</td><td>{r.action ?? ''}</td>
                  <td><code>{r.messageId ?? ''}</code></td>
                  <td>{r.refused ? <span class="schema-error">refused: {r.refused.code}{r.refused.description ? ` — ${r.refused.description}` : ''}</span> : r.errorCode ? <span class={r.schemaError ? 'schema-error' : ''}>{r.errorCode}</span> : ''}</td>
                </tr>,
                open === r.seq && <tr key={`${r.seq}-f`}><td colSpan={6}><pre class="json">{r.frame}</pre></td></tr>,
              ])}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
