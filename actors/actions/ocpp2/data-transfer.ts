import type { DataTransferInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';
import { defined } from '../payload-helpers.js';

/** CSMS → station side of DataTransfer (it goes both ways; the station side is in station-initiated.ts). */
export const command = sendOnly('DataTransfer');

/** 2.x `data` is any JSON. */
export function toOcpp(input: DataTransferInput): Record<string, unknown> {
  return defined({ vendorId: input.vendorId, messageId: input.messageId, data: input.data });
}
