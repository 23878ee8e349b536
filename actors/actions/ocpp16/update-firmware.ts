import type { UpdateFirmwareInput } from '../command-inputs.js';
import { defined } from '../payload-helpers.js';
import { correlatedByLatest } from '../request-correlation.js';

/** 1.6 UpdateFirmware carries no requestId: recorded under the next id; FirmwareStatusNotification completes the newest. */
export const command = correlatedByLatest('UpdateFirmware');

export function toOcpp(input: UpdateFirmwareInput, now: Date = new Date()): Record<string, unknown> {
  return defined({
    location: input.location,
    retrieveDate: input.retrieveDateTime ?? now.toISOString(),
    retries: input.retries,
    retryInterval: input.retryInterval,
  });
}
