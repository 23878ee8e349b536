import type { AvailabilityInput } from '../actions/command-inputs.js';
import * as v16 from '../actions/ocpp16/change-availability.js';
import * as v2 from '../actions/ocpp2/change-availability.js';
import { stationCommand } from './command.js';

/** Make the station, an EVSE or a connector (in)operative. */
export const changeAvailability = stationCommand<AvailabilityInput>('ChangeAvailability', { ocpp16: v16, ocpp2: v2 });
