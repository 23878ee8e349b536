import type { GetConfigurationInput } from '../actions/command-inputs.js';
import * as v16 from '../actions/ocpp16/get-configuration.js';
import { stationCommand } from './command.js';

/** 1.6 configuration keys; 2.x has a device model instead (get-variables). */
export const getConfiguration = stationCommand<GetConfigurationInput>(
  'GetConfiguration',
  { ocpp16: v16 },
  { unavailable: 'read its device model with POST /stations/{id}/variables/get' },
);
