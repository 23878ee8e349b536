/**
 * EV charging needs (2.x NotifyEVChargingNeeds, ISO 15118) turned into what the site allocator
 * gives a session, and the check of the schedule the EV answers with (NotifyEVChargingSchedule).
 *
 * Units: the allocator works in A per phase on the grid side. A station takes A (AC) or W (DC, or
 * an AC station configured for W); `wattsPerAmp` (nominal line-to-neutral voltage × phases in use)
 * converts one into the other. DC needs are in W on the EV side and are counted as the grid-side
 * current of a three-phase supply (the caller passes nominal voltage × 3; losses are not modelled).
 *
 * The plan: with an energy amount and a departure time the session needs the constant power that
 * delivers that energy by departure (rounded up to the 0.1 A grid); no more is asked of the site,
 * so the rest of its capacity goes to sessions that need it. The EV's minimum raises it (charging
 * below it is impossible, so it then finishes early), the EV's maximum caps it (then the energy
 * cannot be delivered in time: `feasible` false, the session still gets the most it can take).
 * Without energy or departure the session asks for the EV's maximum.
 *
 * Pure: no clock, no I/O. Unit and property tests in test/core/ev-charging-plan.test.ts.
 */

export const NOMINAL_VOLTS = 230;

/** The EV's needs in the allocator's terms. */
export interface EvNeeds {
  /** 'AC' (evMin/MaxCurrent in A per phase) or 'DC' (power in W, EV side). */
  mode: 'AC' | 'DC';
  /** Energy to deliver (Wh); undefined when the EV did not say. */
  energyWh?: number;
  /** When the EV wants to leave (ISO time); undefined when it did not say. */
  departureTime?: string;
  /** Least current worth charging at (A per phase, AC only). */
  minA?: number;
  /** Most the EV takes: A per phase (AC), or W (DC: evMaxPower, or evMaxCurrent × evMaxVoltage). */
  maxA?: number;
  maxW?: number;
}

