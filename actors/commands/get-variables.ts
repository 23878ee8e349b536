import type { GetVariablesInput } from '../actions/command-inputs.js';
import * as v2 from '../actions/ocpp2/get-variables.js';
import { stationCommand } from './command.js';

/** 2.x device model; 1.6 has configuration keys instead (get-configuration). */
export const getVariables = stationCommand<GetVariablesInput>(
  'GetVariables',
  { ocpp2: v2 },
  { unavailable: 'read its configuration with GET /stations/{id}/configuration' },
);
