import { failedReply, type StationMessage, type StationReply } from '../core/envelope.js';
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
import { refusedBeforeAccepted, requestedFollowUp } from '../core/boot-policy.js';
import { checkPayload, type VersionSchemas } from '../core/schemas.js';
import { redactPasswordFrame } from '../core/station-password.js';
import type { Dispatcher } from './dispatcher.js';
import type { StationSession } from './handler-context.js';
import { Mailbox } from './mailbox.js';
import { OutboundCalls } from './outbound-calls.js';
import type { RouteOutcome, Router } from './router.js';
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
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ActorDeps {
  schemas: VersionSchemas;
  router: Router;
  settings: {
    callTimeoutMs: number;
    mailboxCapacity: number;
    maxQueuedCalls: number;
  };
  metrics: ActorMetrics;
  log: ActorLog;
  dispatcher?: Dispatcher;
  /** Message log / frame mirror; absent when both are off. */
  frames?: FrameSink;
  /** The dashboard's per-tenant counters of frames received and CALLERRORs sent (core/rate-series.ts). */
  rates?: { count(tenantId: string, kind: 'messages' | 'callErrors'): void };
}

interface Inbound {
  frame: CallFrame | SendFrame;
  text: string;
  receivedAt: string;
}

/**
 * One connected station on its socket's thread. Inbound CALLs are handled strictly in order
 * through a bounded mailbox (each crosses once to the handler thread); answers to our own
 * calls bypass the mailbox so they can never deadlock behind it.
 */
export class StationActor {
  lastSeenAt = Date.now();
  private readonly mailbox: Mailbox<Inbound>;
  private outbound: OutboundCalls | undefined;
  /** Ids of inbound CALLs queued or being handled; OCPP ids must be unique among those. */
  private readonly pendingIds = new Set<string>();
  private closed = false;
  /** CALLERROR log lines of the current 10 s window; created on the first one. */
  private errorLog: { since: number; lines: number; suppressed: number } | undefined;
  /** How the CSMS answered this connection's last BootNotification (read off the answer as it passes); null before one. */
  private registration: string | null = null;
  /** Actions a TriggerMessage asked for while not Accepted: allowed until the next boot answer (B02.FR.09). */
  private readonly triggered = new Set<string>();

  constructor(
    readonly session: StationSession,
    private readonly transport: StationTransport,
    private readonly deps: ActorDeps,
  ) {
    this.mailbox = new Mailbox<Inbound>({
      invoke: (inbound) => this.handle(inbound),
      capacity: deps.settings.mailboxCapacity,
      onFailure: (error, inbound) => deps.log.error({ err: error, action: inbound.frame.action }, 'mailbox failure'),
      dispatcher: deps.dispatcher,
    });
  }

  /** Entry point for every text frame from the station. */
  receive(text: string): void {
    this.lastSeenAt = Date.now();
    this.deps.rates?.count(this.session.tenantId, 'messages');
    const { version } = this.session;
    const parsed = parseFrame(text, version === 'ocpp2.1');
    if (!parsed.ok) {
      const { error } = parsed;
      if (error.answerable) this.sendError(error.id, error.kind, error.message);
      else this.deps.metrics.rejected('frame', errorCodeFor(version, error.kind));
      return;
    }
    const frame = parsed.frame;
    switch (frame.type) {
      case MessageType.Call:
        if (this.pendingIds.has(frame.id)) {
          this.logInbound(frame, text);
          this.sendError(frame.id, 'RpcFrameworkError', `Already handling a call with message id ${frame.id}`);
          return;
        }
        // Marked before posting: an idle mailbox handles (and may answer) the call inside post().
        this.pendingIds.add(frame.id);
        if (!this.mailbox.post({ frame, text, receivedAt: new Date().toISOString() })) {
          this.pendingIds.delete(frame.id);
          this.logInbound(frame, text);
          this.sendError(frame.id, version === 'ocpp1.6' ? 'GenericError' : 'RpcFrameworkError', 'Too many calls in flight');
        }
        return;
      case MessageType.Send:
        this.mailbox.post({ frame, text, receivedAt: new Date().toISOString() });
        return;
      case MessageType.CallResult:
        this.logInbound(frame, text);
        if (!this.outbound?.onResult(frame)) this.deps.log.warn({ id: frame.id }, 'CALLRESULT for no call in flight');
        return;
      case MessageType.CallError: {
        this.logInbound(frame, text);
        const action = this.outbound?.actionOf(frame.id);
        if (!this.outbound?.onError(frame)) this.deps.log.warn({ id: frame.id }, 'CALLERROR for no call in flight');
        else this.logCallError({ action, code: frame.code, description: frame.description, id: frame.id }, 'CALLERROR received');
        return;
      }
      case MessageType.CallResultError:
        this.logInbound(frame, text);
        this.deps.log.warn({ id: frame.id, code: frame.code, description: frame.description }, 'station refused our CALLRESULT');
        return;
    }
  }

  /** Frames the handler thread does not see go to the sink here (it logs the ones it handles). */
  private logInbound(frame: Frame, text: string): void {
    if (!this.deps.frames) return;
    const action = frame.type === MessageType.Call || frame.type === MessageType.Send ? frame.action : (this.outbound?.actionOf(frame.id) ?? null);
    this.deps.frames.record(this.session, 'in', frame.type, frame.id, action, text);
  }

