/** Pure helpers of the UI (no DOM): unit-tested in test/ui/format.test.ts. */

/** NATS-style pattern match, as the bus does it: `*` one segment, `>` one or more trailing. */
export function matchesPattern(pattern: string, type: string): boolean {
  const want = pattern.split('.');
  const have = type.split('.');
  for (let i = 0; i < want.length; i++) {
    const token = want[i];
    if (token === '>') return have.length > i;
    if (i >= have.length) return false;
    if (token !== '*' && token !== have[i]) return false;
  }
  return want.length === have.length;
}

/** A time in the browser's time zone, short. */
export function formatTime(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameDay = d.toDateString() === now.toDateString();
  return sameDay ? d.toLocaleTimeString() : d.toLocaleString();
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}

export function formatKwh(kwh: number | null | undefined): string {
  if (kwh === null || kwh === undefined) return '—';
  return `${kwh.toFixed(kwh < 10 ? 3 : 2)} kWh`;
}

export type Dot = 'online' | 'offline' | 'charging' | 'faulted' | 'unavailable';

/** A station's dot: offline unless connected; faulted or charging by its connectors. */
export function stationDot(connected: boolean, connectors: Array<{ status: string }> = []): Dot {
  if (!connected) return 'offline';
  if (connectors.some((c) => c.status === 'Faulted')) return 'faulted';
  if (connectors.some((c) => c.status === 'Occupied')) return 'charging';
  return 'online';
}

export function connectorDot(status: string): Dot {
  switch (status) {
    case 'Available': return 'online';
    case 'Occupied': return 'charging';
    case 'Faulted': return 'faulted';
    case 'Unavailable': case 'Reserved': return 'unavailable';
    default: return 'offline';
  }
}

export interface MeterSample {
  timestamp: string;
  measurand: string;
  value: number | null;
  unit?: string | null;
  multiplier?: number;
  phase?: string | null;
}

/**
 * Power (kW) and energy (kWh) series from a transaction's meter values, for the chart: energy from
 * Energy.Active.Import.Register (Wh or kWh) delivered since `startWh` (the transaction's meter
 * start; else the first reading), power from Power.Active.Import (W or kW; phases summed per
 * timestamp), both by timestamp in seconds.
 */
export function meterSeries(samples: MeterSample[], startWh?: number | null): { t: number[]; kw: Array<number | null>; kwh: Array<number | null> } {
  const byTime = new Map<number, { kw: number | null; kwh: number | null }>();
  for (const s of samples) {
    if (s.value === null || s.value === undefined) continue;
    const t = Math.round(new Date(s.timestamp).getTime() / 1000);
    if (!Number.isFinite(t)) continue;
    const scale = 10 ** (s.multiplier ?? 0);
    const row = byTime.get(t) ?? { kw: null, kwh: null };
    const unit = (s.unit ?? '').toLowerCase();
    if (s.measurand === 'Energy.Active.Import.Register' && !s.phase) {
      const kwh = (s.value * scale) / (unit === 'kwh' ? 1 : 1000);
      row.kwh = kwh;
    } else if (s.measurand === 'Power.Active.Import') {
      const kw = (s.value * scale) / (unit === 'kw' ? 1 : 1000);
      row.kw = s.phase ? (row.kw ?? 0) + kw : kw;
    } else continue;
    byTime.set(t, row);
  }
  const times = [...byTime.keys()].sort((a, b) => a - b);
  let base: number | undefined = startWh === null || startWh === undefined ? undefined : startWh / 1000;
  const kwh = times.map((t) => {
    const v = byTime.get(t)!.kwh;
    if (v === null) return null;
    base ??= v;
    return Math.round((v - base) * 1000) / 1000;
  });
  return { t: times, kw: times.map((t) => byTime.get(t)!.kw), kwh };
}

/**
 * The dashboard's rate chart from GET /stats/fleet `rates`: per-second rates at each bucket's
 * start (unix seconds), the bucket still filling left out (it would read low).
 */
export function rateSeries(rates: { stepSec: number; end: number; messages: number[]; callErrors: number[] }): { t: number[]; messages: number[]; callErrors: number[] } {
  const n = rates.messages.length - 1;
  const t: number[] = [];
  const messages: number[] = [];
  const callErrors: number[] = [];
  for (let i = 0; i < n; i++) {
    t.push(rates.end - (n - i) * rates.stepSec);
    messages.push(rates.messages[i]! / rates.stepSec);
    callErrors.push(rates.callErrors[i]! / rates.stepSec);
  }
  return { t, messages, callErrors };
}
