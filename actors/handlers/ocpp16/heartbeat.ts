import type { HandlerContext } from '../../handler-context.js';

export async function heartbeat(ctx: Pick<HandlerContext, 'session' | 'store' | 'clock'>, _req: Record<string, never>) {
  const now = ctx.clock().toISOString();
  await ctx.store.recordSeen(ctx.session.tenantId, ctx.session.stationId, now);
  return { currentTime: now };
}