  /** Sends a CSMS→station call; validated here, queued behind any call in flight. Never rejects. */
  call(action: string, payload: Payload): Promise<StationReply> {
    const validators = this.deps.schemas.actions.get(action);
    if (!validators || !isCsmsInitiated(this.session.version, action, this.deps.schemas.actionNames)) {
      return Promise.resolve(failedReply('unknown-action', `${action} is not a CSMS-initiated action of ${this.session.version}`));
    }
    const violation = checkPayload(validators.request, payload);
    if (violation) return Promise.resolve(failedReply('invalid-request', `Invalid ${action} request: ${violation.message}`, violation.errors));
    if (this.registration !== null && this.registration !== 'Accepted') {
      const followUp = requestedFollowUp(action, payload);
      if (followUp) this.triggered.add(followUp);
    }
    const reply = this.outboundCalls().call(action, payload);
    void reply.then((r) => this.deps.metrics.outbound(action, r.status === 'result' ? 'ok' : r.status === 'callerror' ? r.code : r.reason));
    return reply;
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
      // A new station password never reaches the message log (only its hash is kept).
      onSent: (id, action, text) => this.deps.frames?.record(this.session, 'out', MessageType.Call, id, action, redactPasswordFrame(text)),
      onInvalidResponse: (id, reason) => {
        if (this.session.version === 'ocpp2.1') this.sendError(id, 'FormatViolation', reason, MessageType.CallResultError);
      },
    });
    if (this.closed) this.outbound.close();
    return this.outbound;
  }

  /** Returns a promise only while the message waits for the handler thread. */
  private handle(inbound: Inbound): void | Promise<void> {
    const started = performance.now();
    const { frame, text, receivedAt } = inbound;
    const { tenantId, stationId, version } = this.session;
    const message: StationMessage = {
      v: 1,
      tenantId,
      stationId,
      protocol: version,
      messageId: frame.id,
      action: frame.action,
      messageType: frame.type,
      frame: text,
      receivedAt,
    };
    if (frame.type === MessageType.Call && refusedBeforeAccepted(version, this.registration, frame.action, this.triggered)) {
      // 2.x B02.FR.09 / B03.FR.07: decided here from the boot answer this actor saw, no thread hop.
      const message = `${frame.action} refused: the station is ${this.registration}; only BootNotification and triggered messages are allowed`;
      return this.answer(inbound, { ok: false, code: errorCodeFor(version, 'SecurityError'), message, details: {}, forwarded: false }, started);
    }
    const outcome = this.deps.router.route(message, frame.payload);
    if (outcome instanceof Promise) return outcome.then((o) => this.answer(inbound, o, started));
    this.answer(inbound, outcome, started);
  }

  private answer({ frame, text }: Inbound, outcome: RouteOutcome, started: number): void {
    if (!outcome.forwarded) this.logInbound(frame, text);
    const seconds = (performance.now() - started) / 1000;
    if (frame.type === MessageType.Send) {
      this.deps.metrics.inbound(frame.action, outcome.ok ? 'ok' : outcome.code, seconds);
      return; // SEND has no answer, not even on error.
    }
    this.pendingIds.delete(frame.id);
    if (outcome.ok) {
      if (frame.action === 'BootNotification') {
        this.registration = typeof outcome.payload.status === 'string' ? outcome.payload.status : null;
        this.triggered.clear();
      }
      this.deps.metrics.inbound(frame.action, 'ok', seconds);
      const reply = serializeCallResult(frame.id, outcome.payload);
      if (!this.closed) this.transport.send(reply);
      this.deps.frames?.record(this.session, 'out', MessageType.CallResult, frame.id, frame.action, reply);
    } else {
      this.deps.metrics.inbound(frame.action, outcome.code, seconds);
      this.sendSpelled(frame.id, outcome.code, outcome.message, MessageType.CallError, outcome.details, frame.action);
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
    this.sendSpelled(id, errorCodeFor(this.session.version, kind), message, type, details, action);
  }

  /** `code` is already spelled for the station's version. */
  private sendSpelled(id: string, code: string, message: string, type: 4 | 5, details: Record<string, unknown>, action: string | null): void {
    const text = serializeCallError(id, code, message, details, type);
    this.logCallError({ action, code, description: message, id }, type === MessageType.CallError ? 'CALLERROR sent' : 'CALLRESULTERROR sent');
    this.deps.frames?.record(this.session, 'out', type, id, action, text);
    this.deps.metrics.rejected(type === MessageType.CallError ? 'call' : 'frame', code);
    this.deps.rates?.count(this.session.tenantId, 'callErrors');
    if (!this.closed) this.transport.send(text);
  }

  /**
   * CALLERRORs either way are worth an operator's line, but a station sending garbage must not
   * flood the log: at most 20 lines per station per 10 s, the next one says how many were left out.
   */
  private logCallError(fields: Record<string, unknown>, message: string): void {
    const now = Date.now();
    const log = this.errorLog && now - this.errorLog.since < 10_000 ? this.errorLog : (this.errorLog = { since: now, lines: 0, suppressed: this.errorLog?.suppressed ?? 0 });
    if (log.lines >= 20) {
      log.suppressed++;
      return;
    }
    log.lines++;
    const { tenantId, stationId } = this.session;
    this.deps.log.info({ stationId, tenantId, ...fields, ...(log.suppressed ? { suppressed: log.suppressed } : {}) }, message);
    log.suppressed = 0;
  }
}
