import type { RemoteStopInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';

export const command = sendOnly('RequestStopTransaction');

/** 2.x transaction ids are the station's own strings. */
export function toOcpp(input: RemoteStopInput): { transactionId: string } {
  return { transactionId: input.transactionId };
}
