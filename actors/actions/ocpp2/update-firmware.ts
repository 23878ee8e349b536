import type { UpdateFirmwareInput } from '../command-inputs.js';
import { defined } from '../payload-helpers.js';
import { correlated } from '../request-correlation.js';

/** 2.x UpdateFirmware → FirmwareStatusNotification (by requestId); signed when signingCertificate and signature are given. */
export const command = correlated('UpdateFirmware');

export function toOcpp(input: UpdateFirmwareInput, now: Date = new Date()): Record<string, unknown> {
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
