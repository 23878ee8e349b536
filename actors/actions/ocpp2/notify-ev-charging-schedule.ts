import { publish, reportsOf, type ReportContext } from '../shared/station-reports.js';

interface NotifyEVChargingScheduleRequest {
  timeBase: string;
  evseId: number;
  chargingSchedule: Record<string, unknown>;
}

/**
 * 2.x NotifyEVChargingSchedule (K15/K17): the schedule the EV negotiated is kept and published and
 * accepted. Checking it against the TxProfile the CSMS sent (and re-sending when it violates it)
 * comes with site load management (issue #13); until then the CSMS sends no such profile, so there
 * is nothing to hold it against.
 */
export async function notifyEVChargingSchedule(ctx: ReportContext, req: NotifyEVChargingScheduleRequest): Promise<{ status: 'Accepted' }> {
  const records = reportsOf(ctx, [{
    kind: 'ev-charging-schedule',
    type: 'Accepted',
    at: req.timeBase,
    requestId: null,
    payload: { evseId: req.evseId, chargingSchedule: req.chargingSchedule },
  }]);
  await ctx.store.stationEvents.record(records);
  publish(ctx, records);
  return { status: 'Accepted' };
}
