import type { UnlockInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';

export const command = sendOnly('UnlockConnector');

export function toOcpp(input: UnlockInput): { connectorId: number } {
  return { connectorId: input.evseId };
}
