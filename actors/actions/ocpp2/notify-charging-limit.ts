import { publish, reportsOf, type ReportContext } from '../shared/station-reports.js';

interface NotifyChargingLimitRequest {
  chargingLimit: { chargingLimitSource: string; isGridCritical?: boolean };
  evseId?: number;
  chargingSchedule?: unknown[];
}

/**
 * 2.x NotifyChargingLimit (K12): a limit set outside the CSMS (EMS, SO, other) is kept per station
 * as a history (the newest per source is the one in force) with its schedules, and published.
 * Respecting it in site load management comes with the allocator (issue #13).
 */
export async function notifyChargingLimit(ctx: ReportContext, req: NotifyChargingLimitRequest): Promise<Record<string, never>> {
  const { chargingLimit, evseId, chargingSchedule } = req;
  const records = reportsOf(ctx, [{
    kind: 'charging-limit',
    type: chargingLimit.chargingLimitSource,
    requestId: null,
    payload: { isGridCritical: chargingLimit.isGridCritical ?? false, evseId: evseId ?? null, chargingSchedule: chargingSchedule ?? [] },
  }]);
  await ctx.store.stationEvents.record(records);
  publish(ctx, records);
  return {};
}
