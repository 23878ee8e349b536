import type { ChargingProfile } from '../charging-profile.js';
import type { CompositeSchedule } from '../composite-schedule.js';

/**
 * OCPI 2.2.1 chargingprofiles (§14) ↔ Switchyard's version-neutral smart charging (pure): a
 * partner's ChargingProfile becomes a Tx profile of the session's transaction, and a station's
 * composite schedule becomes the ActiveChargingProfileResult the partner is sent.
 */

/** §14.4 ChargingProfile, as partners send it and as we report the active one. */
export interface OcpiChargingProfile {
  start_date_time?: string;
  duration?: number;
  charging_rate_unit: 'W' | 'A';
  min_charging_rate?: number;
  charging_profile_period?: Array<{ start_period: number; limit: number }>;
}

/** §14.4 ChargingProfileResultType. */
export type ChargingProfileResultType = 'ACCEPTED' | 'REJECTED' | 'UNKNOWN';

/** §14.3 ActiveChargingProfileResult (profile: §14.4 ActiveChargingProfile). */
export interface ActiveChargingProfileResult {
  result: ChargingProfileResultType;
  profile?: { start_date_time: string; charging_profile: OcpiChargingProfile };
}

/** Stack level of the Tx profiles partners set (OCPI has none). */
export const OCPI_PROFILE_STACK_LEVEL = 1;

/**
 * A partner's profile as a Tx profile (stack level OCPI_PROFILE_STACK_LEVEL) of the transaction:
 * Absolute from its start_date_time, else Relative to the transaction's start.
 */
export function txProfileFromOcpi(id: number, transactionId: string, p: OcpiChargingProfile): ChargingProfile {
  return {
    id, stackLevel: OCPI_PROFILE_STACK_LEVEL, purpose: 'Tx', kind: p.start_date_time ? 'Absolute' : 'Relative', transactionId,
    schedules: [{
      // 2.x schedules carry an id (one schedule: 1); 1.6 has none and ignores it.
      id: 1,
      ...(p.start_date_time ? { startSchedule: new Date(p.start_date_time).toISOString() } : {}),
      ...(p.duration !== undefined ? { duration: p.duration } : {}),
      unit: p.charging_rate_unit,
      ...(p.min_charging_rate !== undefined ? { minRate: p.min_charging_rate } : {}),
      periods: (p.charging_profile_period ?? []).map((period) => ({ startPeriod: period.start_period, limit: period.limit })),
    }],
  };
}

/**
 * The station's composite schedule as the partner's ActiveChargingProfileResult: REJECTED when
 * the station refused, UNKNOWN when it has no schedule, else ACCEPTED with the schedule (start:
 * the station's scheduleStart in UTC, or `now` when it sent none or an unreadable one).
 */
export function activeProfileResult(schedule: CompositeSchedule, now: Date): ActiveChargingProfileResult {
  if (schedule.status !== 'Accepted') return { result: 'REJECTED' };
  if (schedule.periods.length === 0 || schedule.unit === null) return { result: 'UNKNOWN' };
  const start = schedule.scheduleStart !== null && !Number.isNaN(Date.parse(schedule.scheduleStart)) ? new Date(schedule.scheduleStart).toISOString() : now.toISOString();
  return {
    result: 'ACCEPTED',
    profile: {
      start_date_time: start,
      charging_profile: {
        start_date_time: start,
        ...(schedule.duration !== null ? { duration: schedule.duration } : {}),
        charging_rate_unit: schedule.unit,
        ...(schedule.minRate !== null ? { min_charging_rate: schedule.minRate } : {}),
        charging_profile_period: schedule.periods.map((p) => ({ start_period: p.startPeriod, limit: p.limit })),
      },
    },
  };
}
