/**
 * Charging profiles, version-neutral (issue #13, block K; 1.6 Smart Charging).
 *
 * One model for what the CSMS sets and what stations report, mapped to and from OCPP 1.6
 * (`csChargingProfiles`) and 2.x (`chargingProfile`). Validation returns every problem with its
 * path, so the API can answer one 400 that names them all. Pure: no clock, no I/O.
 */

export type ProfilePurpose = 'StationMax' | 'TxDefault' | 'Tx' | 'StationExternalConstraints';
export type ProfileKind = 'Absolute' | 'Recurring' | 'Relative';
export type RecurrencyKind = 'Daily' | 'Weekly';
export type RateUnit = 'A' | 'W';

export interface SchedulePeriod {
  /** Seconds from the schedule's start. */
  startPeriod: number;
  /** Per phase in A, or in total W. */
  limit: number;
  numberPhases?: number;
  /** 2.x only: the phase a single-phase limit applies to. */
  phaseToUse?: number;
}

export interface ChargingSchedule {
  /** 2.x schedule id; 1.6 has none. */
  id?: number;
  startSchedule?: string;
  /** Seconds. */
  duration?: number;
  unit: RateUnit;
  minRate?: number;
  periods: SchedulePeriod[];
}

export interface ChargingProfile {
  id: number;
  stackLevel: number;
  purpose: ProfilePurpose;
  kind: ProfileKind;
  recurrency?: RecurrencyKind;
  validFrom?: string;
  validTo?: string;
  /** Tx profiles: the transaction they belong to (1.6: its integer id as a string). */
  transactionId?: string;
  /** 1 schedule in 1.6; 1 to 3 in 2.x. */
  schedules: ChargingSchedule[];
}

/** Where a profile is set: the station (0) or one EVSE / 1.6 connector. */
export interface ProfileTarget {
  evseId: number;
  /** The EVSE's rating, to refuse limits it cannot carry (either unit may be known). */
  ratingA?: number;
  ratingW?: number;
}

export interface ProfileProblem {
  path: string;
  message: string;
}

const PURPOSE_16: Record<ProfilePurpose, string | undefined> = {
  StationMax: 'ChargePointMaxProfile',
  TxDefault: 'TxDefaultProfile',
  Tx: 'TxProfile',
  StationExternalConstraints: undefined,
};
const PURPOSE_2: Record<ProfilePurpose, string> = {
  StationMax: 'ChargingStationMaxProfile',
  TxDefault: 'TxDefaultProfile',
  Tx: 'TxProfile',
  StationExternalConstraints: 'ChargingStationExternalConstraints',
};
const PURPOSE_FROM = new Map<string, ProfilePurpose>([
  ...Object.entries(PURPOSE_16).flatMap(([k, v]) => (v ? [[v, k as ProfilePurpose] as const] : [])),
  ...Object.entries(PURPOSE_2).map(([k, v]) => [v, k as ProfilePurpose] as const),
]);

/** How a version spells a purpose; undefined where 1.6 has no such purpose (StationExternalConstraints). */
export function purposeToWire(purpose: ProfilePurpose, version: '1.6' | '2.x'): string | undefined {
  return version === '1.6' ? PURPOSE_16[purpose] : PURPOSE_2[purpose];
}

/** A purpose as either version spells it (ChargePointMaxProfile, ChargingStationMaxProfile, …). */
export function purposeFromWire(wire: string): ProfilePurpose {
  const purpose = PURPOSE_FROM.get(wire);
  if (!purpose) throw new Error(`unknown chargingProfilePurpose ${wire}`);
  return purpose;
}

const RECURRENCE_SECONDS: Record<RecurrencyKind, number> = { Daily: 86_400, Weekly: 604_800 };

function isInt(n: unknown, min: number): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= min;
}

/**
 * Everything wrong with `profile` for `target` in `version`, or [] when it may be sent.
 * `existing` are the profiles already on that target (set by us or reported by the station):
 * one with the same purpose and stack level, another id and an overlapping validity is a
 * conflict the station would reject (2.0.1 K01.FR.39; 1.6 replaces only the same id).
 */
