import type { TriggerInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';
import { defined, evseRef } from '../payload-helpers.js';

export const command = sendOnly('TriggerMessage');

/** `message` must be a 2.x MessageTriggerEnumType value; the station's schema check says so otherwise. */
export function toOcpp(input: TriggerInput): Record<string, unknown> {
  return defined({ requestedMessage: input.message, evse: evseRef(input.evseId, input.connectorId) });
}
