/** The tariff editor's form state and the API body (PUT /tariffs/{id}); pure, unit-tested in test/ui/tariff-form.test.ts. */

export interface PeriodForm {
  days: number[];
  start: string;
  end: string;
  energy: string;
  chargingTime: string;
  idleTime: string;
}

export interface TariffForm {
  id: string;
  name: string;
  currency: string;
  minorDigits: string;
  timeZone: string;
  taxPercent: string;
  sessionFee: string;
  energy: string;
  chargingTime: string;
  idleTime: string;
  idleGraceMinutes: string;
  displayText: string;
  periods: PeriodForm[];
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export function emptyTariff(): TariffForm {
  return { id: '', name: '', currency: 'EUR', minorDigits: '2', timeZone: 'UTC', taxPercent: '0', sessionFee: '', energy: '', chargingTime: '', idleTime: '', idleGraceMinutes: '', displayText: '', periods: [] };
}

export function emptyPeriod(): PeriodForm {
  return { days: [1, 2, 3, 4, 5], start: '00:00', end: '24:00', energy: '', chargingTime: '', idleTime: '' };
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** A stored tariff as the form shows it. */
export function formOf(t: Record<string, any>): TariffForm {
  return {
    id: t.id,
    name: text(t.name),
    currency: text(t.currency),
    minorDigits: text(t.minorDigits ?? 2),
    timeZone: text(t.timeZone ?? 'UTC'),
    taxPercent: text(t.taxPercent),
    sessionFee: text(t.sessionFee),
    energy: text(t.prices?.energy),
    chargingTime: text(t.prices?.chargingTime),
    idleTime: text(t.prices?.idleTime),
    idleGraceMinutes: text(t.idleGraceMinutes),
    displayText: text(t.displayText),
    periods: (t.periods ?? []).map((p: any) => ({ days: [...p.days], start: p.start, end: p.end, energy: text(p.energy), chargingTime: text(p.chargingTime), idleTime: text(p.idleTime) })),
  };
}

/** Prices as the API takes them: decimal strings, empty fields left out (the API validates the rest and says what is wrong). */
function prices(f: { energy: string; chargingTime: string; idleTime: string }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['energy', 'chargingTime', 'idleTime'] as const) if (f[k].trim() !== '') out[k] = f[k].trim();
  return out;
}

/** The PUT body of a form (without the id, which is in the path). */
export function bodyOf(f: TariffForm): Record<string, unknown> {
  const body: Record<string, unknown> = { currency: f.currency.trim().toUpperCase(), taxPercent: f.taxPercent.trim(), prices: prices(f) };
  if (f.name.trim()) body.name = f.name.trim();
  if (f.minorDigits.trim() !== '') body.minorDigits = Number(f.minorDigits);
  if (f.timeZone.trim()) body.timeZone = f.timeZone.trim();
  if (f.sessionFee.trim()) body.sessionFee = f.sessionFee.trim();
  if (f.idleGraceMinutes.trim() !== '') body.idleGraceMinutes = Number(f.idleGraceMinutes);
  if (f.displayText.trim()) body.displayText = f.displayText.trim();
  if (f.periods.length > 0) body.periods = f.periods.map((p) => ({ days: [...p.days].sort((a, b) => a - b), start: p.start, end: p.end, ...prices(p) }));
  return body;
}

/** "Mon–Fri", "Sat, Sun": a period's weekdays, short. */
export function daysText(days: number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const from = WEEKDAYS[sorted[i]! - 1];
    const to = WEEKDAYS[sorted[j]! - 1];
    runs.push(j - i >= 2 ? `${from}–${to}` : j > i ? `${from}, ${to}` : from!);
    i = j + 1;
  }
  return runs.join(', ');
}

/** A target as a sentence: where an assignment applies. */
export function targetText(t: Record<string, any>): string {
  switch (t.kind) {
    case 'default': return 'Default (every station)';
    case 'station': return `Station ${t.stationId}`;
    case 'evse': return `Station ${t.stationId} EVSE ${t.evseId}`;
    case 'stationGroup': return `Station group ${t.group} (${(t.stationIds ?? []).length})`;
    case 'tokenGroup': return `Token group ${t.groupId}`;
    default: return String(t.kind);
  }
}