export function validateProfile(
  profile: ChargingProfile,
  target: ProfileTarget,
  version: '1.6' | '2.x',
  existing: ReadonlyArray<ChargingProfile & { evseId: number }> = [],
): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  const bad = (path: string, message: string) => problems.push({ path, message });
  if (!isInt(profile.id, 1)) bad('id', 'must be a positive integer');
  if (!isInt(profile.stackLevel, 0)) bad('stackLevel', 'must be an integer ≥ 0');
  if (!isInt(target.evseId, 0)) bad('evseId', 'must be an integer ≥ 0');
  if (!PURPOSE_2[profile.purpose]) bad('purpose', `unknown purpose ${String(profile.purpose)}`);
  if (version === '1.6' && profile.purpose === 'StationExternalConstraints') bad('purpose', 'StationExternalConstraints does not exist in OCPP 1.6');
  if (profile.purpose === 'StationExternalConstraints') bad('purpose', 'StationExternalConstraints is set by the station, not the CSMS');
  if (profile.purpose === 'StationMax' && target.evseId !== 0) bad('evseId', 'a StationMax profile applies to the whole station (evseId 0)');
  if (profile.purpose === 'Tx') {
    if (target.evseId === 0) bad('evseId', 'a Tx profile applies to one EVSE (evseId > 0)');
    if (!profile.transactionId) bad('transactionId', 'a Tx profile needs the transaction it belongs to');
    if (version === '1.6' && profile.transactionId && !/^\d+$/.test(profile.transactionId)) bad('transactionId', '1.6 transaction ids are integers');
  } else if (profile.transactionId !== undefined) bad('transactionId', 'only Tx profiles belong to a transaction');
  if (profile.kind === 'Recurring') {
    if (!profile.recurrency) bad('recurrency', 'a Recurring profile needs Daily or Weekly');
  } else if (profile.recurrency !== undefined) bad('recurrency', 'only Recurring profiles recur');
  if (!['Absolute', 'Recurring', 'Relative'].includes(profile.kind)) bad('kind', `unknown kind ${String(profile.kind)}`);
  const from = profile.validFrom ? Date.parse(profile.validFrom) : undefined;
  const to = profile.validTo ? Date.parse(profile.validTo) : undefined;
  if (from !== undefined && Number.isNaN(from)) bad('validFrom', 'not an ISO time');
  if (to !== undefined && Number.isNaN(to)) bad('validTo', 'not an ISO time');
  if (from !== undefined && to !== undefined && !(from < to)) bad('validTo', 'must be after validFrom');

  const maxSchedules = version === '1.6' ? 1 : 3;
  if (!Array.isArray(profile.schedules) || profile.schedules.length < 1 || profile.schedules.length > maxSchedules) {
    bad('schedules', `${version} takes ${maxSchedules === 1 ? 'exactly 1 schedule' : '1 to 3 schedules'}`);
  }
  (profile.schedules ?? []).forEach((s, i) => {
    const at = (p: string) => `schedules[${i}].${p}`;
    if (s.unit !== 'A' && s.unit !== 'W') bad(at('unit'), 'must be A or W');
    if (version === '2.x' && !isInt(s.id, 0)) bad(at('id'), '2.x schedules need an integer id');
    if (profile.kind === 'Relative' && s.startSchedule !== undefined) bad(at('startSchedule'), 'a Relative profile starts with the transaction, not at a time');
    if (profile.kind !== 'Relative' && s.startSchedule === undefined && (version === '2.x' || profile.kind === 'Recurring')) bad(at('startSchedule'), `an ${profile.kind} profile needs a start`);
    if (s.startSchedule !== undefined && Number.isNaN(Date.parse(s.startSchedule))) bad(at('startSchedule'), 'not an ISO time');
    if (s.duration !== undefined && !isInt(s.duration, 1)) bad(at('duration'), 'seconds, a positive integer');
    const cycle = profile.recurrency ? RECURRENCE_SECONDS[profile.recurrency] : undefined;
    if (cycle !== undefined && s.duration !== undefined && s.duration > cycle) bad(at('duration'), `longer than one ${profile.recurrency} cycle (${cycle} s)`);
    if (s.minRate !== undefined && !(s.minRate >= 0)) bad(at('minRate'), 'must be ≥ 0');
    if (!Array.isArray(s.periods) || s.periods.length === 0) {
      bad(at('periods'), 'at least one period');
      return;
    }
    const rating = s.unit === 'A' ? target.ratingA : target.ratingW;
    s.periods.forEach((p, j) => {
      const pat = (q: string) => at(`periods[${j}].${q}`);
      if (!isInt(p.startPeriod, 0)) bad(pat('startPeriod'), 'seconds, an integer ≥ 0');
      if (j === 0 && p.startPeriod !== 0) bad(pat('startPeriod'), 'the first period starts at 0');
      if (j > 0 && !(p.startPeriod > s.periods[j - 1]!.startPeriod)) bad(pat('startPeriod'), 'periods must be in increasing order of startPeriod');
      if (s.duration !== undefined && p.startPeriod >= s.duration) bad(pat('startPeriod'), 'starts after the schedule ends');
      if (cycle !== undefined && p.startPeriod >= cycle) bad(pat('startPeriod'), `beyond one ${profile.recurrency} cycle`);
      if (!(typeof p.limit === 'number' && p.limit >= 0)) bad(pat('limit'), 'must be ≥ 0');
      else if (rating !== undefined && p.limit > rating) bad(pat('limit'), `${p.limit} ${s.unit} is beyond the EVSE's rating of ${rating} ${s.unit}`);
      if (p.numberPhases !== undefined && !(isInt(p.numberPhases, 1) && p.numberPhases <= 3)) bad(pat('numberPhases'), '1, 2 or 3');
      if (p.phaseToUse !== undefined) {
        if (version === '1.6') bad(pat('phaseToUse'), 'does not exist in OCPP 1.6');
        else if (p.numberPhases !== 1) bad(pat('phaseToUse'), 'only with numberPhases 1');
        else if (!(isInt(p.phaseToUse, 1) && p.phaseToUse <= 3)) bad(pat('phaseToUse'), '1, 2 or 3');
      }
    });
  });

  for (const other of existing) {
    if (other.id === profile.id || other.evseId !== target.evseId) continue;
    if (other.purpose !== profile.purpose || other.stackLevel !== profile.stackLevel) continue;
    if (profile.purpose === 'Tx' && other.transactionId !== profile.transactionId) continue;
    if (validityOverlaps(profile, other)) {
      bad('stackLevel', `profile ${other.id} already has ${profile.purpose} stack level ${profile.stackLevel} on evse ${target.evseId} for an overlapping validity`);
    }
  }
  return problems;
}

