import { publish, reportsOf, type ReportContext } from '../shared/station-reports.js';

interface NotifyEVChargingNeedsRequest {
  evseId: number;
  chargingNeeds: Record<string, unknown>;
  maxScheduleTuples?: number;
}

/**
 * 2.x NotifyEVChargingNeeds (K17): the EV's needs (energy, departure time, limits) are kept and
 * published. The answer is `Rejected` ("the CSMS will not provide a schedule", which the spec
 * allows): computing a TxProfile from the needs and the site's limit comes with site load
 * management (issue #13), and answering Accepted would promise a SetChargingProfile that never
 * comes. An integrator listening to `ev.charging-needs` may still send one.
 */
export async function notifyEVChargingNeeds(ctx: ReportContext, req: NotifyEVChargingNeedsRequest): Promise<{ status: 'Rejected' }> {
  const status = 'Rejected' as const;
  const records = reportsOf(ctx, [{
    kind: 'ev-charging-needs',
    type: status,
    requestId: null,
    payload: { evseId: req.evseId, chargingNeeds: req.chargingNeeds, maxScheduleTuples: req.maxScheduleTuples ?? null },
  }]);
  await ctx.store.stationEvents.record(records);
  publish(ctx, records);
  return { status };
}
