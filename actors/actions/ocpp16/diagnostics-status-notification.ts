import { statusHandler } from '../shared/station-reports.js';

/** 1.6 DiagnosticsStatusNotification: kept per station (latest and history); it names no request (1.6 GetDiagnostics has no requestId). */
export const diagnosticsStatusNotification = statusHandler('diagnostics-status');
