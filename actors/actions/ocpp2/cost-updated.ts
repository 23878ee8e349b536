import type { CostUpdatedInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';

/** CostUpdated (2.x I05): the running cost of a transaction, incl. tax, in the tariff's currency. */
export const command = sendOnly('CostUpdated');

export function toOcpp(input: CostUpdatedInput): { totalCost: number; transactionId: string } {
  return { totalCost: Number(input.totalCost), transactionId: input.transactionId };
}
