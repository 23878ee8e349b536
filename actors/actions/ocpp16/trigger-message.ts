import type { TriggerInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';
import { defined } from '../payload-helpers.js';

export const command = sendOnly('TriggerMessage');

/** `message` must be a 1.6 MessageTrigger value; the station's schema check says so otherwise. */
export function toOcpp(input: TriggerInput): Record<string, unknown> {
  return defined({ requestedMessage: input.message, connectorId: input.evseId });
}
