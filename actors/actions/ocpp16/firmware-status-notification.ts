import { statusHandler } from '../shared/station-reports.js';

/** 1.6 FirmwareStatusNotification: kept per station (latest and history) and applied to the station's newest UpdateFirmware request (it carries no requestId). */
export const firmwareStatusNotification = statusHandler('firmware-status', 'FirmwareStatusNotification', { byLatest: true });
