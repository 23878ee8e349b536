import { fromMessageInfo, toMessageInfo, type DisplayMessage, type MessageInfo2 } from '../../../core/display-messages.js';
import type { CommandSpec } from '../command-spec.js';
import { displayMessageSet } from '../shared/display-messages.js';

export interface SetDisplayMessageRequest {
  message: MessageInfo2;
}

/**
 * An accepted message is kept as what the station shows, whoever sent it. Other answers
 * (NotSupportedMessageFormat, NotSupportedPriority, NotSupportedState, UnknownTransaction,
 * Rejected) change nothing and go back to the caller as the station gave them.
 */
export const command: CommandSpec<SetDisplayMessageRequest, { status: string }> = {
  action: 'SetDisplayMessage',
  async onResult(ctx, req, res) {
    if (res.status !== 'Accepted') return;
    await displayMessageSet(ctx, fromMessageInfo(req.message));
  },
};

export function toOcpp(input: DisplayMessage): SetDisplayMessageRequest {
  return { message: toMessageInfo(input) };
}
