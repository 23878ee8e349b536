import type { StationSession } from '../../actors/handler-context.js';
import type { StationEventType } from '../../core/types.js';
import { syncDispatcher } from '../../actors/dispatcher.js';
import { Router } from '../../actors/router.js';
import { ROUTES } from '../../actors/handlers/routes-by-version.js';
import { StationActor, type ActorDeps, type StationTransport } from '../../actors/station-actor.js';
import { REMOTE_STORE_METHODS, type GatewayStore, type RemoteStoreMethod } from '../../adapters/store/store.js';
import type { OcppVersion } from '../../core/protocols.js';
import { compileVersionSchemas, type VersionSchemas } from '../../core/schemas.js';

/**
 * Fakes for actor tests: a socket that records frames, an in-memory GatewayStore that records
 * calls (and can be held open or made to fail), an event sink, a fixed clock.
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

export interface StoreCall { method: RemoteStoreMethod; args: unknown[] }

/**
 * Every gateway store method (REMOTE_STORE_METHODS, so new ones are covered automatically)
 * records its call, waits for `hold` if set, throws `failWith` if set, then answers from
 * `answers` (undefined by default: "not found" for lookups, nothing for writes).
 */
export class FakeGatewayStore {
  readonly calls: StoreCall[] = [];
  hold: Promise<void> | undefined;
  failWith: Error | undefined;
  readonly answers: Partial<Record<RemoteStoreMethod, (...args: unknown[]) => unknown>> = {};

  constructor() {
    for (const method of REMOTE_STORE_METHODS) {
      (this as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        this.calls.push({ method, args });
        if (this.hold) await this.hold;
        if (this.failWith) throw this.failWith;
        return this.answers[method]?.(...args);
      };
    }
  }

  /** The same object, typed as the store handlers see. */
  get asGatewayStore(): GatewayStore {
    return this as unknown as GatewayStore;
  }
}

export interface EmittedEvent { type: StationEventType; session: StationSession; payload: Record<string, unknown> }

export const FIXED_NOW = new Date('2025-03-01T12:00:00.000Z');

export function makeActor(version: OcppVersion, overrides: { mailboxCapacity?: number; callTimeoutMs?: number } = {}) {
  const transport = new FakeTransport();
  const store = new FakeGatewayStore();
  const events: EmittedEvent[] = [];
  const internalErrors: Array<{ error: unknown; action: string }> = [];
  const logs: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  const rejected: Array<{ kind: string; code: string }> = [];
  const schemas = schemasFor(version);
  const deps: ActorDeps = {
    schemas,
    router: new Router(schemas, ROUTES[version], (error, action) => internalErrors.push({ error, action })),
    store: store.asGatewayStore,
    events: { emit: (type, session, payload) => events.push({ type, session, payload }) },
    clock: () => FIXED_NOW,
    settings: {
      heartbeatIntervalSec: 300,
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
      warn: (fields, message) => logs.push({ level: 'warn', fields, message }),
      error: (fields, message) => logs.push({ level: 'error', fields, message }),
    },
    dispatcher: syncDispatcher,
  };
  const session: StationSession = { tenantId: 'tenant-a', stationId: 'CS-1', version };
  const actor = new StationActor(session, transport, deps);
  return { actor, transport, store, events, internalErrors, logs, rejected, schemas, session };
}
