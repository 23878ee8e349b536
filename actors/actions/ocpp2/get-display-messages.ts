import type { CommandSpec } from '../command-spec.js';
import { correlated, type CorrelatedAnswer, type CorrelatedRequest } from '../request-correlation.js';

export interface GetDisplayMessagesInput {
  ids?: number[];
  priority?: string;
  state?: string;
}

const base = correlated('GetDisplayMessages'); // → NotifyDisplayMessages (paged by tbc)

/**
 * GetDisplayMessages, correlated by requestId (request-correlation.ts). An unfiltered request first
 * forgets what the station reported before (before it is sent: a NotifyDisplayMessages may overtake
 * the answer), so the pages that follow are the whole picture.
 */
export const command: CommandSpec<CorrelatedRequest, CorrelatedAnswer> = {
  action: 'GetDisplayMessages',
  async prepare(ctx, req) {
    const prepared = await base.prepare!(ctx, req);
    const unfiltered = typeof req === 'object' && req !== null && req.id === undefined && req.priority === undefined && req.state === undefined;
    if (unfiltered && typeof prepared.requestId === 'number') await ctx.store.displayMessages.remove(ctx.tenantId, ctx.stationId, null, ['station']);
    return prepared;
  },
  onResult: base.onResult!,
};

export function toOcpp(input: GetDisplayMessagesInput): Record<string, unknown> {
  return {
    ...(input.ids !== undefined && input.ids.length > 0 ? { id: input.ids } : {}),
    ...(input.priority !== undefined ? { priority: input.priority } : {}),
    ...(input.state !== undefined ? { state: input.state } : {}),
  };
}
