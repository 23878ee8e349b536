import { join } from 'node:path';
import type { CsmsConfig } from '../../core/config.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** Picks the store adapter from configuration. MongoDB joins here in a later change. */
export function openStore(config: Pick<CsmsConfig, 'dataDir'>): Store {
  return new SqliteStore({ path: join(config.dataDir, 'switchyard.sqlite') });
}
