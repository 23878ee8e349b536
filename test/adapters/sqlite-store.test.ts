import t from 'tap';
import { join } from 'node:path';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import type { Store } from '../../core/ports/store/store.js';
import { storeContract } from '../contract/store.js';
import { requestStoreContract } from '../contract/store-requests.js';
import { outboxStoreContract } from '../contract/store-outbox.js';
import { ocpiStoreContract } from '../contract/store-ocpi.js';
import { configTemplateStoreContract } from '../contract/store-config-templates.js';
import { certificateStoreContract } from '../contract/store-certificates.js';
import { tariffStoreContract } from '../contract/store-tariffs.js';
import { firmwareStoreContract } from '../contract/store-firmware.js';
import { siteStoreContract } from '../contract/store-sites.js';

storeContract(t, 'SqliteStore :memory:', {
  open: async () => new SqliteStore({ path: ':memory:' }),
});
requestStoreContract(t, 'SqliteStore :memory:', { open: async () => new SqliteStore({ path: ':memory:' }) });

const dir = t.testdir({});
const paths = new WeakMap<Store, string>();
let n = 0;
const fileStores = {
  open: async () => {
    const path = join(dir, `nested/store-${n++}.sqlite`);
    const store = new SqliteStore({ path });
    paths.set(store, path);
    return store;
  },
  reopen: async (closed: Store) => {
    const path = paths.get(closed)!;
    const store = new SqliteStore({ path });
    paths.set(store, path);
    return store;
  },
};
storeContract(t, 'SqliteStore file', fileStores);
requestStoreContract(t, 'SqliteStore file', fileStores);
outboxStoreContract(t, 'SqliteStore :memory:', { open: async () => new SqliteStore({ path: ':memory:' }) });
ocpiStoreContract(t, 'SqliteStore :memory:', { open: async () => new SqliteStore({ path: ':memory:' }) });
outboxStoreContract(t, 'SqliteStore file', fileStores);
configTemplateStoreContract(t, 'SqliteStore :memory:', { open: async () => new SqliteStore({ path: ':memory:' }) });
certificateStoreContract(t, 'SqliteStore :memory:', { open: async () => new SqliteStore({ path: ':memory:' }) });
configTemplateStoreContract(t, 'SqliteStore file', fileStores);
certificateStoreContract(t, 'SqliteStore file', fileStores);
tariffStoreContract(t, 'SqliteStore :memory:', { open: async () => new SqliteStore({ path: ':memory:' }) });
tariffStoreContract(t, 'SqliteStore file', fileStores);
firmwareStoreContract(t, 'SqliteStore :memory:', { open: async () => new SqliteStore({ path: ':memory:' }) });
siteStoreContract(t, 'SqliteStore :memory:', { open: async () => new SqliteStore({ path: ':memory:' }) });

t.test('a database from a newer build is refused', async (t) => {
  const path = join(dir, 'future.sqlite');
  const store = new SqliteStore({ path });
  await store.close();
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path);
  db.pragma('user_version = 999');
  db.close();
  t.throws(() => new SqliteStore({ path }), /newer than this build supports/);
});
