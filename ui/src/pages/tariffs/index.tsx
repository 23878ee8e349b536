import { useEffect, useState } from 'preact/hooks';
import { api, actThenReload } from '../../api.ts';
import { Card, Empty, ErrorBox, PageHeader } from '../../components.tsx';
import { formatTime } from '../../format.ts';
import { go, href } from '../../router.ts';
import type { PageProps } from '../../main.tsx';
import { bodyOf, daysText, emptyPeriod, emptyTariff, formOf, targetText, WEEKDAYS, type PeriodForm, type TariffForm } from './tariff-form.ts';

const value = (e: Event) => (e.target as HTMLInputElement).value;

/** Tariffs and where they apply: list, assignments (operators change them). */
export function TariffsPage({ user }: PageProps) {
  const [tariffs, setTariffs] = useState<any[] | null>(null);
  const [assignments, setAssignments] = useState<any[]>([]);
  const [error, setError] = useState<unknown>(null);
  const edit = user.role !== 'viewer';
  const load = () =>
    Promise.all([api('/tariffs'), api('/tariff-assignments')]).then(([t, a]) => {
      setTariffs(t.items);
      setAssignments(a.items);
    }, setError);
  useEffect(() => void load(), []);
  const act = actThenReload(setError, load);
  const assignedTo = (id: string) => assignments.filter((a) => a.tariffId === id).map((a) => targetText(a.target));
  return (
    <>
      <PageHeader title="Tariffs">{edit && <a class="button" href={href('/tariffs/new')}>New tariff</a>}</PageHeader>
      <ErrorBox error={error} />
      {tariffs === null ? (!error && <p class="loading">Loading…</p>) : tariffs.length === 0 ? <Empty>No tariffs yet: transactions have no cost until a tariff is assigned.</Empty> : (
        <div style={{ overflowX: 'auto' }}><table class="table" aria-label="Tariffs">
          <thead><tr><th>Tariff</th><th>Name</th><th>Currency</th><th class="num">Energy /kWh</th><th class="num">Time /h</th><th class="num">Idle /h</th><th class="num">Session fee</th><th class="num">Tax %</th><th>Periods</th><th>Applies to</th><th>Updated</th></tr></thead>
          <tbody>
            {tariffs.map((t) => (
              <tr key={t.id} data-tariff={t.id}>
                <td><a href={href(`/tariffs/${encodeURIComponent(t.id)}`)}>{t.id}</a></td>
                <td>{t.name ?? ''}</td><td>{t.currency}</td>
                <td class="num">{t.prices?.energy ?? '—'}</td><td class="num">{t.prices?.chargingTime ?? '—'}</td><td class="num">{t.prices?.idleTime ?? '—'}</td>
                <td class="num">{t.sessionFee ?? '—'}</td><td class="num">{t.taxPercent}</td>
                <td>{(t.periods ?? []).length === 0 ? '—' : (t.periods ?? []).map((p: any, i: number) => <div key={i}>{daysText(p.days)} {p.start}–{p.end}</div>)}</td>
                <td>{assignedTo(t.id).join('; ') || '—'}</td>
                <td>{formatTime(t.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
      <h2>Assignments</h2>
      <p class="hint">A transaction's tariff: its token group's, else its EVSE's, its station's, its station group's, else the default.</p>
      {assignments.length === 0 ? <Empty>No assignments.</Empty> : (
        <table class="table compact" aria-label="Tariff assignments">
          <thead><tr><th>Applies to</th><th>Tariff</th><th>Since</th>{edit && <th />}</tr></thead>
          <tbody>
            {assignments.map((a) => (
              <tr key={JSON.stringify(a.target)}>
                <td>{targetText(a.target)}</td><td>{a.tariffId}</td><td>{formatTime(a.updatedAt)}</td>
                {edit && (
                  <td><button type="button" class="small danger" onClick={() => act(() => {
                    const { stationIds: _ids, ...query } = a.target;
                    return api('/tariff-assignments', { method: 'DELETE', query });
                  })}>Remove</button></td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {edit && tariffs && tariffs.length > 0 && <AssignForm tariffs={tariffs} onAssign={(body) => act(() => api('/tariff-assignments', { method: 'PUT', body }))} />}
    </>
  );
}

function AssignForm({ tariffs, onAssign }: { tariffs: any[]; onAssign: (body: unknown) => void }) {
  const [f, setF] = useState({ kind: 'default', tariffId: tariffs[0].id as string, stationId: '', evseId: '1', group: '', stationIds: '', groupId: '' });
  const target = (): Record<string, unknown> => {
    switch (f.kind) {
      case 'station': return { kind: 'station', stationId: f.stationId };
      case 'evse': return { kind: 'evse', stationId: f.stationId, evseId: Number(f.evseId) };
      case 'stationGroup': return { kind: 'stationGroup', group: f.group, stationIds: f.stationIds.split(/[\s,]+/).filter(Boolean) };
      case 'tokenGroup': return { kind: 'tokenGroup', groupId: f.groupId };
      default: return { kind: 'default' };
    }
  };
  return (
    <form class="row" aria-label="Assign a tariff" onSubmit={(e) => { e.preventDefault(); onAssign({ target: target(), tariffId: f.tariffId }); }}>
      <label>Tariff <select value={f.tariffId} onChange={(e) => setF({ ...f, tariffId: value(e) })}>{tariffs.map((t) => <option key={t.id} value={t.id}>{t.id}</option>)}</select></label>
      <label>Applies to <select value={f.kind} onChange={(e) => setF({ ...f, kind: value(e) })}>
        <option value="default">Default</option><option value="station">Station</option><option value="evse">EVSE</option><option value="stationGroup">Station group</option><option value="tokenGroup">Token group</option>
      </select></label>
      {(f.kind === 'station' || f.kind === 'evse') && <label>Station id <input required value={f.stationId} onInput={(e) => setF({ ...f, stationId: value(e) })} /></label>}
      {f.kind === 'evse' && <label>EVSE <input type="number" min={0} required value={f.evseId} onInput={(e) => setF({ ...f, evseId: value(e) })} /></label>}
      {f.kind === 'stationGroup' && <label>Group name <input required value={f.group} onInput={(e) => setF({ ...f, group: value(e) })} /></label>}
      {f.kind === 'stationGroup' && <label>Stations (comma-separated) <input required value={f.stationIds} onInput={(e) => setF({ ...f, stationIds: value(e) })} /></label>}
      {f.kind === 'tokenGroup' && <label>Token group id <input required value={f.groupId} onInput={(e) => setF({ ...f, groupId: value(e) })} /></label>}
      <button type="submit">Assign</button>
    </form>
  );
}

/** One tariff: create (`/tariffs/new`) or edit; the API's validation errors are shown as it says them. */
export function TariffPage({ user, params }: PageProps) {
  const isNew = params.id === 'new';
  const [form, setForm] = useState<TariffForm | null>(isNew ? emptyTariff() : null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const edit = user.role !== 'viewer';
  useEffect(() => {
    if (!isNew) api(`/tariffs/${encodeURIComponent(params.id!)}`).then((t) => setForm(formOf(t)), setError);
  }, [params.id]);
  if (!form) return <><PageHeader title={`Tariff ${params.id}`} /><ErrorBox error={error} />{!error && <p class="loading">Loading…</p>}</>;
  const set = (change: Partial<TariffForm>) => { setForm({ ...form, ...change }); setSaved(false); };
  const setPeriod = (i: number, change: Partial<PeriodForm>) => set({ periods: form.periods.map((p, j) => (j === i ? { ...p, ...change } : p)) });
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      await api(`/tariffs/${encodeURIComponent(form.id)}`, { method: 'PUT', body: bodyOf(form) });
      setError(null);
      setSaved(true);
      if (isNew) go('/tariffs');
    } catch (err) {
      setError(err);
    }
  };
  const remove = async () => {
    if (!confirm(`Delete tariff ${form.id}?`)) return;
    try {
      await api(`/tariffs/${encodeURIComponent(form.id)}`, { method: 'DELETE' });
      go('/tariffs');
    } catch (err) {
      setError(err);
    }
  };
  const field = (label: string, key: keyof TariffForm, extra: Record<string, unknown> = {}) => (
    <label>{label} <input value={form[key] as string} disabled={!edit} onInput={(e) => set({ [key]: value(e) } as Partial<TariffForm>)} {...extra} /></label>
  );
  return (
    <>
      <PageHeader title={isNew ? 'New tariff' : `Tariff ${form.id}`}>
        <a href={href('/tariffs')}>All tariffs</a>
        {edit && !isNew && <button type="button" class="danger" onClick={remove}>Delete</button>}
      </PageHeader>
      <form aria-label="Tariff" onSubmit={save}>
        <div class="grid">
          <Card title="Tariff">
            {isNew ? field('Tariff id', 'id', { required: true, pattern: '[A-Za-z0-9._\\-]+' }) : null}
            {field('Name', 'name')}
            {field('Currency (ISO 4217)', 'currency', { required: true, maxLength: 3 })}
            {field('Minor digits', 'minorDigits', { type: 'number', min: 0, max: 6 })}
            {field('Time zone of the periods', 'timeZone')}
            {field('Tax %', 'taxPercent', { required: true })}
            {field('Session fee', 'sessionFee')}
            {field('Display text (told to drivers)', 'displayText')}
          </Card>
          <Card title="Base prices (excl. tax)">
            {field('Energy per kWh', 'energy')}
            {field('Charging time per hour', 'chargingTime')}
            {field('Idle fee per hour', 'idleTime')}
            {field('Free idle minutes', 'idleGraceMinutes', { type: 'number', min: 0, max: 1440 })}
          </Card>
          <Card title="Periods (override the base prices)" wide>
            {form.periods.length === 0 && <p class="hint">No periods: the base prices apply at all times.</p>}
            {form.periods.map((p, i) => (
              <fieldset class="group" key={i} aria-label={`Period ${i + 1}`}>
                <legend>Period {i + 1}</legend>
                <div class="row" role="group" aria-label="Weekdays">
                  {WEEKDAYS.map((d, k) => (
                    <label key={d}><input type="checkbox" disabled={!edit} checked={p.days.includes(k + 1)} onChange={(e) => setPeriod(i, { days: (e.target as HTMLInputElement).checked ? [...p.days, k + 1] : p.days.filter((x) => x !== k + 1) })} />{d}</label>
                  ))}
                </div>
                <div class="row">
                  <label>From <input value={p.start} disabled={!edit} size={5} onInput={(e) => setPeriod(i, { start: value(e) })} /></label>
                  <label>To <input value={p.end} disabled={!edit} size={5} onInput={(e) => setPeriod(i, { end: value(e) })} /></label>
                  <label>Energy /kWh <input value={p.energy} disabled={!edit} size={8} onInput={(e) => setPeriod(i, { energy: value(e) })} /></label>
                  <label>Time /h <input value={p.chargingTime} disabled={!edit} size={8} onInput={(e) => setPeriod(i, { chargingTime: value(e) })} /></label>
                  <label>Idle /h <input value={p.idleTime} disabled={!edit} size={8} onInput={(e) => setPeriod(i, { idleTime: value(e) })} /></label>
                  {edit && <button type="button" class="small danger" onClick={() => set({ periods: form.periods.filter((_, j) => j !== i) })}>Remove period</button>}
                </div>
              </fieldset>
            ))}
            {edit && <button type="button" class="small" onClick={() => set({ periods: [...form.periods, emptyPeriod()] })}>Add period</button>}
          </Card>
        </div>
        <ErrorBox error={error} />
        {saved && <p class="note" role="status">Saved.</p>}
        {edit ? <div class="row"><button type="submit">{isNew ? 'Create tariff' : 'Save tariff'}</button></div> : <p class="hint">Read only: the viewer role cannot change tariffs.</p>}
      </form>
    </>
  );
}
