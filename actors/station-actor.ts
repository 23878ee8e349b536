import { errorCodeFor, type RpcErrorKind } from '../core/errors.js';
import {
  MessageType,
  parseFrame,
  serializeCallError,
  serializeCallResult,
  type CallFrame,
  type Frame,
  type Payload,
  type SendFrame,
} from '../core/frame.js';
import { isCsmsInitiated } from '../core/actions.js';
import { checkPayload, type VersionSchemas } from '../core/schemas.js';
import type { Dispatcher } from './dispatcher.js';
import type { EventSink, HandlerContext, StationLiveState, StationSession } from './handler-context.js';
import { Mailbox } from './mailbox.js';
import { CallFailure, OutboundCalls, type CallOutcome } from './outbound-calls.js';
import type { Router } from './router.js';
import type { GatewayStore } from '../adapters/store/store.js';
import type { FrameSink } from './frame-sink.js';

/** The socket under an actor; the gateway adapts uWebSockets to it, tests use a fake. */
export interface StationTransport {
  /** False when the frame could not be queued (socket closed or back-pressure limit). */
  send(text: string): boolean;
  close(code: number, reason: string): void;
}

export interface ActorMetrics {
  inbound(action: string, result: string, seconds: number): void;
  outbound(action: string, result: string): void;
  rejected(kind: 'frame' | 'call', code: string): void;
}

export interface ActorLog {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ActorDeps {
  schemas: VersionSchemas;
  router: Router;
  store: GatewayStore;
  events: EventSink;
  clock: () => Date;
  settings: {
    heartbeatIntervalSec: number;
    unknownTokens?: 'reject' | 'accept-all';
    callTimeoutMs: number;
    mailboxCapacity: number;
    maxQueuedCalls: number;
  };
  metrics: ActorMetrics;
  log: ActorLog;
  dispatcher?: Dispatcher;
  /** Message log / frame mirror; absent when both are off. */
  frames?: FrameSink;
}

type Inbound = CallFrame | SendFrame;

/**
 * One connected station. Inbound CALLs are handled strictly in order through a bounded
 * mailbox; answers to our own calls bypass the mailbox so they can never deadlock behind it.
 */
export class StationActor {
  readonly state: StationLiveState = { bootStatus: null, lastSeenAt: Date.now() };
  private readonly mailbox: Mailbox<Inbound>;
  private outbound: OutboundCalls | undefined;
  /** Ids of inbound CALLs queued or being handled; OCPP ids must be unique among those. */
  private readonly pendingIds = new Set<string>();
  private closed = false;

  constructor(
    readonly session: StationSession,
    private readonly transport: StationTransport,
    private readonly deps: ActorDeps,
  ) {
    this.mailbox = new Mailbox<Inbound>({
      invoke: (frame) => this.handle(frame),
      capacity: deps.settings.mailboxCapacity,
      onFailure: (error, frame) => deps.log.error({ err: error, action: frame.action }, 'mailbox failure'),
      dispatcher: deps.dispatcher,
    });
  }

  /** Entry point for every text frame from the station. */
  receive(text: string): void {
    this.state.lastSeenAt = Date.now();
    const { version } = this.session;
    const parsed = parseFrame(text, version === 'ocpp2.1');
    if (!parsed.ok) {
      const { error } = parsed;
      if (error.answerable) this.sendError(error.id, error.kind, error.message);
      else this.deps.metrics.rejected('frame', errorCodeFor(version, error.kind));
      return;
    }
    const frame = parsed.frame;
    if (this.deps.frames) this.logInbound(frame, text);
    switch (frame.type) {
      case MessageType.Call:
        if (this.pendingIds.has(frame.id)) {
          this.sendError(frame.id, 'RpcFrameworkError', `Already handling a call with message id ${frame.id}`);
          return;
        }
        if (!this.mailbox.post(frame)) {
          this.sendError(frame.id, version === 'ocpp1.6' ? 'GenericError' : 'RpcFrameworkError', 'Too many calls in flight');
          return;
        }
        this.pendingIds.add(frame.id);
        return;
      case MessageType.Send:
        this.mailbox.post(frame);
        return;
      case MessageType.CallResult:
        if (!this.outbound?.onResult(frame)) this.deps.log.warn({ id: frame.id }, 'CALLRESULT for no call in flight');
        return;
      case MessageType.CallError:
        if (!this.outbound?.onError(frame)) this.deps.log.warn({ id: frame.id }, 'CALLERROR for no call in flight');
        return;
      case MessageType.CallResultError:
        this.deps.log.warn({ id: frame.id, code: frame.code, description: frame.description }, 'station refused our CALLRESULT');
        return;
    }
  }

