import t from 'tap';
import { join } from 'node:path';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import type { Store } from '../../core/ports/store/store.js';
import { deviceModelStoreContract } from '../contract/store-device-model.js';
import { stationEventStoreContract } from '../contract/store-station-events.js';
import { chargingProfileStoreContract } from '../contract/store-charging-profiles.js';
import { reservationStoreContract } from '../contract/store-reservations.js';
import { sessionStoreContract } from '../contract/store-sessions.js';

sessionStoreContract(t, 'SqliteStore :memory:', { open: async () => new SqliteStore({ path: ':memory:' }) });
deviceModelStoreContract(t, 'SqliteStore :memory:', { open: async () => new SqliteStore({ path: ':memory:' }) });
stationEventStoreContract(t, 'SqliteStore :memory:', { open: async () => new SqliteStore({ path: ':memory:' }) });
chargingProfileStoreContract(t, 'SqliteStore :memory:', { open: async () => new SqliteStore({ path: ':memory:' }) });
reservationStoreContract(t, 'SqliteStore :memory:', { open: async () => new SqliteStore({ path: ':memory:' }) });

const dir = t.testdir({});
const paths = new WeakMap<Store, string>();
let n = 0;
sessionStoreContract(t, 'SqliteStore file', {
  open: async () => {
    const path = join(dir, `sessions-${n++}.sqlite`);
    const store = new SqliteStore({ path });
    paths.set(store, path);
    return store;
  },
  reopen: async (closed) => new SqliteStore({ path: paths.get(closed)! }),
});
