import { POSTGRES_INSTALL, postgresBinDir, startPostgres } from './postgres-server.js';
import { natsServerMissing, startNats, type TestNats } from './nats-server.js';
import { startServer, type TestServer } from './server.js';

/** Why a shared-store cluster (PostgreSQL and nats-server, both Debian packages) cannot run here, or undefined. */
export function clusterMissing(): string | undefined {
  return !postgresBinDir() ? `PostgreSQL is not installed: ${POSTGRES_INSTALL}` : natsServerMissing();
}

export interface TestCluster {
  /** One Switchyard process per node id, in the order given. */
  nodes: TestServer[];
  nats: TestNats;
  databaseUrl: string;
}

/**
 * A Switchyard cluster for end-to-end tests: a PostgreSQL database and a nats-server of its own,
 * and one process per node id sharing both (one worker, a pool of 2, a 3 s registry lease;
 * `env` adds or overrides CSMS_* variables). The nodes start at once, so they migrate the empty
 * database and take their leases together. Callers skip first where `clusterMissing()` says so.
 */
export async function startCluster(t: Parameters<typeof startNats>[0], nodeIds: string[], env: Record<string, string> = {}): Promise<TestCluster> {
  const pg = await startPostgres(t);
  const nats = await startNats(t);
  const databaseUrl = await pg.createDatabase();
  const nodeEnv = (id: string) => ({
    CSMS_STORE: 'postgres',
    DATABASE_URL: databaseUrl,
    CSMS_PG_POOL: '2',
    NATS_URL: nats.url,
    CSMS_NODE_ID: id,
    CSMS_REGISTRY_TTL: '3',
    CSMS_WORKERS: '1',
    ...env,
  });
  const nodes = await Promise.all(nodeIds.map((id) => startServer(t, { env: nodeEnv(id) })));
  return { nodes, nats, databaseUrl };
}