function positive(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** The needs of a 2.x ChargingNeedsType (AC or DC parameters); undefined when it carries neither. */
export function evNeedsOf(chargingNeeds: unknown): EvNeeds | undefined {
  const n = (chargingNeeds ?? {}) as {
    departureTime?: unknown;
    acChargingParameters?: { energyAmount?: unknown; evMinCurrent?: unknown; evMaxCurrent?: unknown };
    dcChargingParameters?: { energyAmount?: unknown; evMaxCurrent?: unknown; evMaxVoltage?: unknown; evMaxPower?: unknown };
  };
  const departureTime = typeof n.departureTime === 'string' && !Number.isNaN(Date.parse(n.departureTime)) ? n.departureTime : undefined;
  const ac = n.acChargingParameters;
  if (ac && typeof ac === 'object') {
    const out: EvNeeds = { mode: 'AC' };
    const energyWh = positive(ac.energyAmount);
    const minA = positive(ac.evMinCurrent);
    const maxA = positive(ac.evMaxCurrent);
    if (energyWh !== undefined) out.energyWh = energyWh;
    if (departureTime) out.departureTime = departureTime;
    if (minA !== undefined) out.minA = minA;
    if (maxA !== undefined) out.maxA = maxA;
    return out;
  }
  const dc = n.dcChargingParameters;
  if (dc && typeof dc === 'object') {
    const out: EvNeeds = { mode: 'DC' };
    const energyWh = positive(dc.energyAmount);
    const power = positive(dc.evMaxPower);
    const current = positive(dc.evMaxCurrent);
    const voltage = positive(dc.evMaxVoltage);
    const maxW = power ?? (current !== undefined && voltage !== undefined ? current * voltage : undefined);
    if (energyWh !== undefined) out.energyWh = energyWh;
    if (departureTime) out.departureTime = departureTime;
    if (maxW !== undefined) out.maxW = maxW;
    return out;
  }
  return undefined;
}

export interface EvPlan {
  /** What the session asks of the site (A per phase, grid side); undefined: no limit of its own. */
  maxA?: number;
  /** The least it charges at (A per phase); undefined: the site's minimum. */
  minA?: number;
  /** The constant current that delivers the energy by departure (A per phase), when both are known. */
  requiredA?: number;
  /** Seconds from now to departure (≥ 0), when known. */
  secondsToDeparture?: number;
  /** false when even the EV's maximum cannot deliver the energy by departure. */
  feasible: boolean;
}

/** Up to the 0.1 A grid, tolerating float noise just above a grid point (6.0000001 → 6.0). */
function roundUpTenth(a: number): number {
  return Math.ceil(a * 10 - 1e-6) / 10;
}

/**
 * What a session with these needs asks of the site, at `now`, for an EVSE whose supply gives
 * `wattsPerAmp` W per ampere per phase (nominal voltage × phases in use; DC: × 3). `deliveredWh` is what
 * the session has delivered since the needs were reported (the energy still owed is the rest).
 * `floorA` is the least the site gives an admitted session (its minimum): a plan never asks for
 * less, or the session would not be admitted at all.
 */
export function planEvCharging(needs: EvNeeds, now: string, wattsPerAmp: number, deliveredWh = 0, floorA = 0): EvPlan {
  const evMaxA = needs.mode === 'AC' ? needs.maxA : needs.maxW !== undefined && wattsPerAmp > 0 ? needs.maxW / wattsPerAmp : undefined;
  const evMinA = needs.mode === 'AC' ? needs.minA : undefined;
  const plan: EvPlan = { feasible: true };
  if (evMinA !== undefined) plan.minA = evMinA;
  if (evMaxA !== undefined) plan.maxA = evMaxA;
  if (needs.energyWh === undefined || needs.departureTime === undefined || !(wattsPerAmp > 0)) return plan;
  const seconds = Math.max(0, (Date.parse(needs.departureTime) - Date.parse(now)) / 1000);
  plan.secondsToDeparture = Math.floor(seconds);
  const owedWh = Math.max(0, needs.energyWh - deliveredWh);
  if (owedWh === 0) {
    // Nothing owed: the session asks for no more than its minimum.
    plan.requiredA = 0;
    plan.maxA = Math.min(Math.max(evMinA ?? 0, floorA), evMaxA ?? Infinity);
    return plan;
  }
  if (seconds === 0) {
    // Departure passed with energy owed: as fast as the EV goes.
    plan.feasible = false;
    return plan;
  }
  const required = roundUpTenth(owedWh / (seconds / 3600) / wattsPerAmp);
  plan.requiredA = required;
  if (evMaxA !== undefined && required > evMaxA + 1e-9) plan.feasible = false;
  plan.maxA = Math.min(Math.max(required, evMinA ?? 0, floorA), evMaxA ?? Infinity);
  return plan;
}

/** Energy (Wh) a constant `limitA` per phase delivers in `seconds`. */
export function energyWhAt(limitA: number, wattsPerAmp: number, seconds: number): number {
  return (limitA * wattsPerAmp * seconds) / 3600;
}

/** A limit in A per phase in the unit the station takes (W: × wattsPerAmp, whole watts, rounded down). */
export function limitInUnit(limitA: number, unit: 'A' | 'W', wattsPerAmp: number): number {
  return unit === 'A' ? limitA : Math.floor(limitA * wattsPerAmp + 1e-6);
}

/** A limit in `unit` as A per phase. */
export function limitAsAmps(limit: number, unit: 'A' | 'W', wattsPerAmp: number): number {
  return unit === 'A' ? limit : limit / wattsPerAmp;
}

export interface SentSchedule {
  /** Absolute start of the schedule (ISO); its periods' startPeriod count from here. */
  start: string;
  unit: 'A' | 'W';
  periods: ReadonlyArray<{ startPeriod: number; limit: number; numberPhases?: number }>;
  /** Seconds; after it the schedule no longer limits. */
  duration?: number;
}

export interface EvScheduleViolation {
  /** Index of the EV's period. */
  period: number;
  /** Seconds from the EV's timeBase. */
  startPeriod: number;
  /** What the EV plans and what was sent, both as A per phase. */
  evA: number;
  allowedA: number;
}

/**
 * The EV's schedule (NotifyEVChargingSchedule: its `timeBase` and chargingSchedule) against the
 * schedule the CSMS sent: every EV period whose limit exceeds the limit in force at any moment it
 * covers, compared as A per phase (W over `wattsPerAmp`, or over the period's own numberPhases at
 * the nominal voltage) with `toleranceA` of slack. [] when it fits.
 */
export function evScheduleViolations(
  sent: SentSchedule,
  ev: { timeBase: string; chargingRateUnit: string; periods: ReadonlyArray<{ startPeriod: number; limit: number; numberPhases?: number }>; duration?: number },
  wattsPerAmp: number,
  toleranceA = 0.1,
): EvScheduleViolation[] {
  const base = Date.parse(ev.timeBase) / 1000;
  const sentStart = Date.parse(sent.start) / 1000;
  const sentEnd = sent.duration !== undefined ? sentStart + sent.duration : Infinity;
  const asA = (limit: number, unit: string, numberPhases: number | undefined) =>
    unit === 'W' ? limit / (numberPhases !== undefined ? NOMINAL_VOLTS * numberPhases : wattsPerAmp) : limit;
  const sentA = sent.periods.map((p) => ({ from: sentStart + p.startPeriod, a: asA(p.limit, sent.unit, p.numberPhases) }));
  const out: EvScheduleViolation[] = [];
  ev.periods.forEach((p, i) => {
    const from = base + p.startPeriod;
    const next = ev.periods[i + 1];
    const to = next ? base + next.startPeriod : ev.duration !== undefined ? base + ev.duration : Infinity;
    const evA = asA(p.limit, ev.chargingRateUnit, p.numberPhases);
    // The least sent limit in force anywhere in [from, to) within the sent schedule.
    let allowed = Infinity;
    sentA.forEach((s, j) => {
      const sTo = Math.min(j + 1 < sentA.length ? sentA[j + 1]!.from : Infinity, sentEnd);
      if (s.from < to && from < sTo) allowed = Math.min(allowed, s.a);
    });
    if (evA > allowed + toleranceA) out.push({ period: i, startPeriod: p.startPeriod, evA: Math.round(evA * 10) / 10, allowedA: Math.round(allowed * 10) / 10 });
  });
  return out;
}

/**
 * The unit a station's profiles must be in, from what it reported: 2.x SmartChargingCtrlr.RateUnit
 * (a member list of A and W) or 1.6 ChargingScheduleAllowedChargingRateUnit (Current, Power).
 * 'W' only when it takes W and not A; 'A' when it takes A; undefined when it said nothing usable.
 */
export function rateUnitOf(reported: string | undefined): 'A' | 'W' | undefined {
  if (reported === undefined) return undefined;
  const units = new Set(reported.split(',').map((u) => u.trim().toLowerCase()).map((u) => (u === 'current' ? 'a' : u === 'power' ? 'w' : u)));
  if (units.has('a')) return 'A';
  if (units.has('w')) return 'W';
  return undefined;
}