function validityOverlaps(a: ChargingProfile, b: ChargingProfile): boolean {
  const aFrom = a.validFrom ? Date.parse(a.validFrom) : -Infinity;
  const aTo = a.validTo ? Date.parse(a.validTo) : Infinity;
  const bFrom = b.validFrom ? Date.parse(b.validFrom) : -Infinity;
  const bTo = b.validTo ? Date.parse(b.validTo) : Infinity;
  return aFrom < bTo && bFrom < aTo;
}

function withoutUndefined<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** The 1.6 `csChargingProfiles` object (call validateProfile for '1.6' first). */
export function toOcpp16(profile: ChargingProfile): Record<string, unknown> {
  const s = profile.schedules[0]!;
  return withoutUndefined({
    chargingProfileId: profile.id,
    transactionId: profile.transactionId !== undefined ? Number(profile.transactionId) : undefined,
    stackLevel: profile.stackLevel,
    chargingProfilePurpose: PURPOSE_16[profile.purpose],
    chargingProfileKind: profile.kind,
    recurrencyKind: profile.recurrency,
    validFrom: profile.validFrom,
    validTo: profile.validTo,
    chargingSchedule: withoutUndefined({
      duration: s.duration,
      startSchedule: s.startSchedule,
      chargingRateUnit: s.unit,
      chargingSchedulePeriod: s.periods.map((p) => withoutUndefined({ startPeriod: p.startPeriod, limit: p.limit, numberPhases: p.numberPhases })),
      minChargingRate: s.minRate,
    }),
  });
}

