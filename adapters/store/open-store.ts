import { join } from 'node:path';
import type { CsmsConfig } from '../../core/config.js';
import { MongoStore } from './mongo-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** Picks the store adapter from configuration: CSMS_STORE=sqlite (default, in dataDir) or mongodb (MONGODB_URL). */
export function openStore(config: Pick<CsmsConfig, 'dataDir'> & Partial<Pick<CsmsConfig, 'store' | 'mongodbUrl'>>): Store {
  if (config.store === 'mongodb') {
    if (!config.mongodbUrl) throw new Error('CSMS_STORE=mongodb needs MONGODB_URL');
    return new MongoStore({ url: config.mongodbUrl });
  }
  return new SqliteStore({ path: join(config.dataDir, 'switchyard.sqlite') });
}
