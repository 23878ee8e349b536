import { ApiError } from '../core/errors.js';
import type { Payload } from '../core/frame.js';
import type { OcppVersion } from '../core/protocols.js';
import { CallFailure } from '../actors/outbound-calls.js';
import { RemoteError } from '../workers/thread-channel.js';
import type { ApiDeps } from './deps.js';

const FAILURE_TO_API = {
  timeout: 'STATION_TIMEOUT',
  disconnected: 'STATION_NOT_CONNECTED',
  'queue-full': 'STATION_BUSY',
  'unknown-action': 'UNKNOWN_ACTION',
  'invalid-request': 'VALIDATION_FAILED',
  'invalid-response': 'STATION_CALL_ERROR',
  'send-failed': 'STATION_NOT_CONNECTED',
} as const;

/** Where a station is connected, as far as the API needs to know (this node or another). */
export interface ConnectedStation {
  tenantId: string;
  version: OcppVersion;
}

/**
 * Finds the station in the caller's tenant, connected somewhere. Another tenant's station is
 * reported exactly like an absent one (404), so ids cannot be probed across tenants.
 */
export async function findConnected(deps: ApiDeps, tenantId: string, stationId: string): Promise<ConnectedStation> {
  const location = deps.stations.locate ? await deps.stations.locate(stationId) : deps.stations.location(stationId);
  const live = location && location.tenantId === tenantId ? location : undefined;
  if (!live && !(await deps.store.getStation(tenantId, stationId))) {
    throw new ApiError('STATION_NOT_FOUND', `Station ${stationId} not found`);
  }
  if (!live) throw new ApiError('STATION_NOT_CONNECTED', `Station ${stationId} is not connected`);
  return live;
}

/** Sends one CSMS-initiated call and maps every failure to the API's error table. */
export async function callStation(deps: ApiDeps, tenantId: string, stationId: string, action: string, payload: Payload): Promise<Payload> {
  let outcome;
  try {
    outcome = await deps.stations.call(stationId, action, payload, tenantId);
  } catch (error) {
    if (error instanceof CallFailure || error instanceof RemoteError) {
      const reason = (error instanceof CallFailure ? error.reason : error.code) as keyof typeof FAILURE_TO_API;
      const code = FAILURE_TO_API[reason];
      if (code) throw new ApiError(code, error.message, (error as { details?: unknown }).details);
    }
    throw error;
  }
  if (outcome.kind === 'error') {
    throw new ApiError('STATION_CALL_ERROR', `Station answered ${action} with CALLERROR ${outcome.code}`, {
      code: outcome.code,
      description: outcome.description,
      details: outcome.details,
    });
  }
  return outcome.payload;
}
