import type { Payload } from '../core/frame.js';
import type { Store } from '../adapters/store/store.js';
import type { CallOutcome } from '../actors/outbound-calls.js';
import type { StationLocation } from '../workers/station-registry.js';

/** What the API needs from the node; tests can supply fakes. */
export interface ApiDeps {
  store: Store;
  stations: {
    location(stationId: string): StationLocation | undefined;
    /** Finds a station connected to this node or, with NATS, to any node (registry lookup). */
    locate?(stationId: string): Promise<{ tenantId: string; version: StationLocation['version']; connectedAt?: string } | undefined>;
    /** `tenantId` scopes the call when it has to travel to another node over NATS. */
    call(stationId: string, action: string, payload: Payload, tenantId?: string): Promise<CallOutcome>;
    disconnect(stationId: string): void;
    connectedCount(): number;
  };
  metrics(): Promise<{ contentType: string; body: string }>;
  hashPassword(password: string): Promise<string>;
  info: { workers: number; store: string; bus: string; version: string };
  /** See `AuthOptions.publicMetrics`. */
  security?: { publicMetrics?: boolean };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant every read and command of this request is scoped to. */
    tenantId: string;
  }
}
