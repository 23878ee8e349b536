/**
 * Tariffs and the cost of a charging session (issue #13, block I).
 *
 * Money is never a float: prices are decimal strings ("0.35" per kWh), parsed to integer
 * micro-units of the currency (1e-6), products are accumulated as BigInt, and each component is
 * rounded half-up to the currency's minor unit (cents) once, at the end. Energy is split over
 * time-of-day periods by interpolating between meter readings (a linear rise between two
 * readings), in whole milliwatt-hours, with the pieces of one interval summing to the interval.
 *
 * Pure: no clock, no I/O; time zones through Intl (the tariff's IANA zone).
 */

export interface TariffPrices {
  /** Per kWh delivered. */
  energy?: string;
  /** Per hour spent charging. */
  chargingTime?: string;
  /** Per hour parked after charging ended (after the grace period). */
  idleTime?: string;
}

export interface TariffPeriod extends TariffPrices {
  /** ISO weekdays the period applies on: 1 = Monday … 7 = Sunday. */
  days: readonly number[];
  /** Local time of day, "HH:MM", start inclusive, end exclusive; "24:00" ends at midnight. */
  start: string;
  end: string;
}

export interface Tariff {
  id: string;
  currency: string;
  /** Digits of the minor unit (EUR 2, JPY 0). */
  minorDigits?: number;
  /** IANA time zone the periods are in (default UTC). */
  timeZone?: string;
  /** VAT and the like, as a decimal string percentage ("21"). */
  taxPercent: string;
  /** Once per session. */
  sessionFee?: string;
  /** Prices outside every period. */
  prices: TariffPrices;
  periods?: readonly TariffPeriod[];
  /** Minutes of idle time after charging that are free (default 0). */
  idleGraceMinutes?: number;
}

export interface MeterReading {
  /** ISO time. */
  at: string;
  /** Cumulative energy imported, Wh. */
  wh: number;
}

export interface SessionUsage {
  startedAt: string;
  /** End of the session (now, for a running cost). */
  endedAt: string;
  /** Cumulative energy register readings, any order. */
  readings: readonly MeterReading[];
  /** Intervals the EV was charging; idle time runs from the last one's end to endedAt. */
  chargingPeriods: ReadonlyArray<{ from: string; to: string }>;
}

export interface CostLine {
  /** Minor units, excluding tax. */
  exclTax: number;
  /** What the line is made of: kWh or hours. */
  quantity: number;
}

export interface SessionCost {
  currency: string;
  minorDigits: number;
  energy: CostLine;
  chargingTime: CostLine;
  idleTime: CostLine;
  sessionFee: CostLine;
  /** Minor units. */
  totalExclTax: number;
  tax: number;
  totalInclTax: number;
}

export class TariffError extends Error {
  override readonly name = 'TariffError';
}

const MICRO = 1_000_000n;
const DECIMAL = /^(\d{1,9})(?:\.(\d{1,6}))?$/;
const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** "0.35" → 350000 micro-units; refuses negatives, exponents and more than 6 decimals. */
export function toMicros(decimal: string | undefined, what: string): bigint {
  if (decimal === undefined) return 0n;
  const m = DECIMAL.exec(decimal);
  if (!m) throw new TariffError(`${what}: "${decimal}" is not a non-negative decimal with at most 6 decimals`);
  return BigInt(m[1]!) * MICRO + BigInt((m[2] ?? '').padEnd(6, '0'));
}

