import type { CostUpdatedInput } from '../actions/command-inputs.js';
import * as v2 from '../actions/ocpp2/cost-updated.js';
import { stationCommand } from './command.js';

/** Tells a 2.x station the running cost of a transaction (sent by the cost-update sweep). */
export const costUpdated = stationCommand<CostUpdatedInput, unknown>(
  'CostUpdated',
  { ocpp2: v2 },
  { unavailable: 'CostUpdated exists only in OCPP 2.0.1 and 2.1 (1.6 stations get the final cost in the transaction record)' },
);
