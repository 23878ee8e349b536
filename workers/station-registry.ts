import type { OcppVersion } from '../core/protocols.js';

export interface StationLocation {
  thread: number;
  connId: string;
  tenantId: string;
  version: OcppVersion;
  connectedAt: string;
  /**
   * When the socket opened on its thread (monotonicNow, ns). Main hears of connections
   * from several threads, whose messages it may take in another order than they were sent.
   */
  openedAt: number;
}

/**
 * Station id → the thread holding its socket, on the main thread. The connection opened last wins,
 * whatever order the threads' messages arrive in: registering returns the loser (the displaced
 * one, or the registered one itself when a newer one is already there) for the caller to close.
 */
export class StationRegistry {
  private readonly locations = new Map<string, StationLocation>();

  connect(stationId: string, location: StationLocation): StationLocation | undefined {
    const previous = this.locations.get(stationId);
    if (previous && previous.connId === location.connId) return undefined;
    if (previous && previous.openedAt > location.openedAt) return location;
    this.locations.set(stationId, location);
    return previous;
  }

  /** Removes the entry only if it is still this connection (a newer one may have replaced it). */
  disconnect(stationId: string, connId: string): boolean {
    const current = this.locations.get(stationId);
    if (!current || current.connId !== connId) return false;
    this.locations.delete(stationId);
    return true;
  }

  /** Forgets every station of a thread that died; returns their ids. */
  dropThread(thread: number): Array<[string, StationLocation]> {
    const dropped: Array<[string, StationLocation]> = [];
    for (const [id, location] of this.locations) {
      if (location.thread === thread) {
        this.locations.delete(id);
        dropped.push([id, location]);
      }
    }
    return dropped;
  }

  get(stationId: string): StationLocation | undefined {
    return this.locations.get(stationId);
  }

  /** Ids of a tenant's stations connected here (one pass over the registry: ~1 ms per 100k). */
  idsOfTenant(tenantId: string): string[] {
    const ids: string[] = [];
    for (const [id, location] of this.locations) if (location.tenantId === tenantId) ids.push(id);
    return ids;
  }

  get size(): number {
    return this.locations.size;
  }
}
