import type { DataTransferInput } from '../actions/command-inputs.js';
import * as v16 from '../actions/ocpp16/data-transfer.js';
import * as v2 from '../actions/ocpp2/data-transfer.js';
import { stationCommand } from './command.js';

/** A vendor-specific message. */
export const dataTransfer = stationCommand<DataTransferInput>('DataTransfer', { ocpp16: v16, ocpp2: v2 });
