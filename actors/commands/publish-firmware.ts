import type { PublishFirmwareInput, UnpublishFirmwareInput } from '../actions/command-inputs.js';
import * as publish from '../actions/ocpp2/publish-firmware.js';
import * as unpublish from '../actions/ocpp2/unpublish-firmware.js';
import { stationCommand } from './command.js';

const only2x = 'PublishFirmware/UnpublishFirmware exist from OCPP 2.0.1 on (Local Controller)';

/** 2.x: a Local Controller publishes a firmware image for the stations behind it. */
export const publishFirmware = stationCommand<PublishFirmwareInput>('PublishFirmware', { ocpp2: publish }, { unavailable: only2x });

/** 2.x: stop publishing it. */
export const unpublishFirmware = stationCommand<UnpublishFirmwareInput>('UnpublishFirmware', { ocpp2: unpublish }, { unavailable: only2x });
