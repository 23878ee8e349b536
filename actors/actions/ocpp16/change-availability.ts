import { WrongProtocolError } from '../../../core/errors.js';
import type { AvailabilityInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';

export const command = sendOnly('ChangeAvailability');

/** 1.6 addresses a connector (0 = the whole station); EVSE N is connector N. */
export function toOcpp(input: AvailabilityInput): { connectorId: number; type: 'Operative' | 'Inoperative' } {
  if (input.connectorId !== undefined && input.connectorId > 1) {
    throw new WrongProtocolError('OCPP 1.6 has one connector per EVSE; address it by evseId');
  }
  return { connectorId: input.evseId ?? 0, type: input.operative ? 'Operative' : 'Inoperative' };
}
