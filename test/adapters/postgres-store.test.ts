import t from 'tap';
import { PostgresStore } from '../../adapters/store/postgres-store.js';
import type { Store } from '../../core/ports/store/store.js';
import { storeContract } from '../contract/store.js';
import { controlPlaneStoreContract } from '../contract/store-control-plane.js';
import { deviceModelStoreContract } from '../contract/store-device-model.js';
import { stationEventStoreContract } from '../contract/store-station-events.js';
import { chargingProfileStoreContract } from '../contract/store-charging-profiles.js';
import { reservationStoreContract } from '../contract/store-reservations.js';
import { sessionStoreContract } from '../contract/store-sessions.js';
import { requestStoreContract } from '../contract/store-requests.js';
import { outboxStoreContract } from '../contract/store-outbox.js';
import { configTemplateStoreContract } from '../contract/store-config-templates.js';
import { certificateStoreContract } from '../contract/store-certificates.js';
import { tariffStoreContract } from '../contract/store-tariffs.js';
import { firmwareStoreContract } from '../contract/store-firmware.js';
import { siteStoreContract } from '../contract/store-sites.js';
import { POSTGRES_INSTALL, postgresBinDir, startPostgres } from '../helpers/postgres-server.js';

// Every store contract suite, against a real PostgreSQL started for this file (see
// test/helpers/postgres-server.ts). Each store opens a database of its own; `reopen` opens the
// same database again.
if (!postgresBinDir()) {
  t.comment(`PostgreSQL store contract: SKIPPED, PostgreSQL is not installed (${POSTGRES_INSTALL})`);
  t.test('PostgreSQL store contract suites', { skip: `PostgreSQL is not installed: ${POSTGRES_INSTALL}` }, async () => {});
} else {
  const server = await startPostgres(t);
  const urls = new WeakMap<Store, string>();
  const open = async (url?: string) => {
    const databaseUrl = url ?? (await server.createDatabase());
    const store = await PostgresStore.open({ url: databaseUrl, poolSize: 3 });
    urls.set(store, databaseUrl);
    return store;
  };
  const options = { open: () => open(), reopen: (closed: Store) => open(urls.get(closed)!) };
  storeContract(t, 'PostgresStore', options);
  sessionStoreContract(t, 'PostgresStore', options);
  deviceModelStoreContract(t, 'PostgresStore', options);
  stationEventStoreContract(t, 'PostgresStore', options);
  chargingProfileStoreContract(t, 'PostgresStore', options);
  reservationStoreContract(t, 'PostgresStore', options);
  controlPlaneStoreContract(t, 'PostgresStore', options);
  requestStoreContract(t, 'PostgresStore', options);
  outboxStoreContract(t, 'PostgresStore', options);
  configTemplateStoreContract(t, 'PostgresStore', options);
  certificateStoreContract(t, 'PostgresStore', options);
  tariffStoreContract(t, 'PostgresStore', options);
  firmwareStoreContract(t, 'PostgresStore', options);
  siteStoreContract(t, 'PostgresStore', options);
}
