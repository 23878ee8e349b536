import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import { Card, ErrorBox, Json, PageHeader } from '../../components.tsx';
import { fieldsOf, getPath, missingRequired, parseInput, setPath, type Field } from '../../schema-form.ts';
import { href } from '../../router.ts';
import type { PageProps } from '../../main.tsx';

interface Answer { title: string; ok: boolean; body: unknown }

/**
 * Every CSMS-initiated action of the station's version, each with a form generated from its
 * official JSON schema (GET /ocpp/schemas/{version}/{action}); typed shortcuts above. The
 * station's answer (or the refusal) is shown; every command is audited on the server.
 */
export function ConsolePage({ params, user }: PageProps) {
  const id = params.id!;
  const [station, setStation] = useState<any>(null);
  const [actions, setActions] = useState<string[]>([]);
  const [action, setAction] = useState('');
  const [schema, setSchema] = useState<any>(null);
  const [value, setValue] = useState<Record<string, any>>({});
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const sid = encodeURIComponent(id);

  useEffect(() => {
    api(`/stations/${sid}`).then(async (s) => {
      setStation(s);
      if (s.protocol) setActions((await api(`/ocpp/schemas/${s.protocol}`)).actions);
    }, setError);
  }, [id]);
  useEffect(() => {
    setValue({});
    setSchema(null);
    if (action && station?.protocol) api(`/ocpp/schemas/${station.protocol}/${action}`).then(setSchema, setError);
  }, [action]);

  const run = async (title: string, path: string, body: unknown) => {
    setBusy(true);
    setAnswer(null);
    try {
      const res = await api(path, { method: 'POST', body });
      setAnswer({ title, ok: true, body: res });
    } catch (e) {
      setAnswer({ title, ok: false, body: errorText(e) });
    } finally {
      setBusy(false);
    }
  };
  const readOnly = user.role === 'viewer';
  const fields: Field[] = schema ? fieldsOf(schema) : [];
  const missing = schema ? missingRequired(fields, value) : [];
  return (
    <>
      <PageHeader title={`Console · ${id}`}>
        <a href={href(`/stations/${sid}`)}>← Station</a>
        <span>{station?.protocol ?? ''} {station && !station.connected && <b class="warn">offline</b>}</span>
      </PageHeader>
      <ErrorBox error={error} />
      {readOnly && <div class="error" role="alert">Your role (viewer) cannot send commands.</div>}
      <fieldset disabled={readOnly || busy} class="plain">
        <div class="grid">
          <Card title="Shortcuts">
            <Shortcuts run={run} sid={sid} />
          </Card>
          <Card title="Any action">
            <label>Action
              <select aria-label="Action" value={action} onChange={(e) => setAction((e.target as HTMLSelectElement).value)}>
                <option value="">Choose…</option>
                {actions.map((a) => <option key={a}>{a}</option>)}
              </select>
            </label>
            {schema && (
              <form onSubmit={(e) => { e.preventDefault(); void run(action, `/stations/${sid}/ocpp/${action}`, value); }} aria-label={`${action} form`}>
                <Fields fields={fields} value={value} onChange={setValue} />
                {missing.length > 0 && <p class="hint">Required: {missing.join(', ')}</p>}
                <details><summary>Payload</summary><Json value={value} /></details>
                <button type="submit" disabled={missing.length > 0}>Send {action}</button>
              </form>
            )}
          </Card>
        </div>
      </fieldset>
      {busy && <p role="status">Waiting for the station…</p>}
      {answer && (
        <section class={answer.ok ? 'answer ok' : 'answer bad'} aria-label="Station answer" data-testid="answer">
          <h2>{answer.title}: {answer.ok ? 'answered' : 'failed'}</h2>
          {typeof answer.body === 'string' ? <p>{answer.body}</p> : <Json value={answer.body} />}
        </section>
      )}
    </>
  );
}

