import { Counter, Gauge, type Registry } from 'prom-client';
import type { CsmsConfig } from '../core/config.js';
import { failedReply, type StationCall, type StationReply } from '../core/envelope.js';
import type { RemoteNodes, StationCommands } from '../actors/commands/station-commands.js';
import { NatsBus } from '../adapters/bus/nats-bus.js';
import { connectNats } from '../adapters/bus/nats-connect.js';
import { CommandRouter, NatsStationCaller } from './command-router.js';
import type { CsmsNode } from './csms-node.js';
import { StationDirectory, type DirectoryEntry } from './station-directory.js';

type Log = { error(fields: Record<string, unknown>, message: string): void; warn(fields: Record<string, unknown>, message: string): void };

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

export interface Cluster {
  /** Finds a station on this node or any other (for the API). */
  locate(stationId: string): Promise<{ tenantId: string; version: DirectoryEntry['version'] } | undefined>;
  /** The other nodes, for the station-commands service: calls out, and their calls in (`serve`). */
  remote: RemoteNodes;
  close(): void;
}

/**
 * Multi-node wiring over NATS: announces this node's stations in the KV directory, answers
 * commands for them, and routes calls for stations it does not hold to the node that does.
 * Must be attached before `node.start()` so no connection goes unannounced.
 */
export async function attachCluster(node: CsmsNode, bus: NatsBus, config: CsmsConfig, log: Log): Promise<Cluster> {
  const { nodeId, registryTtlSec } = config.controlPlane;
  const onError = (error: unknown) => log.warn({ err: error }, 'cluster operation failed');
  const directory = await StationDirectory.open(bus.connection, nodeId, registryTtlSec, onError);
  await directory.watchDisplacements((stationId) => node.disconnectStation(stationId));
  // Commands for our stations run through the station-commands service (effects here, once);
  // it hands us its local path when it is built, after the cluster.
  let local: Pick<StationCommands, 'sendLocal'> | undefined;
  const router = new CommandRouter(
    bus.connection,
    {
      holds: (tenantId, stationId) => node.registry.get(stationId)?.tenantId === tenantId,
      sendLocal: (call: StationCall): Promise<StationReply> =>
        local ? local.sendLocal(call) : Promise.resolve(failedReply('internal', 'This node is still starting')),
    },
    onError,
  );
  router.listen();
  void (async () => {
    for await (const status of bus.connection.status()) {
      if (status.type === 'reconnect') await directory.recover(bus.connection, registryTtlSec).catch(onError);
    }
  })();
  // Long enough that the holding node's own call timeout answers first (as a proper 504).
  const remoteTimeoutMs = config.callTimeoutSec * 1000 + 2000;
  node.presence = {
    connected: (stationId, location) =>
      directory.announce(stationId, { tenantId: location.tenantId, version: location.version, connectedAt: location.connectedAt }),
    disconnected: (stationId) => directory.withdraw(stationId),
  };
  // No directory lookup here: the station-commands service located the station (and checked its tenant) already.
  const caller = new NatsStationCaller(bus.connection, remoteTimeoutMs);
  const remote: RemoteNodes = {
    call: (call) => caller.call(call),
    serve: (commands) => {
      local = commands;
    },
  };
  return {
    locate: async (stationId) => node.registry.get(stationId) ?? (await directory.lookup(stationId)),
    remote,
    close: () => {
      router.close();
      directory.close();
    },
  };
}
