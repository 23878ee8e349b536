import type { DataTransferInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';
import { defined } from '../payload-helpers.js';

/** CSMS → station side of DataTransfer (it goes both ways; the station side is in station-initiated.ts). */
export const command = sendOnly('DataTransfer');

/** 1.6 `data` is a string: anything else is sent JSON-encoded. */
export function toOcpp(input: DataTransferInput): Record<string, unknown> {
  const data = input.data !== undefined && typeof input.data !== 'string' ? JSON.stringify(input.data) : input.data;
  return defined({ vendorId: input.vendorId, messageId: input.messageId, data });
}
