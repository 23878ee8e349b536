import type { TriggerInput } from '../actions/command-inputs.js';
import * as v16 from '../actions/ocpp16/trigger-message.js';
import * as v2 from '../actions/ocpp2/trigger-message.js';
import { stationCommand } from './command.js';

/** Ask the station to send a message now. */
export const triggerMessage = stationCommand<TriggerInput>('TriggerMessage', { ocpp16: v16, ocpp2: v2 });
