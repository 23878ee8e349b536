import * as v16 from '../actions/ocpp16/get-local-list-version.js';
import * as v2 from '../actions/ocpp2/get-local-list-version.js';
import { stationCommand } from './command.js';

/** The local-list version the station reports. */
export const localListVersion = stationCommand<Record<string, never>, number>('GetLocalListVersion', { ocpp16: v16, ocpp2: v2 });
