/**
 * GetCompositeSchedule (K08 / 1.6 Smart Charging): the schedule a station will actually follow on
 * an EVSE (or the whole station, 0) for the next `duration` seconds, read version-neutrally from
 * the 1.6 and 2.x answers. Pure.
 */
import type { RateUnit, SchedulePeriod } from './charging-profile.js';

export interface CompositeScheduleQuery {
  /** 0 = the whole station (the grid connection). */
  evseId: number;
  /** Seconds from now. */
  duration: number;
  unit?: RateUnit;
}

export interface CompositeSchedule {
  /** Accepted or Rejected, as the station answered. */
  status: string;
  evseId: number;
  /** When the schedule starts (ISO); null when the station sent none. */
  scheduleStart: string | null;
  duration: number | null;
  unit: RateUnit | null;
  minRate: number | null;
  periods: SchedulePeriod[];
}

interface WirePeriod {
  startPeriod: number;
  limit: number;
  numberPhases?: number;
  phaseToUse?: number;
}

function periods(list: WirePeriod[] | undefined): SchedulePeriod[] {
  return (list ?? []).map((p) => ({ startPeriod: p.startPeriod, limit: p.limit, ...(p.numberPhases !== undefined ? { numberPhases: p.numberPhases } : {}), ...(p.phaseToUse !== undefined ? { phaseToUse: p.phaseToUse } : {}) }));
}

export function compositeRequest16(q: CompositeScheduleQuery): Record<string, unknown> {
  return { connectorId: q.evseId, duration: q.duration, ...(q.unit ? { chargingRateUnit: q.unit } : {}) };
}

export function compositeRequest2(q: CompositeScheduleQuery): Record<string, unknown> {
  return { evseId: q.evseId, duration: q.duration, ...(q.unit ? { chargingRateUnit: q.unit } : {}) };
}

/** 1.6 GetCompositeSchedule.conf: status, connectorId?, scheduleStart?, chargingSchedule? */
export function compositeFrom16(res: Record<string, any>, requestedEvseId: number): CompositeSchedule {
  const s = res.chargingSchedule as Record<string, any> | undefined;
  return {
    status: String(res.status),
    evseId: typeof res.connectorId === 'number' ? res.connectorId : requestedEvseId,
    scheduleStart: res.scheduleStart ?? s?.startSchedule ?? null,
    duration: s?.duration ?? null,
    unit: s?.chargingRateUnit ?? null,
    minRate: s?.minChargingRate ?? null,
    periods: periods(s?.chargingSchedulePeriod),
  };
}

/** 2.x GetCompositeScheduleResponse: status, schedule? { evseId, duration, scheduleStart, chargingRateUnit, chargingSchedulePeriod } */
export function compositeFrom2(res: Record<string, any>, requestedEvseId: number): CompositeSchedule {
  const s = res.schedule as Record<string, any> | undefined;
  return {
    status: String(res.status),
    evseId: typeof s?.evseId === 'number' ? s.evseId : requestedEvseId,
    scheduleStart: s?.scheduleStart ?? null,
    duration: s?.duration ?? null,
    unit: s?.chargingRateUnit ?? null,
    minRate: null,
    periods: periods(s?.chargingSchedulePeriod),
  };
}
