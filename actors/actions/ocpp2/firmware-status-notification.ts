import { statusHandler } from '../shared/station-reports.js';

/** 2.x FirmwareStatusNotification: kept per station (latest and history) and applied to its UpdateFirmware request. */
export const firmwareStatusNotification = statusHandler('firmware-status', 'FirmwareStatusNotification');
