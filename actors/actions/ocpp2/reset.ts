import type { ResetInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';
import { defined } from '../payload-helpers.js';

export const command = sendOnly('Reset');

/** 2.x resets the station or one EVSE: Soft → OnIdle, Hard → Immediate. */
export function toOcpp(input: ResetInput): Record<string, unknown> {
  return defined({ type: input.type === 'Hard' || input.type === 'Immediate' ? 'Immediate' : 'OnIdle', evseId: input.evseId });
}
