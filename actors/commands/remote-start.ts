import type { RemoteStartInput } from '../actions/command-inputs.js';
import * as v16 from '../actions/ocpp16/remote-start-transaction.js';
import * as v2 from '../actions/ocpp2/request-start-transaction.js';
import { stationCommand } from './command.js';

/**
 * Ask the station to start a transaction for a token: 1.6 RemoteStartTransaction, 2.x
 * RequestStartTransaction. Either action's `prepare` records the remote start and notes the
 * `remoteStartId` in the reply's facts.
 */
export const remoteStart = stationCommand<RemoteStartInput>('RemoteStart', { ocpp16: v16, ocpp2: v2 });
