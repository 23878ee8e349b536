import type { GetLogInput } from '../actions/command-inputs.js';
import * as v16 from '../actions/ocpp16/get-log.js';
import * as v2 from '../actions/ocpp2/get-log.js';
import { stationCommand } from './command.js';

/** Ask for a diagnostics or security log to be uploaded (2.x; 1.6 with the security whitepaper). */
export const getLog = stationCommand<GetLogInput>('GetLog', { ocpp16: v16, ocpp2: v2 });
