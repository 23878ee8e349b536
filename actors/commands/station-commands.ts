import { isStationInitiated } from '../../core/actions.js';
import { failedReply, stationCall, type BusEvent, type CallFailureReason, type StationCall, type StationReply } from '../../core/envelope.js';
import { CsmsError, ERRORS } from '../../core/errors.js';
import type { OcppVersion } from '../../core/protocols.js';
import type { StationCaller } from '../../core/ports/station-caller.js';
import type { Store } from '../../core/ports/store/store.js';
import type { CommandContext } from '../actions/command-spec.js';
import { NOT_SUPPORTED_OUTBOUND, commandSpecFor } from '../actions/csms-initiated.js';
import type { StationCommand } from './command.js';

/** Where a station is connected: on this node (with its protocol) or on another one. */
export interface StationWhereabouts {
  tenantId: string;
  protocol: OcppVersion;
  local: boolean;
}

export interface StationCommandsDeps {
  store: Store;
  publish(event: BusEvent): void;
  clock?: () => Date;
  /** Where a station is connected: on this node (with its protocol) or elsewhere; undefined when nowhere. */
  locate(stationId: string): Promise<StationWhereabouts | undefined>;
  /** This node's gateway threads. */
  local: StationCaller;
  /** Other nodes over NATS (absent on a single node). */
  remote?: RemoteNodes;
}

/**
 * The other nodes of a cluster: calls to their stations go out through `call`; calls from them to
 * ours come in through `serve`, which is handed this service at construction: `sendLocal` for
 * calls forwarded to this node (their effects run here, on the node holding the station), `send`
 * for integrators' requests any node may take.
 */
export interface RemoteNodes extends StationCaller {
  serve?(commands: Pick<StationCommands, 'send' | 'sendLocal'>): void;
}

/** How a typed command went. */
export interface CommandRun {
  reply: StationReply;
  /** The station's protocol and the action it was sent; absent when it is connected nowhere in the tenant. */
  sent?: { protocol: OcppVersion; action: string };
}

/**
 * The one way to send a CSMS-initiated call, used by every entry point (typed and generic REST,
 * NATS; later UI and OCPI). The node holding the station runs the action's `prepare` and
 * `onResult` (actors/actions/<family>/csms-initiated.ts), so an effect happens exactly once,
 * whoever sent the call.
 */
export interface StationCommands {
  /** Any OCPP call, wherever the station is connected; another tenant's station is simply not connected. */
  send(call: StationCall): Promise<StationReply>;
  /** The holding node's side of a call another node forwarded (NATS command router): never forwards again. */
  sendLocal(call: StationCall): Promise<StationReply>;
  /**
   * A version-neutral command: mapped for the station's protocol, then sent like `send`. Throws a
   * CsmsError (WRONG_PROTOCOL, VALIDATION_FAILED, TRANSACTION_NOT_FOUND) when the input cannot
   * be expressed for that station; every other outcome is in the reply.
   */
  run<In, Out>(tenantId: string, stationId: string, command: StationCommand<In, Out>, input: In): Promise<CommandRun>;
}

function notConnected(stationId: string): StationReply {
  return failedReply('disconnected', `Station ${stationId} is not connected`);
}

function unsendable(protocol: OcppVersion, action: string): StationReply {
  const refused = Object.hasOwn(NOT_SUPPORTED_OUTBOUND[protocol], action) ? NOT_SUPPORTED_OUTBOUND[protocol][action] : undefined;
  if (refused) return failedReply('unknown-action', `${action} is not sent by this CSMS: ${refused}`);
  if (isStationInitiated(protocol, action)) return failedReply('unknown-action', `${action} is sent by stations, not to them, in ${protocol}`);
  return failedReply('unknown-action', `${action} is not an action of ${protocol}`);
}

function withFacts(reply: StationReply, facts: Record<string, unknown>): StationReply {
  return Object.keys(facts).length > 0 ? { ...reply, facts } : reply;
}

export function createStationCommands(deps: StationCommandsDeps): StationCommands {
  const clock = deps.clock ?? (() => new Date());

  /** The station, if it is connected somewhere in this tenant. */
  async function find(tenantId: string, stationId: string): Promise<StationWhereabouts | undefined> {
    const where = await deps.locate(stationId);
    return where && where.tenantId === tenantId ? where : undefined;
  }

  /** The holding node's part: the action's hooks around the gateway call. */
  async function callHere(call: StationCall, protocol: OcppVersion): Promise<StationReply> {
    if (call.protocol && call.protocol !== protocol) {
      // It reconnected speaking another version since the payload was mapped.
      return failedReply('wrong-protocol', `Station ${call.stationId} now speaks ${protocol}, not ${call.protocol}`, { protocol });
    }
    const spec = commandSpecFor(protocol, call.action);
    if (!spec) return unsendable(protocol, call.action);
    const facts: Record<string, unknown> = {};
    const ctx: CommandContext = {
      tenantId: call.tenantId,
      stationId: call.stationId,
      protocol,
      store: deps.store,
      publish: (event) => deps.publish(event),
      clock,
      note: (name, value) => {
        facts[name] = value;
      },
    };
    let payload = call.payload;
    if (spec.prepare) {
      try {
        payload = await spec.prepare(ctx, payload);
      } catch (error) {
        // A refusal the action states (e.g. VALIDATION_FAILED: an id already used) keeps its meaning.
        const reason = error instanceof CsmsError ? (ERRORS[error.code] as { failureReason?: CallFailureReason }).failureReason : undefined;
        if (reason) return failedReply(reason, (error as Error).message, (error as CsmsError).details);
        return failedReply('internal', `Could not prepare ${call.action}: ${(error as Error).message}`);
      }
    }
    const reply = await deps.local.call({ ...call, protocol, payload });
    if (reply.status === 'result' && spec.onResult) {
      try {
        await spec.onResult(ctx, payload, reply.payload);
      } catch (error) {
        // The station did it; say that its effect is not recorded rather than pretend all is well.
        return withFacts(
          failedReply('internal', `Station answered ${call.action} but recording its effect failed: ${(error as Error).message}`, { result: reply.payload }),
          facts,
        );
      }
    }
    return withFacts(reply, facts);
  }

  async function dispatch(call: StationCall, where: StationWhereabouts): Promise<StationReply> {
    if (where.local) return callHere(call, where.protocol);
    return deps.remote ? deps.remote.call(call) : notConnected(call.stationId);
  }

  const commands: StationCommands = {
    async send(call) {
      const where = await find(call.tenantId, call.stationId);
      return where ? dispatch(call, where) : notConnected(call.stationId);
    },

    async sendLocal(call) {
      const where = await find(call.tenantId, call.stationId);
      return where?.local ? callHere(call, where.protocol) : notConnected(call.stationId);
    },

    async run(tenantId, stationId, command, input) {
      const where = await find(tenantId, stationId);
      if (!where) return { reply: notConnected(stationId) };
      const { protocol } = where;
      const resolved = command.resolve ? await command.resolve({ tenantId, stationId, protocol, store: deps.store }, input) : input;
      const { action, payload } = command.toOcpp(protocol, resolved);
      const call: StationCall = { ...stationCall(tenantId, stationId, action, payload), protocol };
      return { reply: await dispatch(call, where), sent: { protocol, action } };
    },
  };
  deps.remote?.serve?.(commands);
  return commands;
}
