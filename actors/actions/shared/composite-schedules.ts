import { busEvent } from '../../../core/envelope.js';
import type { CompositeSchedule } from '../../../core/composite-schedule.js';
import { BUS_EVENT_OF } from '../../../core/station-events.js';
import type { CommandContext } from '../command-spec.js';

/** Keeps a GetCompositeSchedule answer as a station event (kind `composite-schedule`) and publishes it. */
export async function compositeScheduleReported(ctx: CommandContext, schedule: CompositeSchedule): Promise<void> {
  const at = ctx.clock().toISOString();
  const payload = { ...schedule } as unknown as Record<string, unknown>;
  await ctx.store.stationEvents.record([{ tenantId: ctx.tenantId, stationId: ctx.stationId, kind: 'composite-schedule', type: schedule.status, at, receivedAt: at, requestId: null, payload }]);
  ctx.publish(busEvent(BUS_EVENT_OF['composite-schedule'], ctx.tenantId, ctx.stationId, { type: schedule.status, at, requestId: null, ...payload }));
}
