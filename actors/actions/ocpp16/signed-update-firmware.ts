import { CsmsError } from '../../../core/errors.js';
import type { UpdateFirmwareInput } from '../command-inputs.js';
import { defined } from '../payload-helpers.js';
import { correlated } from '../request-correlation.js';

/** 1.6 security whitepaper: SignedUpdateFirmware → SignedFirmwareStatusNotification (by requestId). */
export const command = correlated('SignedUpdateFirmware');

export function toOcpp(input: UpdateFirmwareInput, now: Date = new Date()): Record<string, unknown> {
  if (!input.signingCertificate || !input.signature) throw new CsmsError('VALIDATION_FAILED', 'SignedUpdateFirmware needs signingCertificate and signature');
  return defined({
    requestId: input.requestId,
    retries: input.retries,
    retryInterval: input.retryInterval,
    firmware: defined({
      location: input.location,
      retrieveDateTime: input.retrieveDateTime ?? now.toISOString(),
      installDateTime: input.installDateTime,
      signingCertificate: input.signingCertificate,
      signature: input.signature,
    }),
  });
}
