import type { RemoteStopInput } from '../actions/command-inputs.js';
import * as v16 from '../actions/ocpp16/remote-stop-transaction.js';
import * as v2 from '../actions/ocpp2/request-stop-transaction.js';
import { stationCommand } from './command.js';

/** Ask the station to stop one of its transactions: 1.6 RemoteStopTransaction, 2.x RequestStopTransaction. */
export const remoteStop = stationCommand<RemoteStopInput>(
  'RemoteStop',
  { ocpp16: v16, ocpp2: v2 },
  {
    // The API shows 1.6 transactions by the CSMS's id; the station knows its numeric one.
    async resolve(scope, input) {
      if (scope.protocol !== 'ocpp1.6') return input;
      const stored = await scope.store.transactions.getTransaction(scope.tenantId, input.transactionId, scope.stationId);
      return stored?.ocppTransactionId != null ? { ...input, ocppTransactionId: stored.ocppTransactionId } : input;
    },
  },
);
