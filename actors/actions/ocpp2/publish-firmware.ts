import type { PublishFirmwareInput } from '../command-inputs.js';
import { defined } from '../payload-helpers.js';
import { correlated } from '../request-correlation.js';

/** 2.x PublishFirmware (Local Controller) → PublishFirmwareStatusNotification. */
export const command = correlated('PublishFirmware');

export function toOcpp(input: PublishFirmwareInput): Record<string, unknown> {
  return defined({ location: input.location, checksum: input.checksum, requestId: input.requestId, retries: input.retries, retryInterval: input.retryInterval });
}
