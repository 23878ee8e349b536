import { evScheduleViolations, NOMINAL_VOLTS, type SentSchedule } from '../../../core/ev-charging-plan.js';
import { publish, reportsOf, type ReportContext } from '../shared/station-reports.js';

interface NotifyEVChargingScheduleRequest {
  timeBase: string;
  evseId: number;
  chargingSchedule: { chargingRateUnit?: string; duration?: number; chargingSchedulePeriod?: Array<{ startPeriod: number; limit: number; numberPhases?: number }> } & Record<string, unknown>;
}

/**
 * 2.x NotifyEVChargingSchedule (K15/K17): the schedule the EV negotiated, checked against the Tx
 * profile the CSMS holds as sent to that EVSE (store.chargingProfiles, source csms: the site
 * allocator's or one set through the API; the highest stack level): every EV period whose limit
 * is above the limit in force then (as A per phase; W over the period's phases or three at the
 * nominal voltage; 0.1 A of slack) is a violation. Within it, or with no profile to hold it
 * against: Accepted. Otherwise Rejected (K17: the CSMS does not accept the EV's schedule), the
 * violations kept on the record and published with `ev.charging-schedule`, and the site allocator
 * sends the transaction's TxProfile again so the station renegotiates with the EV.
 */
export async function notifyEVChargingSchedule(ctx: ReportContext, req: NotifyEVChargingScheduleRequest): Promise<{ status: 'Accepted' | 'Rejected' }> {
  const held = (await ctx.store.chargingProfiles.list(ctx.session.tenantId, ctx.session.stationId))
    .filter((r) => r.source === 'csms' && r.evseId === req.evseId && r.profile.purpose === 'Tx')
    .sort((a, b) => b.profile.stackLevel - a.profile.stackLevel)[0];
  const schedule = held?.profile.schedules[0];
  let violations: ReturnType<typeof evScheduleViolations> = [];
  if (held && schedule) {
    const sent: SentSchedule = {
      start: schedule.startSchedule ?? held.updatedAt,
      unit: schedule.unit,
      periods: schedule.periods,
      ...(schedule.duration !== undefined ? { duration: schedule.duration } : {}),
    };
    violations = evScheduleViolations(
      sent,
      { timeBase: req.timeBase, chargingRateUnit: req.chargingSchedule.chargingRateUnit ?? 'A', periods: req.chargingSchedule.chargingSchedulePeriod ?? [], ...(req.chargingSchedule.duration !== undefined ? { duration: req.chargingSchedule.duration } : {}) },
      NOMINAL_VOLTS * 3,
    );
  }
  const status = violations.length > 0 ? 'Rejected' : 'Accepted';
  const records = reportsOf(ctx, [{
    kind: 'ev-charging-schedule',
    type: status,
    at: req.timeBase,
    requestId: null,
    payload: { evseId: req.evseId, chargingSchedule: req.chargingSchedule, checkedAgainst: held ? held.profile.id : null, violations },
  }]);
  await ctx.store.stationEvents.record(records);
  publish(ctx, records);
  if (violations.length > 0) {
    ctx.log?.info({ stationId: ctx.session.stationId, tenantId: ctx.session.tenantId, evseId: req.evseId, profileId: held!.profile.id, violations }, 'EV charging schedule exceeds the profile sent: rejected, profile to be sent again');
  }
  return { status };
}
