import type { OcppVersion } from '../core/protocols.js';
import type { StationEventType } from '../core/types.js';
import type { GatewayStore } from '../adapters/store/store.js';

/** Who is talking: fixed for the life of one connection. */
export interface StationSession {
  tenantId: string;
  stationId: string;
  version: OcppVersion;
}

/** Live state the actor keeps in memory for its station. */
export interface StationLiveState {
  bootStatus: 'Pending' | 'Accepted' | 'Rejected' | null;
  lastSeenAt: number;
}

export interface EventSink {
  emit(type: StationEventType, session: StationSession, payload: Record<string, unknown>): void;
}

/**
 * Everything a handler may use. Each handler declares the slice it needs with Pick<…>,
 * so tests pass only that (a fake clock, an in-memory store).
 */
export interface HandlerContext {
  session: StationSession;
  state: StationLiveState;
  store: GatewayStore;
  events: EventSink;
  clock: () => Date;
  /** unknownTokens: policy for id tokens the store does not know; absent means 'reject'. */
  settings: { heartbeatIntervalSec: number; unknownTokens?: 'reject' | 'accept-all' };
}

export type Handler<Req, Res> = (ctx: HandlerContext, request: Req) => Res | Promise<Res>;

/** Action → handler for one OCPP version; the schema comes from the version's official set. */
export type RoutingTable = Readonly<Record<string, Handler<any, any>>>;
