import { statusHandler } from '../shared/station-reports.js';

/** 2.x PublishFirmwareStatusNotification (a local controller publishing firmware): kept with its locations, applied to its PublishFirmware request. */
export const publishFirmwareStatusNotification = statusHandler('publish-firmware-status', 'PublishFirmwareStatusNotification');
