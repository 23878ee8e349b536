import { Counter, Gauge, type Registry } from 'prom-client';
import type { CsmsConfig } from '../core/config.js';
import { failedReply, type StationCall, type StationReply } from '../core/envelope.js';
import type { RemoteNodes, StationCommands } from '../actors/commands/station-commands.js';
import { NatsBus } from '../adapters/bus/nats-bus.js';
import { connectNats } from '../adapters/bus/nats-connect.js';
import { LOGIN_FORGET_SUBJECT } from '../adapters/bus/nats-subjects.js';
import { CommandRouter, NatsStationCaller } from './command-router.js';
import type { CsmsNode } from './csms-node.js';
import { StationDirectory, type DirectoryEntry } from './station-directory.js';

type Log = {
  error(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
};

/** Opens the NATS bus (NATS_URL), with the JetStream stream for durable events. */
export async function openNatsBus(config: CsmsConfig, log: Log): Promise<NatsBus> {
  const { natsUrl, nodeId, natsBufferSize } = config.controlPlane;
  const connection = await connectNats(natsUrl!, `switchyard-${nodeId}`);
  const bus = new NatsBus(connection, {
    bufferSize: natsBufferSize,
    onHandlerError: (error) => log.error({ err: error }, 'bus subscriber failed'),
    onPublishError: (error) => log.warn({ err: error }, 'NATS publish failed'),
  });
  await bus.ensureStreams();
  return bus;
}

/** Prometheus view of the bus outbox: buffered now, dropped since start. */
export function registerBusMetrics(registry: Registry, bus: NatsBus): void {
  new Gauge({
    name: 'csms_bus_buffered_messages',
    help: 'Events and frames held while NATS is unreachable',
    registers: [registry],
    collect() {
      this.set(bus.stats().buffered);
    },
  });
  new Counter({
    name: 'csms_bus_dropped_messages_total',
    help: 'Events and frames dropped because the NATS outbox was full or a publish failed',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(bus.stats().dropped);
    },
  });
  new Gauge({
    name: 'csms_bus_connected',
    help: '1 while connected to NATS',
    registers: [registry],
    collect() {
      this.set(bus.stats().connected ? 1 : 0);
    },
  });
}

/** Directory operations by kind, for the operator and the bench (csms_directory_operations_total). */
export function registerDirectoryMetrics(registry: Registry, directory: StationDirectory): void {
  new Counter({
    name: 'csms_directory_operations_total',
    help: 'Cluster directory operations of this node since start, by kind (KV get/create/update/delete, lease refreshes, displacement notices, lookups, cache hits)',
    labelNames: ['op'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [op, n] of Object.entries(directory.counts)) this.inc({ op }, n);
    },
  });
  new Gauge({
    name: 'csms_directory_live_nodes',
    help: 'Nodes whose lease in the cluster directory is alive, this one included',
    registers: [registry],
    collect() {
      this.set(directory.liveNodes().length);
    },
  });
}

export interface Cluster {
  readonly directory: StationDirectory;
  /** Finds a station on this node or any other (for the API). */
  locate(stationId: string): Promise<{ tenantId: string; version: DirectoryEntry['version'] } | undefined>;
  /** The other nodes, for the station-commands service: calls out, and their calls in (`serve`). */
  remote: RemoteNodes;
  /**
   * Every node (this one first) stops admitting the station from a remembered password: its
   * password or profile changed, or it was deleted. Resolves once each other live node confirmed,
   * or after LOGIN_FORGET_WAIT_MS (logged: a node that did not answer may admit the old one until
   * it restarts or hears the next change).
   */
  forgetLogin(stationId: string): Promise<void>;
  /** Graceful: waits for queued directory writes and releases this node's lease. */
  close(): Promise<void>;
}

/** How long a login change waits for the other nodes' confirmations. */
const LOGIN_FORGET_WAIT_MS = 2000;

/**
 * Takes this node's lease in the cluster directory (refused when another running node has the
 * same id: DuplicateNodeError). Done before the node starts, so nothing else has to be undone.
 */
export function openDirectory(bus: NatsBus, config: CsmsConfig, log: Log): Promise<StationDirectory> {
  const { nodeId, registryTtlSec } = config.controlPlane;
  return StationDirectory.open(bus.connection, {
    nodeId,
    ttlSec: registryTtlSec,
    log,
    onError: (error) => log.warn({ err: error }, 'cluster directory operation failed'),
  });
}

