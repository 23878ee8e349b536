import type { ProfileFilter } from '../../core/ports/store/charging-profile-store.js';
import * as v16 from '../actions/ocpp16/clear-charging-profile.js';
import * as v2 from '../actions/ocpp2/clear-charging-profile.js';
import { stationCommand } from './command.js';

/** ClearChargingProfile by id and/or evse, purpose, stack level; its onResult forgets what the station cleared. */
export const clearChargingProfile = stationCommand<ProfileFilter>('ClearChargingProfile', { ocpp16: v16, ocpp2: v2 });
