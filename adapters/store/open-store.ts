import { join } from 'node:path';
import type { CsmsConfig } from '../../core/config.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from '../../core/ports/store/store.js';

/**
 * Picks the store adapter from configuration: CSMS_STORE=sqlite (default, in dataDir), mongodb
 * (MONGODB_URL) or postgres (DATABASE_URL or the PG* variables). The MongoDB and PostgreSQL
 * adapters, and with them their drivers, are only loaded when configured, so SQLite nodes never
 * pay for them; hence this is async.
 */
export async function openStore(
  config: Pick<CsmsConfig, 'dataDir'> & Partial<Pick<CsmsConfig, 'store' | 'mongodbUrl' | 'databaseUrl' | 'pgPoolSize' | 'storage' | 'sessions'>> & { onCommit?: (writes: number, ms: number) => void; checkpointEveryMs?: number },
): Promise<Store> {
  if (config.store === 'mongodb') {
    if (!config.mongodbUrl) throw new Error('CSMS_STORE=mongodb needs MONGODB_URL');
    const { MongoStore } = await import('./mongo-store.js');
    return new MongoStore({ url: config.mongodbUrl, sessions: config.sessions });
  }
  if (config.store === 'postgres') {
    const { PostgresStore } = await import('./postgres-store.js');
    return PostgresStore.open({
      url: config.databaseUrl,
      poolSize: config.pgPoolSize,
      commitIntervalMs: config.storage?.commitIntervalMs,
      commitMaxWrites: config.storage?.commitMaxWrites,
      onCommit: config.onCommit,
      sessions: config.sessions,
    });
  }
  return new SqliteStore({
    path: join(config.dataDir, 'switchyard.sqlite'),
    synchronous: config.storage?.synchronous,
    commitIntervalMs: config.storage?.commitIntervalMs,
    commitMaxWrites: config.storage?.commitMaxWrites,
    onCommit: config.onCommit,
    checkpointEveryMs: config.checkpointEveryMs,
    sessions: config.sessions,
  });
}
