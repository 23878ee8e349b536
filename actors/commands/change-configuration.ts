import type { ChangeConfigurationInput } from '../actions/command-inputs.js';
import * as v16 from '../actions/ocpp16/change-configuration.js';
import { stationCommand } from './command.js';

/** 1.6 configuration keys; 2.x has a device model instead (set-variables). */
export const changeConfiguration = stationCommand<ChangeConfigurationInput>(
  'ChangeConfiguration',
  { ocpp16: v16 },
  { unavailable: 'change its device model with POST /stations/{id}/variables/set' },
);
