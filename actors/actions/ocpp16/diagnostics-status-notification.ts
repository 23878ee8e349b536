import { statusHandler } from '../shared/station-reports.js';

/** 1.6 DiagnosticsStatusNotification: kept per station (latest and history) and applied to the station's newest GetDiagnostics request (it carries no requestId). */
export const diagnosticsStatusNotification = statusHandler('diagnostics-status', 'DiagnosticsStatusNotification', { byLatest: true });
