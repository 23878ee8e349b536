import { CsmsError } from '../../../core/errors.js';
import type { RemoteStopInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';

export const command = sendOnly('RemoteStopTransaction');

/** 1.6 transaction ids are integers: the stored one, or the id itself when it is a number. */
export function toOcpp(input: RemoteStopInput): { transactionId: number } {
  const id = input.ocppTransactionId ?? (/^\d{1,10}$/.test(input.transactionId) ? Number(input.transactionId) : undefined);
  if (id === undefined) throw new CsmsError('TRANSACTION_NOT_FOUND', `Transaction ${input.transactionId} not found`);
  return { transactionId: id };
}
