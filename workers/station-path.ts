import { isValidStationId } from '../core/types.js';

/**
 * Extracts the station id from the upgrade URL: `/ocpp/{id}` always, and the last segment
 * under the configured prefix (e.g. `/cpms/ws/{id}` with prefix `/cpms/ws`).
 */
export function stationIdFromPath(url: string, prefix: string): string | undefined {
  const path = url.split('?')[0]!;
  for (const base of prefix === '/ocpp' ? ['/ocpp'] : ['/ocpp', prefix]) {
    if (!path.startsWith(base + '/')) continue;
    const rest = path.slice(base.length + 1);
    if (rest.length === 0 || rest.includes('/')) continue;
    let id: string;
    try {
      id = decodeURIComponent(rest);
    } catch {
      return undefined;
    }
    return isValidStationId(id) ? id : undefined;
  }
  return undefined;
}
