import { statusHandler } from '../shared/station-reports.js';

/** 1.6 security whitepaper SignedFirmwareStatusNotification: kept per station and applied to its SignedUpdateFirmware request. */
export const signedFirmwareStatusNotification = statusHandler('signed-firmware-status', 'SignedFirmwareStatusNotification');
