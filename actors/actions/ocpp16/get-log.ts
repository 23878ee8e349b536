import type { GetLogInput } from '../command-inputs.js';
import { defined } from '../payload-helpers.js';
import { correlated } from '../request-correlation.js';

/** 1.6 security whitepaper GetLog → LogStatusNotification (same shape as 2.x). */
export const command = correlated('GetLog');

export function toOcpp(input: GetLogInput): Record<string, unknown> {
  return defined({
    logType: input.logType,
    requestId: input.requestId,
    retries: input.retries,
    retryInterval: input.retryInterval,
    log: defined({ remoteLocation: input.remoteLocation, oldestTimestamp: input.oldestTimestamp, latestTimestamp: input.latestTimestamp }),
  });
}
