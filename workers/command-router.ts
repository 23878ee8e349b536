import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { errors } from '@nats-io/transport-node';
import { failedReply, newCorrelationId, type StationCall, type StationReply } from '../core/envelope.js';
import { isOcppVersion } from '../core/protocols.js';
import type { StationCaller } from '../core/ports/station-caller.js';
import { ALL_COMMANDS, COMMAND_QUEUE, nodeCommandSubject, nodePingSubject, parseCommandSubject } from '../adapters/bus/nats-subjects.js';

/** What a node offers the router: the station-commands service. */
export interface LocalCommands {
  /** Whether this node holds the station's connection in that tenant (answered synchronously). */
  holds(tenantId: string, stationId: string): boolean;
  /** Runs the action's effects on this node and calls the station. */
  sendLocal(call: StationCall): Promise<StationReply>;
  /** Any call, wherever the station is (locates it and forwards it); for integrators' requests. */
  send?(call: StationCall): Promise<StationReply>;
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

/** A StationCall another node forwarded: the envelope, checked field by field. */
export function callFromNode(data: Uint8Array): StationCall | StationReply {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return failedReply('invalid-request', 'Request body is not JSON');
  }
  if (!isObject(body) || body.v !== 1 || !isObject(body.payload)) return failedReply('invalid-request', 'Request body must be a StationCall (v: 1)');
  for (const field of ['tenantId', 'stationId', 'action', 'correlationId'] as const) {
    if (typeof body[field] !== 'string' || body[field] === '') return failedReply('invalid-request', `StationCall without ${field}`);
  }
  if (body.protocol !== undefined && (typeof body.protocol !== 'string' || !isOcppVersion(body.protocol))) {
    return failedReply('invalid-request', `Unknown protocol '${String(body.protocol)}'`);
  }
  return body as unknown as StationCall;
}

/**
 * The serving side of commands over NATS, two subscriptions per node:
 * - `_csms.node.<nodeId>.cmd`: calls other nodes address to this one because the directory says
 *   it holds the station. Only this node listens. A station it does not hold (any more, or not
 *   in that tenant) is answered at once with `stale-location`, so the sender looks again.
 * - `csms.<tenant>.cmd.<stationId>.<Action>` (the integrators' API), in one queue group: each
 *   request reaches one node, which sends it like its own REST API would (locally, or on to the
 *   holding node's subject). A station of another tenant looks exactly like an absent one.
 * The reply is the StationReply JSON (with the service's `facts`, if any).
 */
export class CommandRouter {
  private subs: Subscription[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly nodeId: string,
    private readonly local: LocalCommands,
    private readonly onError: (error: unknown) => void,
  ) {}

  listen(): void {
    this.subs = [
      this.nc.subscribe(nodeCommandSubject(this.nodeId), { callback: (error, msg) => (error ? undefined : this.serveNode(msg)) }),
      this.nc.subscribe(ALL_COMMANDS, { queue: COMMAND_QUEUE, callback: (error, msg) => (error ? undefined : this.serveIntegrator(msg)) }),
      this.nc.subscribe(nodePingSubject(this.nodeId), { callback: (error, msg) => {
        if (!error) msg.respond();
      } }),
    ];
  }

  private serveNode(msg: Msg): void {
    if (!msg.reply) return;
    const call = callFromNode(msg.data);
    if ('status' in call) return this.answer(msg, Promise.resolve(call));
    if (!this.local.holds(call.tenantId, call.stationId)) {
      return this.answer(msg, Promise.resolve(failedReply('stale-location', `Station ${call.stationId} is not connected to node ${this.nodeId}`)));
    }
    this.answer(msg, this.local.sendLocal(call));
  }

  private serveIntegrator(msg: Msg): void {
    if (!msg.reply) return;
    const target = parseCommandSubject(msg.subject);
    if (!target) return;
    const call = callFromRequest(target, msg.data);
    if ('status' in call) return this.answer(msg, Promise.resolve(call));
    const send = this.local.send;
    this.answer(msg, send ? send(call) : Promise.resolve(failedReply('internal', 'This node is still starting')));
  }

