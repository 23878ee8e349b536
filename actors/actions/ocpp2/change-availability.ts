import { WrongProtocolError } from '../../../core/errors.js';
import type { AvailabilityInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';
import { defined, evseRef } from '../payload-helpers.js';

export const command = sendOnly('ChangeAvailability');

/** No EVSE: the whole station. */
export function toOcpp(input: AvailabilityInput): Record<string, unknown> {
  if (input.connectorId !== undefined && input.evseId === undefined) throw new WrongProtocolError('connectorId needs evseId in OCPP 2.x');
  return defined({ operationalStatus: input.operative ? 'Operative' : 'Inoperative', evse: evseRef(input.evseId, input.connectorId) });
}