  private logInbound(frame: Frame, text: string): void {
    const action = frame.type === MessageType.Call || frame.type === MessageType.Send ? frame.action : (this.outbound?.actionOf(frame.id) ?? null);
    this.deps.frames!.record(this.session, 'in', frame.type, frame.id, action, text);
  }

  /** Sends a CSMS→station call; validated here, queued behind any call in flight. */
  call(action: string, payload: Payload): Promise<CallOutcome> {
    const validators = this.deps.schemas.actions.get(action);
    if (!validators || !isCsmsInitiated(this.session.version, action, this.deps.schemas.actionNames)) return Promise.reject(new CallFailure('unknown-action', `${action} is not a CSMS-initiated action of ${this.session.version}`));
    const violation = checkPayload(validators.request, payload);
    if (violation) {
      return Promise.reject(new CallFailure('invalid-request', `Invalid ${action} request: ${violation.message}`, violation.errors));
    }
    const outcome = this.outboundCalls().call(action, payload);
    outcome.then(
      (o) => this.deps.metrics.outbound(action, o.kind === 'result' ? 'ok' : o.code),
      (e: CallFailure) => this.deps.metrics.outbound(action, e.reason),
    );
    return outcome;
  }

  /** The socket is gone: fail pending calls, drop queued work. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.outbound?.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private outboundCalls(): OutboundCalls {
    // Created on first use: most stations rarely receive calls, and idle memory counts.
    this.outbound ??= new OutboundCalls({
      send: (text) => !this.closed && this.transport.send(text),
      timeoutMs: this.deps.settings.callTimeoutMs,
      maxQueued: this.deps.settings.maxQueuedCalls,
      checkResponse: (action, payload) => {
        const validate = this.deps.schemas.actions.get(action)?.response;
        return validate ? checkPayload(validate, payload)?.message : undefined;
      },
      onSent: (id, action, text) => this.deps.frames?.record(this.session, 'out', MessageType.Call, id, action, text),
      onInvalidResponse: (id, reason) => {
        if (this.session.version === 'ocpp2.1') this.sendError(id, 'FormatViolation', reason, MessageType.CallResultError);
      },
    });
    if (this.closed) this.outbound.close();
    return this.outbound;
  }

  private async handle(frame: Inbound): Promise<void> {
    const started = performance.now();
    const ctx: HandlerContext = {
      session: this.session,
      state: this.state,
      store: this.deps.store,
      events: this.deps.events,
      clock: this.deps.clock,
      settings: this.deps.settings,
    };
    const outcome = await this.deps.router.route(ctx, frame.action, frame.payload);
    const seconds = (performance.now() - started) / 1000;
    if (frame.type === MessageType.Send) {
      this.deps.metrics.inbound(frame.action, outcome.ok ? 'ok' : errorCodeFor(this.session.version, outcome.error.kind), seconds);
      return; // SEND has no answer, not even on error.
    }
    this.pendingIds.delete(frame.id);
    if (outcome.ok) {
      this.deps.metrics.inbound(frame.action, 'ok', seconds);
      const text = serializeCallResult(frame.id, outcome.payload);
      if (!this.closed) this.transport.send(text);
      this.deps.frames?.record(this.session, 'out', MessageType.CallResult, frame.id, frame.action, text);
    } else {
      this.deps.metrics.inbound(frame.action, errorCodeFor(this.session.version, outcome.error.kind), seconds);
      this.sendError(frame.id, outcome.error.kind, outcome.error.message, MessageType.CallError, outcome.error.details, frame.action);
    }
  }

  private sendError(
    id: string,
    kind: RpcErrorKind,
    message: string,
    type: 4 | 5 = MessageType.CallError,
    details: Record<string, unknown> = {},
    action: string | null = null,
  ): void {
    const code = errorCodeFor(this.session.version, kind);
    const text = serializeCallError(id, code, message, details, type);
    this.deps.frames?.record(this.session, 'out', type, id, action, text);
    this.deps.metrics.rejected(type === MessageType.CallError ? 'call' : 'frame', code);
    if (!this.closed) this.transport.send(text);
  }
}