  private answer(msg: Msg, reply: Promise<StationReply>): void {
    reply
      .catch((error: unknown) => failedReply('internal', `Command failed on node ${this.nodeId}: ${(error as Error).message}`))
      .then((r) => msg.respond(JSON.stringify(r)))
      .catch(this.onError);
  }

  close(): void {
    for (const sub of this.subs) sub.unsubscribe();
    this.subs = [];
  }
}

const STATUSES = new Set(['result', 'callerror', 'failed']);

/** The directory's answer for a station: the node holding it and the tenant it is connected in. */
export type NodeResolver = (stationId: string, options: { fresh: boolean }) => Promise<{ nodeId: string; tenantId: string } | undefined>;

/** How a node-addressed request went; `retry`: the call never ran, safe to send again after looking again. */
type Sent = { reply: StationReply; retry: boolean };

/**
 * The sending side: a StationCaller for stations held by other nodes. The directory names the
 * node; the call goes to that node's own subject. When that node says it does not hold the
 * station (`stale-location`) or does not answer at all (`node-unavailable`: no subscriber), the
 * call never ran, so the caller looks again without the cache and tries the node named then,
 * once. What is still wrong after that is the reply: `disconnected` when the directory names
 * nobody, `stale-location` (409) or `node-unavailable` (503) otherwise; never a hang. The holding
 * node's own call timeout answers before this caller's (a timeout here means a node in trouble).
 */
export class NatsStationCaller implements StationCaller {
  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
    private readonly resolve: NodeResolver,
    private readonly onRetry?: (info: { stationId: string; nodeId: string; reason: string; nowOn: string | undefined }) => void,
  ) {}

  async call(call: StationCall): Promise<StationReply> {
    const first = await this.resolve(call.stationId, { fresh: false });
    if (first?.tenantId !== call.tenantId) return notConnected(call.stationId);
    const { reply, retry } = await this.request(first.nodeId, call);
    if (!retry) return reply;
    const fresh = await this.resolve(call.stationId, { fresh: true });
    this.onRetry?.({ stationId: call.stationId, nodeId: first.nodeId, reason: (reply as { reason: string }).reason, nowOn: fresh?.nodeId });
    if (fresh?.tenantId !== call.tenantId) return notConnected(call.stationId);
    if (fresh.nodeId === first.nodeId) return reply;
    return (await this.request(fresh.nodeId, call)).reply;
  }

  private async request(nodeId: string, call: StationCall): Promise<Sent> {
    let msg: Msg;
    try {
      msg = await this.nc.request(nodeCommandSubject(nodeId), JSON.stringify(call), { timeout: this.timeoutMs });
    } catch (error) {
      if (noResponders(error)) return { reply: unavailable(nodeId, call.stationId), retry: true };
      if (error instanceof errors.TimeoutError) {
        // A slow node, or one that died with the call (killed before NATS noticed): ask it.
        // Not retried either way: the call may have run.
        const gone = await this.nc.request(nodePingSubject(nodeId), undefined, { timeout: 1000 }).then(() => false, (e: unknown) => noResponders(e));
        if (gone) return { reply: unavailable(nodeId, call.stationId), retry: false };
        return { reply: failedReply('timeout', `Node ${nodeId} did not answer for station ${call.stationId} within ${this.timeoutMs} ms`), retry: false };
      }
      return { reply: failedReply('send-failed', `NATS request failed: ${(error as Error).message}`), retry: false };
    }
    const reply = replyFrom(msg);
    // The node does not hold the station (the entry was stale): it did not run the call.
    return { reply, retry: reply.status === 'failed' && reply.reason === 'stale-location' };
  }
}

const noResponders = (error: unknown) => error instanceof errors.RequestError || error instanceof errors.NoRespondersError;

function unavailable(nodeId: string, stationId: string): StationReply {
  return failedReply('node-unavailable', `Node ${nodeId}, which the directory names for station ${stationId}, does not answer`, { nodeId });
}

function replyFrom(msg: Msg): StationReply {
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

function notConnected(stationId: string): StationReply {
  return failedReply('disconnected', `Station ${stationId} is not connected to any node`);
}