function Shortcuts({ run, sid }: { run: (title: string, path: string, body: unknown) => Promise<void>; sid: string }) {
  const [resetType, setResetType] = useState('Soft');
  const [evse, setEvse] = useState('1');
  const [token, setToken] = useState('');
  const [txId, setTxId] = useState('');
  const [trigger, setTrigger] = useState('StatusNotification');
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
  return (
    <div class="shortcuts">
      <form onSubmit={(e) => { e.preventDefault(); void run('Reset', `/stations/${sid}/reset`, { type: resetType }); }}>
        <select aria-label="Reset type" value={resetType} onChange={(e) => setResetType((e.target as HTMLSelectElement).value)}>
          <option>Soft</option><option>Hard</option><option>OnIdle</option><option>Immediate</option>
        </select>
        <button type="submit">Reset</button>
      </form>
      <form onSubmit={(e) => { e.preventDefault(); void run('Remote start', `/stations/${sid}/transactions/start`, { idToken: token, evseId: num(evse) }); }}>
        <input aria-label="Id token" placeholder="Id token" required value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} />
        <input aria-label="EVSE" size={3} value={evse} onInput={(e) => setEvse((e.target as HTMLInputElement).value)} />
        <button type="submit">Remote start</button>
      </form>
      <form onSubmit={(e) => { e.preventDefault(); void run('Remote stop', `/stations/${sid}/transactions/stop`, { transactionId: txId }); }}>
        <input aria-label="Transaction id" placeholder="Transaction id" required value={txId} onInput={(e) => setTxId((e.target as HTMLInputElement).value)} />
        <button type="submit">Remote stop</button>
      </form>
      <form onSubmit={(e) => { e.preventDefault(); void run('Unlock', `/stations/${sid}/unlock`, { evseId: num(evse) ?? 1, connectorId: 1 }); }}>
        <button type="submit">Unlock connector (EVSE {evse || 1})</button>
      </form>
      <form onSubmit={(e) => { e.preventDefault(); void run('Trigger', `/stations/${sid}/trigger`, { message: trigger }); }}>
        <select aria-label="Trigger message" value={trigger} onChange={(e) => setTrigger((e.target as HTMLSelectElement).value)}>
          <option>StatusNotification</option><option>BootNotification</option><option>Heartbeat</option><option>MeterValues</option>
        </select>
        <button type="submit">Trigger</button>
      </form>
      <div class="row">
        <button type="button" onClick={() => run('Make operative', `/stations/${sid}/availability`, { operative: true })}>Operative</button>
        <button type="button" onClick={() => run('Make inoperative', `/stations/${sid}/availability`, { operative: false })}>Inoperative</button>
      </div>
    </div>
  );
}

function Fields({ fields, value, onChange }: { fields: Field[]; value: Record<string, any>; onChange: (v: Record<string, any>) => void }) {
  return (
    <>
      {fields.map((f) => {
        const key = f.path.join('.');
        const label = <span>{f.name}{f.required && <b class="req" title="required"> *</b>}</span>;
        const current = getPath(value, f.path);
        const set = (text: string) => onChange(setPath(value, f.path, parseInput(f, text)));
        if (f.kind === 'object') {
          return (
            <fieldset key={key} class="group">
              <legend>{label}</legend>
              <Fields fields={f.fields} value={value} onChange={onChange} />
            </fieldset>
          );
        }
        let input;
        if (f.kind === 'enum') {
          input = (
            <select name={key} value={String(current ?? '')} onChange={(e) => set((e.target as HTMLSelectElement).value)}>
              <option value="">—</option>
              {f.options.map((o) => <option key={o}>{o}</option>)}
            </select>
          );
        } else if (f.kind === 'boolean') {
          input = (
            <select name={key} value={current === undefined ? '' : String(current)} onChange={(e) => set((e.target as HTMLSelectElement).value)}>
              <option value="">—</option><option>true</option><option>false</option>
            </select>
          );
        } else if (f.kind === 'json') {
          input = <textarea name={key} rows={3} placeholder="JSON" onChange={(e) => set((e.target as HTMLTextAreaElement).value)} />;
        } else {
          input = (
            <input name={key} type={(f.kind === 'string' ? 'text' : 'number') as 'text'} value={current === undefined ? '' : String(current)}
              placeholder={f.kind === 'string' && f.format === 'date-time' ? '2025-01-01T00:00:00Z' : ''} maxLength={f.kind === 'string' ? f.maxLength : undefined}
              onInput={(e) => set((e.target as HTMLInputElement).value)} />
          );
        }
        return <label key={key} title={f.description}>{label}{input}</label>;
      })}
    </>
  );
}
