import { busEvent } from '../../../core/envelope.js';
import type { ChargingProfile } from '../../../core/charging-profile.js';
import type { ProfileFilter } from '../../../core/ports/store/charging-profile-store.js';
import type { CommandContext } from '../command-spec.js';

/**
 * The effects of an accepted SetChargingProfile / ClearChargingProfile, shared by both version
 * families: the store keeps what the station now holds (source 'csms'), and the bus hears it.
 */
export async function profileSet(ctx: CommandContext, evseId: number, profile: ChargingProfile): Promise<void> {
  const at = ctx.clock();
  await ctx.store.chargingProfiles.put({ tenantId: ctx.tenantId, stationId: ctx.stationId, evseId, source: 'csms', profile, updatedAt: at.toISOString() });
  ctx.publish(busEvent('profile.set', ctx.tenantId, ctx.stationId, { evseId, profile }, at));
}

export async function profilesCleared(ctx: CommandContext, filter: ProfileFilter): Promise<void> {
  const removed = await ctx.store.chargingProfiles.clear(ctx.tenantId, ctx.stationId, 'csms', filter);
  ctx.publish(busEvent('profile.cleared', ctx.tenantId, ctx.stationId, { filter, removed }, ctx.clock()));
}
