import type { StationMessage, StationReply } from '../core/envelope.js';
import { errorCodeFor, RpcError, type RpcErrorKind } from '../core/errors.js';
import type { Payload } from '../core/frame.js';
import { checkPayload, type VersionSchemas } from '../core/schemas.js';
import type { GatewayAnswers } from './handler-context.js';

/** Where validated station messages go to be handled: the handler thread, or in-process in tests. */
export interface InboundPort {
  /** Handles the message and answers once its effects are durable. */
  handle(message: StationMessage): Promise<StationReply>;
  /**
   * Hands over a message the gateway answers itself: handled in order, nobody waits for the
   * handler. With the message log on it returns a promise that resolves once the frame is
   * committed to the log, and the answer waits for that: a frame that got a CALLRESULT is in the
   * log after a crash.
   */
  post(message: StationMessage): void | Promise<void>;
}

export type RouteOutcome =
  | { ok: true; payload: Payload; forwarded: true }
  | { ok: false; code: string; message: string; details: Record<string, unknown>; forwarded: boolean };

/**
 * The gateway's half of handling a CALL: unknown action → NotImplemented, known but unhandled →
 * NotSupported, invalid request → the schema's error kind. A message whose effects need not be
 * durable first (GatewayAnswer) is answered here and posted to the handler thread without
 * waiting: no thread round trip. Every other one makes one hop to the handler thread and back.
 * Either answer is checked against the response schema before it goes out.
 */
export class Router {
  constructor(
    private readonly schemas: VersionSchemas,
    private readonly handled: ReadonlySet<string>,
    private readonly inbound: InboundPort,
    private readonly onInternalError: (error: unknown, action: string) => void,
    private readonly answers: GatewayAnswers = {},
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Synchronous unless the message goes to the handler thread: the common paths allocate no promise. */
  route(message: StationMessage, payload: Payload): RouteOutcome | Promise<RouteOutcome> {
    const { action } = message;
    const validators = this.schemas.actions.get(action);
    if (!validators) return this.refuse(RpcError.notImplemented(action));
    if (!this.handled.has(action)) return this.refuse(RpcError.notSupported(action));
    const violation = checkPayload(validators.request, payload);
    if (violation) return this.refuse(new RpcError(violation.kind, violation.message, { errors: violation.errors }));
    const answer = this.answers[action]?.(payload, this.clock());
    if (answer) {
      const logged = this.inbound.post(message);
      if (!logged) return this.checked(action, validators.response, answer);
      return logged.then(
        () => this.checked(action, validators.response, answer),
        (error: unknown) => {
          // The frame could not be logged (store failing, handler thread gone): no acknowledgement.
          this.onInternalError(error, action);
          return this.internal(true);
        },
      );
    }
    return this.inbound.handle(message).then(
      (reply) => this.fromReply(action, validators.response, reply),
      (error: unknown) => {
        // The handler thread is gone or restarting: the station may retry, nothing was acknowledged.
        this.onInternalError(error, action);
        return this.internal(true);
      },
    );
  }

  private fromReply(action: string, validate: ((p: unknown) => boolean) | undefined, reply: StationReply): RouteOutcome {
    if (reply.status === 'callerror') return { ok: false, code: reply.code, message: reply.description, details: reply.details, forwarded: true };
    if (reply.status === 'failed') {
      this.onInternalError(new Error(reply.message), action);
      return this.internal(true);
    }
    return this.checked(action, validate, reply.payload);
  }

  private checked(action: string, validate: ((p: unknown) => boolean) | undefined, payload: Payload): RouteOutcome {
    if (validate) {
      const problem = checkPayload(validate as Parameters<typeof checkPayload>[0], payload);
      if (problem) {
        this.onInternalError(new Error(`Our ${action} response breaks its schema: ${problem.message}`), action);
        return this.internal(true);
      }
    }
    return { ok: true, payload, forwarded: true };
  }

  private refuse(error: RpcError): RouteOutcome {
    return { ok: false, code: this.code(error.kind), message: error.message, details: error.details, forwarded: false };
  }

  private internal(forwarded: boolean): RouteOutcome {
    const error = RpcError.internal();
    return { ok: false, code: this.code(error.kind), message: error.message, details: {}, forwarded };
  }

  private code(kind: RpcErrorKind): string {
    return errorCodeFor(this.schemas.version, kind);
  }
}
