import { busEvent } from '../../../core/envelope.js';
import type { DisplayMessage } from '../../../core/display-messages.js';
import type { CommandContext } from '../command-spec.js';

/**
 * The effects of an accepted SetDisplayMessage / ClearDisplayMessage (2.x): the store keeps what
 * the station now shows (source 'csms'; a cleared message also leaves what the station reported),
 * and the bus hears it, whoever sent the call (typed, generic, bulk, NATS).
 */
export async function displayMessageSet(ctx: CommandContext, message: DisplayMessage): Promise<void> {
  const at = ctx.clock();
  await ctx.store.displayMessages.put([{ tenantId: ctx.tenantId, stationId: ctx.stationId, source: 'csms', message, updatedAt: at.toISOString() }]);
  ctx.publish(busEvent('display-message.set', ctx.tenantId, ctx.stationId, { message }, at));
}

export async function displayMessageCleared(ctx: CommandContext, id: number, status: string): Promise<void> {
  const removed = await ctx.store.displayMessages.remove(ctx.tenantId, ctx.stationId, id, ['csms', 'station']);
  ctx.publish(busEvent('display-message.cleared', ctx.tenantId, ctx.stationId, { id, status, removed }, ctx.clock()));
}
