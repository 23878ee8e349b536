import type { GetDiagnosticsInput } from '../command-inputs.js';
import { defined } from '../payload-helpers.js';
import { correlatedByLatest } from '../request-correlation.js';

/** 1.6 GetDiagnostics carries no requestId: recorded under the next id; DiagnosticsStatusNotification completes the newest. */
export const command = correlatedByLatest('GetDiagnostics');

export function toOcpp(input: GetDiagnosticsInput): Record<string, unknown> {
  return defined({ location: input.location, startTime: input.startTime, stopTime: input.stopTime, retries: input.retries, retryInterval: input.retryInterval });
}
