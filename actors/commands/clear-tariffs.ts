import type { ClearTariffsInput } from '../actions/command-inputs.js';
import * as v21 from '../actions/ocpp21/clear-tariffs.js';
import { stationCommand } from './command.js';

/** Clears tariffs the station holds (2.1). */
export const clearTariffs = stationCommand<ClearTariffsInput, ReturnType<typeof v21.fromOcpp>>(
  'ClearTariffs',
  { ocpp21: v21 },
  {
    unavailable: 'ClearTariffs exists only in OCPP 2.1',
  },
);
