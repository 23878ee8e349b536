import type { LocalListInput } from '../actions/command-inputs.js';
import * as v16 from '../actions/ocpp16/send-local-list.js';
import * as v2 from '../actions/ocpp2/send-local-list.js';
import { stationCommand } from './command.js';

/** Full or differential local-list update; SendLocalList's onResult stores what the station accepted. */
export const sendLocalList = stationCommand<LocalListInput>('SendLocalList', { ocpp16: v16, ocpp2: v2 });
