import type { RoamingAuthorizer } from '../core/ports/roaming-authorizer.js';
import type { OcppVersion } from '../core/protocols.js';
import type { StationEventType } from '../core/types.js';
import type { PlugAndChargeServices } from '../core/ports/plug-and-charge.js';
import type { Store } from '../core/ports/store/store.js';
import type { VendorRegistry } from './actions/shared/vendor-extensions.js';
import type { EventBudget, EventBudgetState } from '../core/event-budget.js';
import type { BusEvent } from '../core/envelope.js';

/** Who is talking: fixed for the life of one connection. */
export interface StationSession {
  tenantId: string;
  stationId: string;
  version: OcppVersion;
}

/** Live state kept in memory per station next to its data (the handler thread). */
export interface StationLiveState {
  bootStatus: 'Pending' | 'Accepted' | 'Rejected' | null;
  lastSeenAt: number;
  /** NotifyEvent token bucket and storm (core/event-budget.ts); created by the first NotifyEvent. */
  eventBudget?: EventBudgetState;
}

export interface EventSink {
  emit(type: StationEventType, session: StationSession, payload: Record<string, unknown>): void;
}

/**
 * The durable event outbox as one message's handler sees it (with NATS): a transaction write puts
 * its events into the outbox in its own transaction (actions/shared/transaction-events.ts).
 */
export interface HandlerOutbox {
  /** This node's rows (CSMS_NODE_ID). */
  owner: string;
  /** The events this handler emitted so far, taken out: they go into the write, before its own. */
  take(): BusEvent[];
  /** A write committed `count` events into the outbox: the drain picks them up. */
  committed(count: number): void;
}

/** Last-seen times are kept in memory and written in bulk: a heartbeat costs no write of its own. */
export interface LastSeen {
  mark(tenantId: string, stationId: string, at: string): void;
}

/** The store methods station-initiated handlers use, per slice; they run on the thread that owns the store. */
export const HANDLER_STORE_METHODS = {
  stations: ['recordBoot', 'recordConnectorStatus', 'getStation', 'listConnectorStatuses'],
  transactions: ['startTransaction16', 'remoteStart16', 'applyTransactionEvent', 'recordStationMeterValues', 'findActiveTransaction', 'listTransactions', 'listMeterValues'],
  tokens: ['matchIdToken', 'recordSeenIdToken'],
  reservations: ['apply', 'list'],
  tariffs: ['resolveTariff', 'getTariff', 'getCost', 'putCost'],
  sites: ['findByStation'],
} as const satisfies { readonly [S in keyof Store]?: ReadonlyArray<keyof Store[S]> };

/** Store slices handlers use whole (requests, device model, station events, charging profiles, display messages). */
export const HANDLER_STORE_SLICES = ['requests', 'deviceModel', 'stationEvents', 'chargingProfiles', 'displayMessages'] as const satisfies ReadonlyArray<keyof Store>;

type HandlerSlices = typeof HANDLER_STORE_METHODS;

export type HandlerStore = { readonly [S in keyof HandlerSlices]: Pick<Store[S], HandlerSlices[S][number] & keyof Store[S]> } & Pick<
  Store,
  (typeof HANDLER_STORE_SLICES)[number]
>;

/**
 * Everything a handler may use. Each handler declares the slice it needs with Pick<…>,
 * so tests pass only that (a fake clock, an in-memory store).
 */
export interface HandlerContext {
  session: StationSession;
  state: StationLiveState;
  store: HandlerStore;
  events: EventSink;
  /** The durable event outbox, when on (NATS); absent: events go to `events` only. */
  outbox?: HandlerOutbox;
  lastSeen: LastSeen;
  clock: () => Date;
  /** unknownTokens: policy for id tokens the store does not know; absent means 'reject'. */
  settings: {
    heartbeatIntervalSec: number;
    unknownTokens?: 'reject' | 'accept-all';
    /** The subject O a station's CSR must carry (CSMS_CERT_ORGANIZATION); absent: not checked. */
    certificateOrganization?: string | undefined;
    /** A V2G sub-CA signs V2GCertificate CSRs (ISO 15118-2 SECC); absent or false: they are refused (`no-v2g-ca`). */
    v2gSigning?: boolean;
    /** NotifyEvent events stored one by one per station (CSMS_EVENT_RATE / CSMS_EVENT_BURST); absent: DEFAULT_EVENT_BUDGET. */
    eventBudget?: EventBudget;
  };
  /** Operator log lines worth one per event (e.g. a boot); absent in tests that do not look. */
  log?: HandlerLog;
  /** Inbound DataTransfer handlers by vendorId (actions/shared/vendor-extensions.ts); absent: none registered. */
  vendors?: VendorRegistry;
  /** Roaming partners' tokens (OCPI), asked for tokens the store does not know; absent: no roaming. */
  roaming?: RoamingAuthorizer;
  /** Counters handlers move (the handler thread's Prometheus registry); absent in tests that do not look. */
  metrics?: HandlerMetrics;
  /** ISO 15118 Plug & Charge: OCSP lookups, contract-certificate provider; absent: certificate requests answer Failed. */
  pnc?: PlugAndChargeServices;
}

export interface HandlerLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn?(fields: Record<string, unknown>, message: string): void;
}

export interface HandlerMetrics {
  /** NotifyEvent events answered but not stored one by one (a storm beyond the station's budget). */
  notifyEventsDropped(count: number): void;
}

export type Handler<Req, Res> = (ctx: HandlerContext, request: Req) => Res | Promise<Res>;

/** Action → handler for one OCPP version; the schema comes from the version's official set. */
export type RoutingTable = Readonly<Record<string, Handler<any, any>>>;

/**
 * The answer a gateway may give at once, for a message whose effects need not be durable before
 * the answer (OCPP guarantees delivery only for transaction-related messages): last-seen,
 * last-write-wins connector status, telemetry outside transactions. Undefined means "this one
 * needs its handler's answer" (e.g. a 1.6 MeterValues inside a transaction). The handler still
 * runs on the handler thread, in order, with the same effects; only its answer is not awaited.
 */
export type GatewayAnswer = (request: any, now: Date) => Record<string, unknown> | undefined;

export type GatewayAnswers = Readonly<Record<string, GatewayAnswer>>;
