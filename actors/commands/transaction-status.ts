import type { TransactionStatusInput } from '../actions/command-inputs.js';
import * as v2 from '../actions/ocpp2/get-transaction-status.js';
import { stationCommand } from './command.js';

/** Is a transaction still ongoing, and does the station hold messages for it (2.x only). */
export const transactionStatus = stationCommand<TransactionStatusInput, ReturnType<typeof v2.fromOcpp>>(
  'GetTransactionStatus',
  { ocpp2: v2 },
  { unavailable: 'GetTransactionStatus exists only in OCPP 2.0.1 and 2.1' },
);
