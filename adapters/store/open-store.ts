import { join } from 'node:path';
import type { CsmsConfig } from '../../core/config.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/**
 * Picks the store adapter from configuration: CSMS_STORE=sqlite (default, in dataDir) or mongodb
 * (MONGODB_URL). The MongoDB adapter, and with it the `mongodb` driver, is only loaded when
 * configured, so SQLite nodes never pay for it; hence this is async.
 */
export async function openStore(
  config: Pick<CsmsConfig, 'dataDir'> & Partial<Pick<CsmsConfig, 'store' | 'mongodbUrl' | 'storage'>> & { onCommit?: (writes: number, ms: number) => void },
): Promise<Store> {
  if (config.store === 'mongodb') {
    if (!config.mongodbUrl) throw new Error('CSMS_STORE=mongodb needs MONGODB_URL');
    const { MongoStore } = await import('./mongo-store.js');
    return new MongoStore({ url: config.mongodbUrl });
  }
  return new SqliteStore({
    path: join(config.dataDir, 'switchyard.sqlite'),
    synchronous: config.storage?.synchronous,
    commitIntervalMs: config.storage?.commitIntervalMs,
    commitMaxWrites: config.storage?.commitMaxWrites,
    onCommit: config.onCommit,
  });
}