function minutesOfDay(hhmm: string, what: string): number {
  if (!TIME_OF_DAY.test(hhmm)) throw new TariffError(`${what}: "${hhmm}" is not HH:MM`);
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Checks a tariff; overlapping periods are an error, gaps are priced with `prices`. */
export function validateTariff(tariff: Tariff): void {
  toMicros(tariff.taxPercent, 'taxPercent');
  toMicros(tariff.sessionFee, 'sessionFee');
  for (const key of ['energy', 'chargingTime', 'idleTime'] as const) toMicros(tariff.prices[key], `prices.${key}`);
  const digits = tariff.minorDigits ?? 2;
  if (!Number.isInteger(digits) || digits < 0 || digits > 6) throw new TariffError('minorDigits must be an integer from 0 to 6');
  if (tariff.timeZone) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tariff.timeZone });
    } catch {
      throw new TariffError(`timeZone: unknown time zone ${tariff.timeZone}`);
    }
  }
  const covered = new Map<number, Array<[number, number, number]>>();
  (tariff.periods ?? []).forEach((p, i) => {
    for (const key of ['energy', 'chargingTime', 'idleTime'] as const) toMicros(p[key], `periods[${i}].${key}`);
    const start = minutesOfDay(p.start, `periods[${i}].start`);
    const end = minutesOfDay(p.end, `periods[${i}].end`);
    if (end <= start) throw new TariffError(`periods[${i}]: end ${p.end} is not after start ${p.start} (split a period over midnight in two)`);
    if (p.days.length === 0 || p.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) throw new TariffError(`periods[${i}].days: ISO weekdays 1–7`);
    for (const day of new Set(p.days)) {
      for (const [s, e, j] of covered.get(day) ?? []) {
        if (start < e && s < end) throw new TariffError(`periods[${i}] overlaps periods[${j}] on weekday ${day}`);
      }
      covered.set(day, [...(covered.get(day) ?? []), [start, end, i]]);
    }
  });
}

interface LocalClock {
  weekday: number;
  minute: number;
  /** Offset of local time from UTC in ms at that instant. */
  offsetMs: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function localClock(ms: number, format: Intl.DateTimeFormat): LocalClock {
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(new Date(ms))) parts[p.type] = p.value;
  const hour = Number(parts.hour) % 24;
  const localAsUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), hour, Number(parts.minute), Number(parts.second));
  return { weekday: WEEKDAYS[parts.weekday!]!, minute: hour * 60 + Number(parts.minute), offsetMs: localAsUtc - Math.floor(ms / 1000) * 1000 };
}

export interface Segment {
  from: number;
  to: number;
  prices: { energy: bigint; chargingTime: bigint; idleTime: bigint };
}

/** Cuts [from, to) at every period boundary (local time), each piece with its prices (OCPI charging periods cut here too). */
export function segments(tariff: Tariff, from: number, to: number): Segment[] {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: tariff.timeZone ?? 'UTC',
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const base = {
    energy: toMicros(tariff.prices.energy, 'energy'),
    chargingTime: toMicros(tariff.prices.chargingTime, 'chargingTime'),
    idleTime: toMicros(tariff.prices.idleTime, 'idleTime'),
  };
  const periods = (tariff.periods ?? []).map((p) => ({
    days: new Set(p.days),
    start: minutesOfDay(p.start, 'start'),
    end: minutesOfDay(p.end, 'end'),
    prices: {
      energy: p.energy !== undefined ? toMicros(p.energy, 'energy') : base.energy,
      chargingTime: p.chargingTime !== undefined ? toMicros(p.chargingTime, 'chargingTime') : base.chargingTime,
      idleTime: p.idleTime !== undefined ? toMicros(p.idleTime, 'idleTime') : base.idleTime,
    },
  }));
  const cuts = [...new Set([0, 1440, ...periods.flatMap((p) => [p.start, p.end])])].sort((a, b) => a - b);
  const out: Segment[] = [];
  let t = from;
  while (t < to) {
    const clock = localClock(t, format);
    const period = periods.find((p) => p.days.has(clock.weekday) && p.start <= clock.minute && clock.minute < p.end);
    // The next local cut after this minute, back in UTC; corrected once if the offset changes (DST).
    const next = cuts.find((c) => c > clock.minute)!;
    const secondsIntoMinute = Math.floor(t / 1000) * 1000 + clock.offsetMs;
    const localMidnightUtc = Math.floor(secondsIntoMinute / 86_400_000) * 86_400_000 - clock.offsetMs;
    let boundary = localMidnightUtc + next * 60_000;
    const after = localClock(boundary, format);
    if (after.offsetMs !== clock.offsetMs) boundary -= after.offsetMs - clock.offsetMs;
    if (boundary <= t) boundary = t + 60_000; // never stall on a boundary that DST moved behind us
    const end = Math.min(boundary, to);
    const prices = period?.prices ?? base;
    const last = out[out.length - 1];
    if (last && last.to === t && last.prices === prices) last.to = end;
    else out.push({ from: t, to: end, prices });
    t = end;
  }
  return out;
}

function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

function parseTime(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new TariffError(`${what}: "${iso}" is not an ISO time`);
  return ms;
}

