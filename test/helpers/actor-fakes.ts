import type { LastSeen, StationSession } from '../../actors/handler-context.js';
import { HANDLER_STORE_METHODS, type HandlerStore } from '../../actors/handler-context.js';
import type { StationEventType } from '../../core/types.js';
import type { StationMessage, StationReply } from '../../core/envelope.js';
import { syncDispatcher } from '../../actors/dispatcher.js';
import { InboundDispatcher } from '../../actors/inbound-dispatcher.js';
import { Router, type InboundPort } from '../../actors/router.js';
import { GATEWAY_ANSWERS, handledActions } from '../../actors/actions/station-initiated.js';
import { StationActor, type ActorDeps, type StationTransport } from '../../actors/station-actor.js';
import type { OcppVersion } from '../../core/protocols.js';
import { compileVersionSchemas, type VersionSchemas } from '../../core/schemas.js';

/**
 * Fakes for actor tests: a socket that records frames, an in-memory handler store that records
 * calls (and can be held open or made to fail), an event sink, a fixed clock, and the handler
 * thread played in-process (the real InboundDispatcher behind a port that can be held).
 */

const compiled = new Map<OcppVersion, VersionSchemas>();
export function schemasFor(version: OcppVersion): VersionSchemas {
  let s = compiled.get(version);
  if (!s) compiled.set(version, (s = compileVersionSchemas(version)));
  return s;
}

export type WireFrame = [number, string, ...unknown[]];

export class FakeTransport implements StationTransport {
  readonly sent: WireFrame[] = [];
  closed: { code: number; reason: string } | undefined;
  accept = true;
  private waiters: Array<() => void> = [];

  send(text: string): boolean {
    if (!this.accept) return false;
    this.sent.push(JSON.parse(text) as WireFrame);
    for (const w of this.waiters.splice(0)) w();
    return true;
  }

  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }

  /** Resolves with frame number `index` (0-based) once it has been sent. */
  async frame(index: number): Promise<WireFrame> {
    while (this.sent.length <= index) await new Promise<void>((r) => this.waiters.push(r));
    return this.sent[index]!;
  }
}

type HandlerStoreMethod = (typeof HANDLER_STORE_METHODS)[keyof typeof HANDLER_STORE_METHODS][number];
export interface StoreCall { method: HandlerStoreMethod; args: unknown[] }

/**
 * Every handler store method, per slice (HANDLER_STORE_METHODS, so new ones are covered automatically),
 * records its call, waits for `hold` if set, throws `failWith` if set, then answers from
 * `answers` (undefined by default: "not found" for lookups, nothing for writes).
 */
export class FakeGatewayStore {
  readonly calls: StoreCall[] = [];
  hold: Promise<void> | undefined;
  failWith: Error | undefined;
  readonly answers: Partial<Record<HandlerStoreMethod, (...args: unknown[]) => unknown>> = {};

  constructor() {
    for (const [slice, methods] of Object.entries(HANDLER_STORE_METHODS)) {
      const fakes: Record<string, unknown> = {};
      for (const method of methods as readonly HandlerStoreMethod[]) {
        fakes[method] = async (...args: unknown[]) => {
          this.calls.push({ method, args });
          if (this.hold) await this.hold;
          if (this.failWith) throw this.failWith;
          return this.answers[method]?.(...args);
        };
      }
      (this as unknown as Record<string, unknown>)[slice] = fakes;
    }
  }

  /** The same object, typed as the store handlers see. */
  get asGatewayStore(): HandlerStore {
    return this as unknown as HandlerStore;
  }
}

/** Last-seen marks, recorded; `failWith` makes the next marks throw. */
export class FakeLastSeen implements LastSeen {
  readonly marks: Array<[string, string, string]> = [];
  failWith: Error | undefined;
  mark(tenantId: string, stationId: string, at: string): void {
    if (this.failWith) throw this.failWith;
    this.marks.push([tenantId, stationId, at]);
  }
}

/** The hop to the handler thread, in-process: counts messages and can be held like a busy thread. */
export class FakeInboundPort implements InboundPort {
  readonly handled: StationMessage[] = [];
  /** Messages the gateway answered itself and handed over without waiting. */
  readonly posted: StationMessage[] = [];
  /** Settles when the posted messages' handlers ran (for asserting their effects). */
  postedDone: Promise<unknown> = Promise.resolve();
  hold: Promise<void> | undefined;
  constructor(private readonly dispatcher: InboundDispatcher) {}
  post(message: StationMessage): void {
    this.posted.push(message);
    this.postedDone = Promise.all([this.postedDone, this.dispatcher.handle(message)]);
  }
  async handle(message: StationMessage): Promise<StationReply> {
    this.handled.push(message);
    if (this.hold) await this.hold;
    return this.dispatcher.handle(message);
  }
}

export interface EmittedEvent { type: StationEventType; session: StationSession; payload: Record<string, unknown> }

export const FIXED_NOW = new Date('2025-03-01T12:00:00.000Z');

/** `answerAtGateway: false` sends every message through the awaited hop (to test the actor's own queueing). */
export function makeActor(version: OcppVersion, overrides: { mailboxCapacity?: number; callTimeoutMs?: number; answerAtGateway?: boolean } = {}) {
  const transport = new FakeTransport();
  const store = new FakeGatewayStore();
  const lastSeen = new FakeLastSeen();
  const events: EmittedEvent[] = [];
  const internalErrors: Array<{ error: unknown; action: string }> = [];
  const logs: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  const rejected: Array<{ kind: string; code: string }> = [];
  const schemas = schemasFor(version);
  const dispatcher = new InboundDispatcher({
    store: store.asGatewayStore,
    events: { emit: (type, session, payload) => events.push({ type, session, payload }) },
    lastSeen,
    clock: () => FIXED_NOW,
    settings: { heartbeatIntervalSec: 300 },
    onInternalError: (error, message) => internalErrors.push({ error, action: message.action }),
  });
  const inbound = new FakeInboundPort(dispatcher);
  const deps: ActorDeps = {
    schemas,
    router: new Router(schemas, handledActions(version), inbound, (error, action) => internalErrors.push({ error, action }), overrides.answerAtGateway === false ? {} : GATEWAY_ANSWERS[version], () => FIXED_NOW),
    settings: {
      callTimeoutMs: overrides.callTimeoutMs ?? 60_000,
      mailboxCapacity: overrides.mailboxCapacity ?? 8,
      maxQueuedCalls: 4,
    },
    metrics: {
      inbound: () => {},
      outbound: () => {},
      rejected: (kind, code) => rejected.push({ kind, code }),
    },
    log: {
      info: (fields, message) => logs.push({ level: 'info', fields, message }),
      warn: (fields, message) => logs.push({ level: 'warn', fields, message }),
      error: (fields, message) => logs.push({ level: 'error', fields, message }),
    },
    dispatcher: syncDispatcher,
  };
  const session: StationSession = { tenantId: 'tenant-a', stationId: 'CS-1', version };
  const actor = new StationActor(session, transport, deps);
  return { actor, transport, store, lastSeen, inbound, dispatcher, events, internalErrors, logs, rejected, schemas, session };
}
