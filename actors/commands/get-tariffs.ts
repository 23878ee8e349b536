import type { GetTariffsInput } from '../actions/command-inputs.js';
import * as v21 from '../actions/ocpp21/get-tariffs.js';
import { stationCommand } from './command.js';

/** Asks which tariffs the station holds, per EVSE (2.1). */
export const getTariffs = stationCommand<GetTariffsInput, ReturnType<typeof v21.fromOcpp>>(
  'GetTariffs',
  { ocpp21: v21 },
  {
    unavailable: 'GetTariffs exists only in OCPP 2.1',
  },
);
