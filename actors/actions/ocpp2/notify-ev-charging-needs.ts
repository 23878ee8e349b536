import { publish, reportsOf, type ReportContext } from '../shared/station-reports.js';

interface NotifyEVChargingNeedsRequest {
  evseId: number;
  chargingNeeds: Record<string, unknown>;
  maxScheduleTuples?: number;
}

/**
 * 2.x NotifyEVChargingNeeds (K17): the EV's needs (energy, departure time, limits) are kept and
 * published. A station attached to a site (site load management) is answered `Accepted`: the site
 * allocator (actors/commands/site-allocator.ts) takes the `ev.charging-needs` event, caps the
 * session at the EV's maximum current and sends the transaction a TxProfile within the site's
 * share (K17.FR.05). Any other station is answered `Rejected` ("the CSMS will not provide a
 * schedule", which the spec allows): nothing would send one. An integrator listening to
 * `ev.charging-needs` may still send one.
 */
export async function notifyEVChargingNeeds(ctx: ReportContext, req: NotifyEVChargingNeedsRequest): Promise<{ status: 'Accepted' | 'Rejected' }> {
  const site = await ctx.store.sites.findByStation(ctx.session.tenantId, ctx.session.stationId);
  const status = site && site.attachments.some((a) => a.stationId === ctx.session.stationId && (a.evseId === 0 || a.evseId === req.evseId)) ? 'Accepted' : 'Rejected';
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
