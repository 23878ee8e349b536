/**
 * Stations that ignore a charging profile: what a session draws (meter values: Current.Import per
 * phase, or Power.Active.Import) against the limit the station accepted, with a tolerance and a
 * grace period. A session drawing more than limit + tolerance continuously for longer than the
 * grace period is "over" (an alert is raised); the first reading back within the limit clears it.
 *
 * The grace period covers the time an EV needs to follow a new limit (IEC 61851 gives the EV 5 s
 * to follow a PWM change; stations and meters add their own delay), and a limit that was just
 * lowered: readings taken before the new limit was accepted are not held against it.
 *
 * Pure: no clock, no I/O. Unit tests in test/core/profile-compliance.test.ts.
 */

export interface ComplianceRule {
  /** Slack above the limit, A per phase (default 1 A). */
  toleranceA: number;
  /** …or relative to the limit (default 10 %); the larger of the two applies. */
  tolerancePct: number;
  /** How long a session may be over before it counts (s; default 60). */
  graceSec: number;
}

export const DEFAULT_COMPLIANCE: ComplianceRule = { toleranceA: 1, tolerancePct: 10, graceSec: 60 };

export interface ComplianceState {
  /** The limit in force (A per phase) and since when (ISO: when the station accepted it). */
  limitA: number;
  limitSince: string;
  /** First reading over the limit in the current run of readings over it. */
  overSince: string | null;
  /** An alert is open for this session. */
  alerted: boolean;
}

/** One reading: the most current on any phase (A), or power (W) when no current was reported. */
export interface DrawReading {
  at: string;
  amps: number;
}

export type ComplianceOutcome = 'raise' | 'clear' | null;

/** The most a session may draw under `limitA` before it counts as over (A per phase). */
export function allowedDraw(limitA: number, rule: ComplianceRule = DEFAULT_COMPLIANCE): number {
  return limitA + Math.max(rule.toleranceA, (limitA * rule.tolerancePct) / 100);
}

/**
 * The state after one reading and what to do: 'raise' when the session has been over for longer
 * than the grace period (once per episode), 'clear' on the first reading within the limit after
 * an alert, null otherwise. Readings older than the limit are ignored (taken under an older one).
 */
export function observeDraw(state: ComplianceState, reading: DrawReading, rule: ComplianceRule = DEFAULT_COMPLIANCE): { state: ComplianceState; outcome: ComplianceOutcome } {
  if (reading.at < state.limitSince) return { state, outcome: null };
  const over = reading.amps > allowedDraw(state.limitA, rule);
  if (!over) {
    const outcome = state.alerted ? 'clear' : null;
    return { state: { ...state, overSince: null, alerted: false }, outcome };
  }
  const overSince = state.overSince ?? reading.at;
  // The grace runs from the later of the first reading over it and the limit's acceptance.
  const from = Math.max(Date.parse(overSince), Date.parse(state.limitSince));
  if (!state.alerted && (Date.parse(reading.at) - from) / 1000 >= rule.graceSec) {
    return { state: { ...state, overSince, alerted: true }, outcome: 'raise' };
  }
  return { state: { ...state, overSince }, outcome: null };
}

/** A new limit in force: an open alert stays open until a reading within the new limit. */
export function limitChanged(state: ComplianceState | undefined, limitA: number, at: string): ComplianceState {
  return { limitA, limitSince: at, overSince: null, alerted: state?.alerted ?? false };
}

/**
 * What a sample says a session draws, as A per phase: the highest per-phase Current.Import (or an
 * unphased one), else Power.Active.Import over `wattsPerAmp` (W; kW converted). undefined when
 * the sample carries neither.
 */
export function drawOf(
  sampledValue: ReadonlyArray<{ measurand: string; phase?: string | null; value: number; unit?: string | null; multiplier?: number }>,
  wattsPerAmp: number,
): number | undefined {
  let current: number | undefined;
  let power: number | undefined;
  for (const v of sampledValue) {
    const value = v.value * 10 ** (v.multiplier ?? 0);
    if (v.measurand === 'Current.Import') {
      // A phase-to-neutral value or an unphased one; N (neutral) is not a draw.
      if (v.phase === 'N') continue;
      current = Math.max(current ?? 0, value);
    } else if (v.measurand === 'Power.Active.Import' && !v.phase) {
      const w = v.unit === 'kW' ? value * 1000 : value;
      power = Math.max(power ?? 0, w);
    }
  }
  if (current !== undefined) return current;
  if (power !== undefined && wattsPerAmp > 0) return power / wattsPerAmp;
  return undefined;
}
