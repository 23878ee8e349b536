import type { CommandSpec } from '../command-spec.js';
import { displayMessageCleared } from '../shared/display-messages.js';

export interface ClearDisplayMessageRequest {
  id: number;
}

/** Accepted (cleared) and Unknown (the station does not hold it) both mean the station no longer shows it. */
export const command: CommandSpec<ClearDisplayMessageRequest, { status: string }> = {
  action: 'ClearDisplayMessage',
  async onResult(ctx, req, res) {
    if (res.status !== 'Accepted' && res.status !== 'Unknown') return;
    await displayMessageCleared(ctx, req.id, res.status);
  },
};

export function toOcpp(input: { id: number }): ClearDisplayMessageRequest {
  return { id: input.id };
}
