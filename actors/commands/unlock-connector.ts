import type { UnlockInput } from '../actions/command-inputs.js';
import * as v16 from '../actions/ocpp16/unlock-connector.js';
import * as v2 from '../actions/ocpp2/unlock-connector.js';
import { stationCommand } from './command.js';

export const unlockConnector = stationCommand<UnlockInput>('UnlockConnector', { ocpp16: v16, ocpp2: v2 });
