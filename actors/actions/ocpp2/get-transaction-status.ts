import type { TransactionStatusInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';

export const command = sendOnly('GetTransactionStatus');

export function toOcpp(input: TransactionStatusInput): { transactionId: string } {
  return { transactionId: input.transactionId };
}

/** ongoingIndicator is absent when the station was asked without a transaction id. */
export function fromOcpp(res: { ongoingIndicator?: boolean; messagesInQueue: boolean }): { ongoingIndicator: boolean | null; messagesInQueue: boolean } {
  return { ongoingIndicator: res.ongoingIndicator ?? null, messagesInQueue: res.messagesInQueue };
}