/**
 * Multi-node wiring over NATS: announces this node's stations in the directory on connect and
 * disconnect, answers commands addressed to this node, routes calls for stations it does not
 * hold to the node that does. Must be attached before `node.start()` so no connection goes
 * unannounced.
 */
export function attachCluster(node: CsmsNode, bus: NatsBus, directory: StationDirectory, config: CsmsConfig, log: Log): Cluster {
  const { nodeId } = config.controlPlane;
  const onError = (error: unknown) => log.warn({ err: error }, 'cluster operation failed');
  directory.listenForDisplacements((stationId, by) => {
    log.info({ stationId, nodeId: by }, 'station connected to another node: closing its connection here');
    node.disconnectStation(stationId);
  });
  // The station-commands service hands itself over when it is built, after the cluster.
  let commands: Pick<StationCommands, 'send' | 'sendLocal'> | undefined;
  const router = new CommandRouter(
    bus.connection,
    nodeId,
    {
      holds: (tenantId, stationId) => node.registry.get(stationId)?.tenantId === tenantId,
      sendLocal: (call: StationCall): Promise<StationReply> =>
        commands ? commands.sendLocal(call) : Promise.resolve(failedReply('internal', 'This node is still starting')),
      send: (call: StationCall): Promise<StationReply> =>
        commands ? commands.send(call) : Promise.resolve(failedReply('internal', 'This node is still starting')),
    },
    onError,
  );
  router.listen();
  // Remembered logins (workers/station-auth.ts) are per node: a change made anywhere reaches all.
  const forgetSub = bus.connection.subscribe(LOGIN_FORGET_SUBJECT, {
    callback: (error, msg) => {
      if (error) return;
      let body: { stationId?: unknown; nodeId?: unknown };
      try {
        body = msg.json();
      } catch {
        return;
      }
      if (typeof body.stationId !== 'string') return;
      const stationId = body.stationId;
      const done = body.nodeId === nodeId ? Promise.resolve() : node.forgetLogin(stationId);
      done.then(() => msg.respond(JSON.stringify({ nodeId })), onError);
    },
  });
  const forgetLogin = async (stationId: string): Promise<void> => {
    await node.forgetLogin(stationId);
    const others = directory.liveNodes().filter((id) => id !== nodeId);
    if (others.length === 0) return;
    const confirmed = new Set<string>();
    try {
      const replies = await bus.connection.requestMany(LOGIN_FORGET_SUBJECT, JSON.stringify({ stationId, nodeId }), {
        strategy: 'timer',
        maxWait: LOGIN_FORGET_WAIT_MS,
      });
      for await (const reply of replies) {
        const from = (reply.json() as { nodeId?: string }).nodeId;
        if (from && from !== nodeId) confirmed.add(from);
        if (others.every((id) => confirmed.has(id))) break;
      }
    } catch (error) {
      onError(error);
    }
    const silent = others.filter((id) => !confirmed.has(id));
    if (silent.length > 0) log.warn({ stationId, nodes: silent }, 'nodes did not confirm forgetting a station login: they may admit its old password until they restart');
    else log.info({ stationId, nodes: others.length }, 'station login forgotten on every node');
  };
  node.loginChanged = forgetLogin;
  void (async () => {
    for await (const status of bus.connection.status()) {
      if (status.type === 'reconnect') await directory.recover().catch(onError);
    }
  })();
  // Long enough that the holding node's own call timeout answers first (as a proper 504).
  const remoteTimeoutMs = config.callTimeoutSec * 1000 + 2000;
  node.presence = {
    connected: (stationId, location) =>
      directory.announce(stationId, { tenantId: location.tenantId, version: location.version, connectedAt: location.connectedAt }),
    disconnected: (stationId) => directory.withdraw(stationId),
  };
  const caller = new NatsStationCaller(
    bus.connection,
    remoteTimeoutMs,
    (stationId, { fresh }) => directory.lookup(stationId, { fresh }),
    (info) => {
      directory.invalidate(info.stationId);
      log.warn(info, 'directory entry was stale: looked the station up again');
    },
  );
  const remote: RemoteNodes = {
    call: (call) => caller.call(call),
    serve: (service) => {
      commands = service;
    },
  };
  return {
    directory,
    locate: async (stationId) => node.registry.get(stationId) ?? (await directory.lookup(stationId)),
    remote,
    forgetLogin,
    close: async () => {
      node.loginChanged = undefined;
      forgetSub.unsubscribe();
      router.close();
      await directory.close({ release: true });
    },
  };
}
