import { ApiError } from '../core/errors.js';
import type { StationRequest } from '../core/requests.js';
import type { Store } from '../core/ports/store/store.js';

/** 404 STATION_NOT_FOUND unless the tenant has the station (another tenant's station looks absent). */
export async function requireStation(store: Pick<Store, 'stations'>, tenantId: string, id: string): Promise<void> {
  if (!(await store.stations.getStation(tenantId, id))) throw new ApiError('STATION_NOT_FOUND', `Station ${id} not found`);
}

/**
 * A request the CSMS sent to one of the tenant's stations: 404 STATION_NOT_FOUND without the
 * station, 404 REQUEST_NOT_FOUND without the request (or, with `action`, when it is of another action).
 */
export async function requireStationRequest(store: Pick<Store, 'stations' | 'requests'>, tenantId: string, id: string, requestId: number, action?: string): Promise<StationRequest> {
  await requireStation(store, tenantId, id);
  const found = await store.requests.get(tenantId, id, requestId);
  if (!found || (action !== undefined && found.action !== action)) {
    throw new ApiError('REQUEST_NOT_FOUND', `${action === undefined ? 'Request' : `${action} request`} ${requestId} of station ${id} not found`);
  }
  return found;
}
