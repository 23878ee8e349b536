import { publish, reportsOf, type ReportContext } from '../shared/station-reports.js';

/** 2.x ClearedChargingLimit (K13): the external limit of that source (and EVSE) no longer applies; kept and published. */
export async function clearedChargingLimit(ctx: ReportContext, req: { chargingLimitSource: string; evseId?: number }): Promise<Record<string, never>> {
  const records = reportsOf(ctx, [{ kind: 'charging-limit-cleared', type: req.chargingLimitSource, requestId: null, payload: { evseId: req.evseId ?? null } }]);
  await ctx.store.stationEvents.record(records);
  publish(ctx, records);
  return {};
}
