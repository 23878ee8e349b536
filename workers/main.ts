import { createRequire } from 'node:module';
import { ConfigError, loadConfig, type CsmsConfig } from '../core/config.js';
import { openStore } from '../adapters/store/open-store.js';
import { MemoryBus } from '../adapters/bus/memory-bus.js';
import { buildApi } from '../api/server.js';
import { CsmsNode } from './csms-node.js';
import { createLogger } from './logger.js';
import { createCpuPool } from './pool.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Starts a whole node: store, bus, gateway threads, API. Returns a stop function. */
export async function startNode(config: CsmsConfig): Promise<{ stop: () => Promise<void> }> {
  const log = createLogger(config.logLevel, { thread: 'main' });
  const store = openStore(config);
  const bus = new MemoryBus((error) => log.error({ err: error }, 'bus subscriber failed'));
  const node = new CsmsNode(config, store, bus, log);
  await node.start();
  let pool: ReturnType<typeof createCpuPool> | undefined;
  const api = await buildApi(
    {
      store,
      stations: {
        location: (id) => node.registry.get(id),
        call: (id, action, payload) => node.callStation(id, action, payload),
        disconnect: (id) => node.disconnectStation(id),
        connectedCount: () => node.registry.size,
      },
      metrics: () => node.metrics(),
      hashPassword: (password) => {
        pool ??= createCpuPool(1);
        return pool.run({ task: 'hashPassword', password, cost: config.scryptCost }) as Promise<string>;
      },
      info: { workers: config.workers, store: store.kind, bus: bus.kind, version },
    },
    log,
  );
  await api.listen({ host: config.host, port: config.apiPort });
  log.info({ ocppPort: config.ocppPort, apiPort: config.apiPort, workers: config.workers, dataDir: config.dataDir }, 'Switchyard CSMS started');
  return {
    stop: async () => {
      await api.close();
      await node.stop();
      await pool?.destroy();
      await bus.close();
      await store.close();
      log.info('Switchyard CSMS stopped');
    },
  };
}

async function main(): Promise<void> {
  let config: CsmsConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const node = await startNode(config);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Hard deadline: exit even if something hangs, well inside the 10 s promise.
    setTimeout(() => process.exit(1), 9000).unref();
    node.stop().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`Shutdown after ${signal} failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error) => {
  process.stderr.write(`Switchyard failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
