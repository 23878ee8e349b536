import type { UnlockInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';

export const command = sendOnly('UnlockConnector');

/** 2.x needs both ids; most EVSEs have one connector, so it defaults to 1. */
export function toOcpp(input: UnlockInput): { evseId: number; connectorId: number } {
  return { evseId: input.evseId, connectorId: input.connectorId ?? 1 };
}
