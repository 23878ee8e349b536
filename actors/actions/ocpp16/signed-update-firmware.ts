import { CsmsError } from '../../../core/errors.js';
import type { UpdateFirmwareInput } from '../command-inputs.js';
import { correlated } from '../request-correlation.js';
import { toOcpp as updateFirmwareRequest } from '../ocpp2/update-firmware.js';

/** 1.6 security whitepaper: SignedUpdateFirmware → SignedFirmwareStatusNotification (by requestId). */
export const command = correlated('SignedUpdateFirmware');

/** The whitepaper's SignedUpdateFirmware carries the 2.0.1 UpdateFirmware request, signature required. */
export function toOcpp(input: UpdateFirmwareInput, now: Date = new Date()): Record<string, unknown> {
  if (!input.signingCertificate || !input.signature) throw new CsmsError('VALIDATION_FAILED', 'SignedUpdateFirmware needs signingCertificate and signature');
  return updateFirmwareRequest(input, now);
}