/** What a session costs under `tariff` (its running cost when `endedAt` is now). */
export function sessionCost(tariff: Tariff, usage: SessionUsage): SessionCost {
  validateTariff(tariff);
  const digits = tariff.minorDigits ?? 2;
  const start = parseTime(usage.startedAt, 'startedAt');
  const stop = parseTime(usage.endedAt, 'endedAt');
  if (stop < start) throw new TariffError('endedAt is before startedAt');
  // micros × mWh / (1e6 per kWh) = micros; micros / 10^(6 − digits) = minor units.
  const toMinorDivisor = 10n ** BigInt(6 - digits);

  // Energy: the rise between consecutive readings, spread evenly over time and over periods.
  const readings = [...usage.readings].map((r) => ({ ms: parseTime(r.at, 'reading'), mwh: Math.round(r.wh * 1000) })).sort((a, b) => a.ms - b.ms);
  let energyNumerator = 0n; // micros × mWh
  let energyMwh = 0;
  for (let i = 1; i < readings.length; i++) {
    const a = readings[i - 1]!;
    const b = readings[i]!;
    const rise = b.mwh - a.mwh;
    if (rise <= 0) continue; // a register reset or a repeated reading adds nothing
    energyMwh += rise;
    if (b.ms === a.ms) {
      energyNumerator += segments(tariff, a.ms, a.ms + 1)[0]!.prices.energy * BigInt(rise);
      continue;
    }
    let given = 0;
    const pieces = segments(tariff, a.ms, b.ms);
    pieces.forEach((s, j) => {
      const share = j === pieces.length - 1 ? rise - given : Math.floor((rise * (s.to - s.from)) / (b.ms - a.ms));
      given += share;
      energyNumerator += s.prices.energy * BigInt(share);
    });
  }

  // Charging time and idle time, each priced by the period it falls in.
  let chargingNumerator = 0n; // micros per hour × ms
  let chargingMs = 0;
  for (const p of usage.chargingPeriods) {
    const from = Math.max(start, parseTime(p.from, 'chargingPeriods.from'));
    const to = Math.min(stop, parseTime(p.to, 'chargingPeriods.to'));
    if (to <= from) continue;
    chargingMs += to - from;
    for (const s of segments(tariff, from, to)) chargingNumerator += s.prices.chargingTime * BigInt(s.to - s.from);
  }
  const chargingEnd = usage.chargingPeriods.reduce((end, p) => Math.max(end, Math.min(stop, parseTime(p.to, 'chargingPeriods.to'))), start);
  const idleFrom = chargingEnd + (tariff.idleGraceMinutes ?? 0) * 60_000;
  let idleNumerator = 0n;
  let idleMs = 0;
  if (usage.chargingPeriods.length > 0 && stop > idleFrom) {
    idleMs = stop - idleFrom;
    for (const s of segments(tariff, idleFrom, stop)) idleNumerator += s.prices.idleTime * BigInt(s.to - s.from);
  }

  const HOUR_MS = 3_600_000n;
  const energy = roundHalfUp(energyNumerator, 1_000_000n * toMinorDivisor);
  const charging = roundHalfUp(chargingNumerator, HOUR_MS * toMinorDivisor);
  const idle = roundHalfUp(idleNumerator, HOUR_MS * toMinorDivisor);
  const fee = roundHalfUp(toMicros(tariff.sessionFee, 'sessionFee'), toMinorDivisor);
  const totalExcl = energy + charging + idle + fee;
  const tax = roundHalfUp(totalExcl * toMicros(tariff.taxPercent, 'taxPercent'), 100n * MICRO);
  return {
    currency: tariff.currency,
    minorDigits: digits,
    energy: { exclTax: Number(energy), quantity: energyMwh / 1_000_000 },
    chargingTime: { exclTax: Number(charging), quantity: chargingMs / 3_600_000 },
    idleTime: { exclTax: Number(idle), quantity: idleMs / 3_600_000 },
    sessionFee: { exclTax: Number(fee), quantity: fee > 0n ? 1 : 0 },
    totalExclTax: Number(totalExcl),
    tax: Number(tax),
    totalInclTax: Number(totalExcl + tax),
  };
}

/** Minor units as a decimal string ("1234", 2 → "12.34"), for OCPP's totalCost and the API. */
export function formatMinor(minor: number, digits: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(minor)).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${abs}` : `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}
