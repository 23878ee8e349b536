import type { ResetInput } from '../actions/command-inputs.js';
import * as v16 from '../actions/ocpp16/reset.js';
import * as v2 from '../actions/ocpp2/reset.js';
import { stationCommand } from './command.js';

/** Reset the station (or, in 2.x, one EVSE). */
export const reset = stationCommand<ResetInput>('Reset', { ocpp16: v16, ocpp2: v2 });
