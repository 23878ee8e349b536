import t from 'tap';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { MongoStore } from '../../adapters/store/mongo-store.js';
import type { Store } from '../../core/ports/store/store.js';
import { storeContract } from '../contract/store.js';
import { deviceModelStoreContract } from '../contract/store-device-model.js';
import { stationEventStoreContract } from '../contract/store-station-events.js';
import { chargingProfileStoreContract } from '../contract/store-charging-profiles.js';
import { reservationStoreContract } from '../contract/store-reservations.js';
import { sessionStoreContract } from '../contract/store-sessions.js';
import { controlPlaneStoreContract } from '../contract/store-control-plane.js';
import { requestStoreContract } from '../contract/store-requests.js';
import { outboxStoreContract } from '../contract/store-outbox.js';
import { ocpiStoreContract } from '../contract/store-ocpi.js';
import { configTemplateStoreContract } from '../contract/store-config-templates.js';
import { certificateStoreContract } from '../contract/store-certificates.js';
import { tariffStoreContract } from '../contract/store-tariffs.js';
import { firmwareStoreContract } from '../contract/store-firmware.js';
import { siteStoreContract } from '../contract/store-sites.js';

// The same contract suites as SQLite, against a real MongoDB when MONGODB_URL is set
// (e.g. MONGODB_URL=mongodb://127.0.0.1:27017). Each store gets its own database, dropped after.
const url = process.env.MONGODB_URL;

if (!url && process.env.CI === 'true') {
  // CI fails on any skip (.ci/run), and no MongoDB server can run on our CI machines: this run is
  // known not to happen there, so it is said once and not counted as a skip.
  t.pass('MongoDB contract not run: no MongoDB server can run on our machines (see PLATFORM.md); set MONGODB_URL to run it');
} else if (!url) {
  t.comment('MongoDB store contract: SKIPPED, MONGODB_URL is not set (no MongoDB server on this machine; see PLATFORM.md)');
  t.test('MongoDB store contract suites', { skip: 'MONGODB_URL is not set: MongoDB contract run skipped' }, async () => {});
} else {
  const names = new WeakMap<Store, string>();
  const open = async (dbName = `switchyard_test_${randomBytes(6).toString('hex')}`) => {
    const store = new MongoStore({ url, dbName });
    names.set(store, dbName);
    // Dropped only at the end of the file: `reopen` must still find the data after close().
    t.teardown(async () => {
      const client = new MongoClient(url);
      await client.db(dbName).dropDatabase();
      await client.close();
    });
    return store;
  };
  const options = { open: () => open(), reopen: (closed: Store) => open(names.get(closed)!) };
  storeContract(t, 'MongoStore', options);
  sessionStoreContract(t, 'MongoStore', options);
  deviceModelStoreContract(t, 'MongoStore', options);
  stationEventStoreContract(t, 'MongoStore', options);
  chargingProfileStoreContract(t, 'MongoStore', options);
  reservationStoreContract(t, 'MongoStore', options);
  controlPlaneStoreContract(t, 'MongoStore', options);
  requestStoreContract(t, 'MongoStore', options);
  outboxStoreContract(t, 'MongoStore', { ...options, transactionEventsInWrite: false });
  ocpiStoreContract(t, 'MongoStore', options);
  configTemplateStoreContract(t, 'MongoStore', options);
  certificateStoreContract(t, 'MongoStore', options);
  tariffStoreContract(t, 'MongoStore', options);
  firmwareStoreContract(t, 'MongoStore', options);
  siteStoreContract(t, 'MongoStore', options);
}
