import t from 'tap';
import { PostgresStore } from '../../adapters/store/postgres-store.js';
import { ocpiStoreContract } from '../contract/store-ocpi.js';
import { POSTGRES_INSTALL, postgresBinDir, startPostgres } from '../helpers/postgres-server.js';

// The OCPI store contract (issue #16) against a real PostgreSQL, in a file of its own:
// postgres-store.test.ts already runs close to tap's per-file timeout on a busy machine.
if (!postgresBinDir()) {
  t.comment(`PostgreSQL OCPI store contract: SKIPPED, PostgreSQL is not installed (${POSTGRES_INSTALL})`);
  t.test('PostgreSQL OCPI store contract', { skip: `PostgreSQL is not installed: ${POSTGRES_INSTALL}` }, async () => {});
} else {
  const server = await startPostgres(t);
  ocpiStoreContract(t, 'PostgresStore', { open: async () => PostgresStore.open({ url: await server.createDatabase(), poolSize: 3 }) });
}
