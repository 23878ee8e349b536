import type { GetDiagnosticsInput } from '../actions/command-inputs.js';
import * as v16 from '../actions/ocpp16/get-diagnostics.js';
import { stationCommand } from './command.js';

/** 1.6 GetDiagnostics; 2.x has GetLog (logType DiagnosticsLog) instead. */
export const getDiagnostics = stationCommand<GetDiagnosticsInput>('GetDiagnostics', { ocpp16: v16 }, { unavailable: 'use POST /stations/{id}/logs (GetLog, logType DiagnosticsLog)' });
