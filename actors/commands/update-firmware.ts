import type { Payload } from '../../core/frame.js';
import type { UpdateFirmwareInput } from '../actions/command-inputs.js';
import * as v16 from '../actions/ocpp16/update-firmware.js';
import * as v16Signed from '../actions/ocpp16/signed-update-firmware.js';
import * as v2 from '../actions/ocpp2/update-firmware.js';
import type { StationCommand } from './command.js';

const signed = (input: UpdateFirmwareInput) => input.signingCertificate !== undefined && input.signature !== undefined;

/**
 * Install firmware. 1.6: UpdateFirmware, or SignedUpdateFirmware (security whitepaper) when a
 * signing certificate and signature are given. 2.x: UpdateFirmware (signed or not). Either way
 * a request is recorded (its id in the reply's facts) and the firmware status notifications complete it.
 */
export const updateFirmware: StationCommand<UpdateFirmwareInput> = {
  name: 'UpdateFirmware',
  toOcpp(protocol, input) {
    if (protocol === 'ocpp1.6') {
      return signed(input)
        ? { action: v16Signed.command.action, payload: v16Signed.toOcpp(input) as Payload }
        : { action: v16.command.action, payload: v16.toOcpp(input) as Payload };
    }
    return { action: v2.command.action, payload: v2.toOcpp(input) as Payload };
  },
  fromOcpp: (_protocol, result) => result,
};
