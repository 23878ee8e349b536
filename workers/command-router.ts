import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { errors } from '@nats-io/transport-node';
import { failedReply, newCorrelationId, type StationCall, type StationReply } from '../core/envelope.js';
import { isOcppVersion } from '../core/protocols.js';
import type { StationCaller } from '../core/ports/station-caller.js';
import { ALL_COMMANDS, commandSubject, parseCommandSubject } from '../adapters/bus/nats-subjects.js';

/** What the node holding stations offers the router: the station-commands service's local path. */
export interface LocalCommands {
  /** Answered synchronously, so the nodes that do not hold the station stay silent at once. */
  holds(tenantId: string, stationId: string): boolean;
  /** Runs the action's effects on this node and calls the station. */
  sendLocal(call: StationCall): Promise<StationReply>;
}

type Target = { tenantId: string; stationId: string; action: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The StationCall a request on `csms.<tenant>.cmd.<stationId>.<Action>` stands for. The body is
 * a StationCall (`v: 1`, `payload`, optional `correlationId` and `protocol`); integrators may send
 * the bare OCPP payload instead. The subject names the station: a body naming another one is refused.
 */
export function callFromRequest(target: Target, data: Uint8Array): StationCall | StationReply {
  let body: unknown = {};
  if (data.length > 0) {
    try {
      body = JSON.parse(new TextDecoder().decode(data));
    } catch {
      return failedReply('invalid-request', 'Request body is not JSON');
    }
  }
  if (!isObject(body)) return failedReply('invalid-request', 'Request body must be a JSON object');
  if (body.v !== 1 || !isObject(body.payload)) return { v: 1, correlationId: newCorrelationId(), ...target, payload: body };
  for (const field of ['tenantId', 'stationId', 'action'] as const) {
    if (body[field] !== undefined && body[field] !== target[field]) {
      return failedReply('invalid-request', `The body's ${field} '${String(body[field])}' differs from the subject's '${target[field]}'`);
    }
  }
  if (body.protocol !== undefined && (typeof body.protocol !== 'string' || !isOcppVersion(body.protocol))) {
    return failedReply('invalid-request', `Unknown protocol '${String(body.protocol)}'`);
  }
  const correlationId = typeof body.correlationId === 'string' && body.correlationId !== '' ? body.correlationId : newCorrelationId();
  return { v: 1, correlationId, ...target, ...(body.protocol ? { protocol: body.protocol } : {}), payload: body.payload };
}

/**
 * The serving side of commands over NATS request/reply. Every node listens on `csms.*.cmd.*.*`;
 * only the node holding the station (in the subject's tenant) answers, the others stay silent,
 * so a command reaches the station wherever it is connected, whoever sends it (REST API of any
 * node or an integrator). A station of another tenant is never answered: it looks exactly like an
 * absent one. The reply is the StationReply JSON (with the service's `facts`, if any).
 */
export class CommandRouter {
  private sub: Subscription | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly local: LocalCommands,
    private readonly onError: (error: unknown) => void,
  ) {}

  listen(): void {
    this.sub = this.nc.subscribe(ALL_COMMANDS, { callback: (error, msg) => (error ? undefined : this.serve(msg)) });
  }

  private serve(msg: Msg): void {
    if (!msg.reply) return;
    const target = parseCommandSubject(msg.subject);
    if (!target || !this.local.holds(target.tenantId, target.stationId)) return;
    const call = callFromRequest(target, msg.data);
    const answer = 'status' in call ? Promise.resolve(call) : this.local.sendLocal(call);
    answer
      .catch((error: unknown) => failedReply('internal', `Command failed on this node: ${(error as Error).message}`))
      .then((reply) => msg.respond(JSON.stringify(reply)))
      .catch(this.onError);
  }

  close(): void {
    this.sub?.unsubscribe();
  }
}

const STATUSES = new Set(['result', 'callerror', 'failed']);

/** The cluster directory's answer for a station: the tenant it is connected in, if anywhere. */
export type DirectoryLookup = (stationId: string) => Promise<{ tenantId: string } | undefined>;

/**
 * The sending side: a StationCaller for stations held by other nodes. With the directory, a
 * station connected nowhere in the call's tenant is `disconnected` at once; without it (or when
 * the entry is stale) every node stays silent and the call times out. The holding node's own call
 * timeout answers first, so a timeout here means a node in trouble.
 */
export class NatsStationCaller implements StationCaller {
  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
    private readonly lookup?: DirectoryLookup,
  ) {}

  async call(call: StationCall): Promise<StationReply> {
    if (this.lookup && (await this.lookup(call.stationId))?.tenantId !== call.tenantId) {
      return failedReply('disconnected', `Station ${call.stationId} is not connected to any node`);
    }
    let msg: Msg;
    try {
      msg = await this.nc.request(commandSubject(call.tenantId, call.stationId, call.action), JSON.stringify(call), { timeout: this.timeoutMs });
    } catch (error) {
      if (error instanceof errors.RequestError || error instanceof errors.NoRespondersError) {
        return failedReply('disconnected', `Station ${call.stationId} is not connected to any node`);
      }
      if (error instanceof errors.TimeoutError) return failedReply('timeout', `No node answered for station ${call.stationId} within ${this.timeoutMs} ms`);
      return failedReply('send-failed', `NATS request failed: ${(error as Error).message}`);
    }
    let reply: unknown;
    try {
      reply = msg.json();
    } catch {
      return failedReply('internal', 'The holding node answered with a body that is not JSON');
    }
    if (!isObject(reply) || reply.v !== 1 || !STATUSES.has(reply.status as string)) {
      return failedReply('internal', 'The holding node answered with an unknown reply shape');
    }
    return reply as StationReply;
  }
}
