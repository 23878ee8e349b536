import { WrongProtocolError } from '../../../core/errors.js';
import type { ResetInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';

export interface ResetRequest16 { type: 'Soft' | 'Hard' }

export const command = sendOnly('Reset');

/** 1.6 resets the whole station: OnIdle → Soft, Immediate → Hard. */
export function toOcpp(input: ResetInput): ResetRequest16 {
  if (input.evseId !== undefined) throw new WrongProtocolError('OCPP 1.6 resets the whole station; omit evseId');
  return { type: input.type === 'Hard' || input.type === 'Immediate' ? 'Hard' : 'Soft' };
}
