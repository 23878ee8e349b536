import { busEvent, callErrorReply, resultReply, type BusEvent, type StationMessage, type StationReply } from '../core/envelope.js';
import { errorCodeFor, RpcError } from '../core/errors.js';
import type { Payload } from '../core/frame.js';
import type { OcppVersion } from '../core/protocols.js';
import { STATION_INITIATED } from './actions/station-initiated.js';
import type { EventSink, HandlerContext, HandlerStore, LastSeen, RoutingTable, StationLiveState } from './handler-context.js';

export interface InboundDispatcherDeps {
  store: HandlerStore;
  events: EventSink;
  lastSeen: LastSeen;
  clock: () => Date;
  settings: HandlerContext['settings'];
  log?: HandlerContext['log'];
  metrics?: HandlerContext['metrics'];
  /**
   * Writes the inbound frame in the same group commit as the handler's data, so a frame that
   * got a CALLRESULT is in the message log after a crash. Absent when the log is off.
   */
  logFrame?: (message: StationMessage) => Promise<void>;
  /**
   * The durable event outbox: when present, a handler's events are collected and appended here
   * (resolving once committed) before its answer goes out, instead of going to `events`; the
   * outbox publishes them after the commit. So every event of an acknowledged message is durable.
   * A transaction message's write stores its events itself, in its own transaction
   * (`HandlerContext.outbox`, actions/shared/transaction-events.ts); they are not collected.
   */
  outbox?: DispatcherOutbox;
  onInternalError: (error: unknown, message: StationMessage) => void;
  /** Inbound DataTransfer handlers by vendorId; absent: none (UnknownVendorId). */
  vendors?: HandlerContext['vendors'];
  /** Roaming partners' tokens (OCPI); absent: no roaming. */
  roaming?: HandlerContext['roaming'];
  /** OCSP and contract certificates (ISO 15118 Plug & Charge); absent: those requests answer Failed. */
  pnc?: HandlerContext['pnc'];
  /** Handlers per protocol; tests may pass their own. */
  tables?: Record<OcppVersion, RoutingTable>;
}

export interface DispatcherOutbox {
  /** This node's rows (CSMS_NODE_ID). */
  readonly owner: string;
  /** Appends events (in a group commit of their own), durable once this resolves. */
  append(events: BusEvent[]): Promise<void>;
  /** A handler's write committed `count` events into the outbox itself: drain them. */
  committed(count: number): void;
}

/** The payload of a CALL `[2, id, action, payload]` or SEND `[6, id, action, payload]`. */
function payloadOf(frame: string): Payload {
  return (JSON.parse(frame) as unknown[])[3] as Payload;
}

/**
 * Runs station-initiated handlers where the data is (the thread that owns the store). The
 * gateway has already checked framing and schema; this answers with the handler's response
 * once its writes (and the logged frame) are committed, or with the version's CALLERROR.
 */
export class InboundDispatcher {
  private readonly states = new Map<string, StationLiveState>();
  /** The last message of each station still being handled: the next one starts after it. */
  private readonly inFlight = new Map<string, Promise<StationReply>>();
  private readonly tables: Record<OcppVersion, RoutingTable>;

  constructor(private readonly deps: InboundDispatcherDeps) {
    this.tables = deps.tables ?? STATION_INITIATED;
  }

  /**
   * Handles one station's messages strictly in arrival order, as its mailbox on the gateway did:
   * messages the gateway answered itself are not awaited there, so order is kept here.
   */
  handle(message: StationMessage): Promise<StationReply> {
    return this.enqueue(message).reply;
  }

  /**
   * A message the gateway already answered: handled in order like any other, but the gateway
   * waits only for its frame to be in the log (committed), not for the handler.
   */
  accept(message: StationMessage): Promise<void> {
    const { reply, logged } = this.enqueue(message);
    reply.catch(() => {}); // the handler's outcome is its own business (logged via onInternalError)
    return logged ?? Promise.resolve();
  }

  private enqueue(message: StationMessage): { reply: Promise<StationReply>; logged: Promise<void> | undefined } {
    const { stationId } = message;
    // Logged on arrival, so the log keeps wire order whatever the handlers wait for.
    const logged = this.tables[message.protocol][message.action] ? this.deps.logFrame?.(message) : undefined;
    logged?.catch(() => {}); // awaited in run(); this only keeps an early failure from going unhandled
    const previous = this.inFlight.get(stationId);
    const reply = previous ? previous.then(() => this.run(message, logged)) : this.run(message, logged);
    this.inFlight.set(stationId, reply);
    const done = () => {
      if (this.inFlight.get(stationId) === reply) this.inFlight.delete(stationId);
    };
    reply.then(done, done);
    return { reply, logged };
  }

  private async run(message: StationMessage, logged: Promise<void> | undefined): Promise<StationReply> {
    const { protocol: version, tenantId, stationId } = message;
    const handler = this.tables[version][message.action];
    if (!handler) return callErrorReply(errorCodeFor(version, 'NotSupported'), RpcError.notSupported(message.action).message);
    const outbox = this.deps.outbox;
    const collected: BusEvent[] = [];
    const ctx: HandlerContext = {
      session: { tenantId, stationId, version },
      state: this.stateOf(stationId),
      store: this.deps.store,
      events: outbox ? { emit: (type, session, payload) => collected.push(busEvent(type, session.tenantId, session.stationId, payload)) } : this.deps.events,
      ...(outbox ? { outbox: { owner: outbox.owner, take: () => collected.splice(0), committed: (count: number) => outbox.committed(count) } } : {}),
      lastSeen: this.deps.lastSeen,
      clock: this.deps.clock,
      settings: this.deps.settings,
      log: this.deps.log,
      vendors: this.deps.vendors,
      ...(this.deps.roaming ? { roaming: this.deps.roaming } : {}),
      metrics: this.deps.metrics,
      pnc: this.deps.pnc,
    };
    try {
      this.deps.lastSeen.mark(tenantId, stationId, message.receivedAt);
      const response = (await handler(ctx, payloadOf(message.frame))) as Payload;
      if (outbox && collected.length > 0) await outbox.append(collected);
      if (logged) await logged;
      return resultReply(response);
    } catch (error) {
      if (error instanceof RpcError) return callErrorReply(errorCodeFor(version, error.kind), error.message, error.details);
      this.deps.onInternalError(error, message);
      const internal = RpcError.internal();
      return callErrorReply(errorCodeFor(version, internal.kind), internal.message);
    }
  }

  /** The station's connection ended: its live state goes with it. */
  forget(stationId: string): void {
    this.states.delete(stationId);
  }

  stateOf(stationId: string): StationLiveState {
    let state = this.states.get(stationId);
    if (!state) this.states.set(stationId, (state = { bootStatus: null, lastSeenAt: Date.now() }));
    return state;
  }
}
