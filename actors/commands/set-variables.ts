import type { SetVariablesInput } from '../actions/command-inputs.js';
import * as v2 from '../actions/ocpp2/set-variables.js';
import { stationCommand } from './command.js';

/** 2.x device model; 1.6 has configuration keys instead (change-configuration). */
export const setVariables = stationCommand<SetVariablesInput>(
  'SetVariables',
  { ocpp2: v2 },
  { unavailable: 'change its configuration with PUT /stations/{id}/configuration' },
);
