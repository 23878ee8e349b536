import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { errors } from '@nats-io/transport-node';
import type { Payload } from '../core/frame.js';
import { CallFailure, type CallFailureReason, type CallOutcome } from '../actors/outbound-calls.js';
import { ALL_COMMANDS, commandSubject, parseCommandSubject } from '../adapters/bus/nats-subjects.js';

/** The reply on `csms.<tenant>.cmd.<stationId>.<Action>` (documented in docs/nats-subjects.md). */
export type CommandReply =
  | { v: 1; status: 'result'; payload: Payload }
  | { v: 1; status: 'callerror'; code: string; description: string; details: Payload }
  | { v: 1; status: 'failed'; reason: CallFailureReason; message: string; details?: unknown };

export interface LocalStations {
  /** The tenant of a station connected to this node, if it is. */
  tenantOf(stationId: string): string | undefined;
  call(stationId: string, action: string, payload: Payload): Promise<CallOutcome>;
}

/**
 * Commands over NATS request/reply. Every node listens on `csms.*.cmd.*.*`; only the node
 * holding the station (in the subject's tenant) answers, the others stay silent, so a command
 * reaches the station wherever it is connected, whoever sends it (REST API of any node or an
 * integrator). A station of another tenant is never answered: it looks exactly like an absent one.
 */
export class CommandRouter {
  private sub: Subscription | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly local: LocalStations,
    private readonly onError: (error: unknown) => void,
  ) {}

  listen(): void {
    this.sub = this.nc.subscribe(ALL_COMMANDS, {
      callback: (error, msg) => {
        if (error || !msg.reply) return;
        const target = parseCommandSubject(msg.subject);
        if (!target || this.local.tenantOf(target.stationId) !== target.tenantId) return;
        let payload: Payload;
        try {
          payload = msg.data.length === 0 ? {} : msg.json<Payload>();
        } catch {
          msg.respond(JSON.stringify({ v: 1, status: 'failed', reason: 'invalid-request', message: 'Request body is not JSON' } satisfies CommandReply));
          return;
        }
        this.local.call(target.stationId, target.action, payload).then(
          (outcome) =>
            msg.respond(JSON.stringify(outcome.kind === 'result'
              ? ({ v: 1, status: 'result', payload: outcome.payload } satisfies CommandReply)
              : ({ v: 1, status: 'callerror', code: outcome.code, description: outcome.description, details: outcome.details } satisfies CommandReply))),
          (failure) => {
            const f = failure instanceof CallFailure ? failure : new CallFailure('send-failed', String(failure));
            msg.respond(JSON.stringify({ v: 1, status: 'failed', reason: f.reason, message: f.message, details: f.details } satisfies CommandReply));
          },
        ).catch(this.onError);
      },
    });
  }

  /** Sends a command to whichever node holds the station; failures come back as CallFailure. */
  async call(tenantId: string, stationId: string, action: string, payload: Payload, timeoutMs: number): Promise<CallOutcome> {
    let reply: CommandReply;
    try {
      const msg = await this.nc.request(commandSubject(tenantId, stationId, action), JSON.stringify(payload), { timeout: timeoutMs });
      reply = msg.json<CommandReply>();
    } catch (error) {
      // No responders (or NATS down) arrives as a RequestError; a silent subject as a TimeoutError.
      if (error instanceof errors.RequestError || error instanceof errors.NoRespondersError) {
        throw new CallFailure('disconnected', `Station ${stationId} is not connected to any node`);
      }
      if (error instanceof errors.TimeoutError) throw new CallFailure('timeout', `No node answered for station ${stationId} within ${timeoutMs} ms`);
      throw error;
    }
    if (reply.status === 'result') return { kind: 'result', payload: reply.payload };
    if (reply.status === 'callerror') return { kind: 'error', code: reply.code, description: reply.description, details: reply.details };
    throw new CallFailure(reply.reason, reply.message, reply.details);
  }

  close(): void {
    this.sub?.unsubscribe();
  }
}