/** The 2.x `chargingProfile` object (call validateProfile for '2.x' first). */
export function toOcpp2(profile: ChargingProfile): Record<string, unknown> {
  return withoutUndefined({
    id: profile.id,
    stackLevel: profile.stackLevel,
    chargingProfilePurpose: PURPOSE_2[profile.purpose],
    chargingProfileKind: profile.kind,
    recurrencyKind: profile.recurrency,
    validFrom: profile.validFrom,
    validTo: profile.validTo,
    transactionId: profile.transactionId,
    chargingSchedule: profile.schedules.map((s) =>
      withoutUndefined({
        id: s.id ?? 0,
        startSchedule: s.startSchedule,
        duration: s.duration,
        chargingRateUnit: s.unit,
        chargingSchedulePeriod: s.periods.map((p) => withoutUndefined({ startPeriod: p.startPeriod, limit: p.limit, numberPhases: p.numberPhases, phaseToUse: p.phaseToUse })),
        minChargingRate: s.minRate,
      }),
    ),
  });
}

type Wire = Record<string, any>;

function scheduleFrom(s: Wire): ChargingSchedule {
  return withoutUndefined({
    id: s.id,
    startSchedule: s.startSchedule,
    duration: s.duration,
    unit: s.chargingRateUnit,
    minRate: s.minChargingRate,
    periods: (s.chargingSchedulePeriod as Wire[]).map((p) => withoutUndefined({ startPeriod: p.startPeriod, limit: p.limit, numberPhases: p.numberPhases, phaseToUse: p.phaseToUse })),
  });
}

/**
 * A profile as either version carries it (1.6 `csChargingProfiles`, 2.x `chargingProfile`, e.g.
 * in ReportChargingProfiles), in the neutral model; the wire is schema-valid by the time it is here.
 */
export function fromOcpp(wire: Wire): ChargingProfile {
  const is16 = 'chargingProfileId' in wire;
  const purpose = purposeFromWire(String(wire.chargingProfilePurpose));
  const schedules = is16 ? [scheduleFrom(wire.chargingSchedule)] : (wire.chargingSchedule as Wire[]).map(scheduleFrom);
  return withoutUndefined({
    id: is16 ? wire.chargingProfileId : wire.id,
    stackLevel: wire.stackLevel,
    purpose,
    kind: wire.chargingProfileKind,
    recurrency: wire.recurrencyKind,
    validFrom: wire.validFrom,
    validTo: wire.validTo,
    transactionId: wire.transactionId !== undefined ? String(wire.transactionId) : undefined,
    schedules,
  });
}

export interface ProfileDifference {
  evseId: number;
  id: number;
  /** set-only: the station did not report it; reported-only: the CSMS never set it; different: both, not equal. */
  kind: 'set-only' | 'reported-only' | 'different';
}

/**
 * Where what the CSMS set and what the station reported disagree, per EVSE and profile id. Only
 * meaningful once the station has reported (GetChargingProfiles), so an empty report list gives
 * no differences.
 */
export function profileDifferences(
  set: ReadonlyArray<{ evseId: number; profile: ChargingProfile }>,
  reported: ReadonlyArray<{ evseId: number; profile: ChargingProfile }>,
): ProfileDifference[] {
  if (reported.length === 0) return [];
  const key = (r: { evseId: number; profile: ChargingProfile }) => `${r.evseId}|${r.profile.id}`;
  const theirs = new Map(reported.map((r) => [key(r), r]));
  const ours = new Map(set.map((r) => [key(r), r]));
  const out: ProfileDifference[] = [];
  for (const [k, r] of ours) {
    const other = theirs.get(k);
    if (!other) out.push({ evseId: r.evseId, id: r.profile.id, kind: 'set-only' });
    else if (canonical(other.profile) !== canonical(r.profile)) out.push({ evseId: r.evseId, id: r.profile.id, kind: 'different' });
  }
  for (const [k, r] of theirs) if (!ours.has(k)) out.push({ evseId: r.evseId, id: r.profile.id, kind: 'reported-only' });
  return out.sort((a, b) => a.evseId - b.evseId || a.id - b.id);
}

/** Compared without 2.x schedule ids (1.6 has none) and with keys in one order. */
function canonical(p: ChargingProfile): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(sorted({ ...p, schedules: p.schedules.map(({ id: _id, ...s }) => s) }));
}
