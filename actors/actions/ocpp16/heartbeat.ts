import type { HandlerContext } from '../../handler-context.js';

/** Heartbeat (1.6 and 2.x): the time. Last-seen moves with every frame (InboundDispatcher), in bulk. */
export function heartbeat(ctx: Pick<HandlerContext, 'clock'>, _req: Record<string, never>) {
  return { currentTime: ctx.clock().toISOString() };
}

/** Nothing to make durable: the gateway answers at once. */
export function answerHeartbeat(_req: Record<string, never>, now: Date) {
  return { currentTime: now.toISOString() };
}
