import { statusHandler } from '../shared/station-reports.js';

/** 1.6 FirmwareStatusNotification: kept per station (latest and history); it names no request (1.6 UpdateFirmware has no requestId). */
export const firmwareStatusNotification = statusHandler('firmware-status');
