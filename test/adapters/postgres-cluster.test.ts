import t from 'tap';
import postgres, { type Sql } from 'postgres';
import { openStore } from '../../adapters/store/open-store.js';
import { migrate, MIGRATIONS } from '../../adapters/store/postgres-migrations.js';
import { PostgresStore } from '../../adapters/store/postgres-store.js';
import { ConfigError, loadConfig } from '../../core/config.js';
import { foldEvents } from '../../core/transaction-fold.js';
import { stopEvent16, type StartTransaction16 } from '../../core/transaction-mapping-16.js';
import type { TxEvent } from '../../core/transaction-types.js';
import { POSTGRES_INSTALL, postgresBinDir, startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { ev2, kwh } from '../contract/store-sessions.js';

// What a shared store must get right when several nodes use it at once: migrations at start-up,
// 1.6 transaction ids, one transaction written from two nodes, remote starts claimed once. Two
// PostgresStore instances on one database play two nodes. Also: configuration and openStore.
if (!postgresBinDir()) {
  t.comment(`PostgreSQL cluster tests: SKIPPED, PostgreSQL is not installed (${POSTGRES_INSTALL})`);
  t.test('PostgreSQL cluster tests', { skip: `PostgreSQL is not installed: ${POSTGRES_INSTALL}` }, async () => {});
} else {
  const server = await startPostgres(t);
  run(server);
}

/** Started, n-2 updates switching between charging and suspended every 5 minutes, Ended: losing any one event changes the charging time. */
function longSession(txId: string, n: number): TxEvent[] {
  const at = (i: number) => new Date(Date.UTC(2026, 2, 1, 10, 5 * i)).toISOString();
  return Array.from({ length: n }, (_, i) => {
    const eventType = i === 0 ? 'Started' : i === n - 1 ? 'Ended' : 'Updated';
    const chargingState = i % 2 === 1 ? 'SuspendedEV' : 'Charging';
    return ev2(txId, i, eventType, at(i), {
      ...(i === 0 ? { idToken: { idToken: 'TOKEN-1', type: 'ISO14443' }, evse: { id: 1, connectorId: 1 } } : {}),
      transactionInfo: { transactionId: txId, ...(eventType === 'Ended' ? { stoppedReason: 'EVDisconnected' } : { chargingState }) },
      meterValue: kwh(at(i), 10 + i * 0.75, i === 0 ? 'Transaction.Begin' : i === n - 1 ? 'Transaction.End' : undefined),
    });
  });
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, value[k]])) as Pick<T, K>;
}

const start = (i: number, idTag = `TAG-${i}`): StartTransaction16 => ({
  connectorId: 1,
  idTag,
  meterStart: i,
  timestamp: new Date(Date.UTC(2026, 2, 1, 9, 0, i)).toISOString(),
});

function run(server: TestPostgres): void {
  const dbName = (url: string) => new URL(url).pathname.slice(1);

  /** Two nodes on one fresh database. */
  async function twoNodes(tt: Parameters<Parameters<typeof t.test>[1]>[0]) {
    const url = await server.createDatabase();
    const [a, b] = await Promise.all([PostgresStore.open({ url, poolSize: 2 }), PostgresStore.open({ url, poolSize: 2 })]);
    tt.teardown(() => Promise.all([a.close(), b.close()]));
    return { a, b, db: dbName(url) };
  }

  t.test('migrations: nodes starting at once apply each step exactly once', async (t) => {
    const url = await server.createDatabase();
    const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresStore.open({ url, poolSize: 1 })));
    t.teardown(() => Promise.all(stores.map((s) => s.close())));
    const applied = await server.query(dbName(url), 'SELECT version FROM schema_migrations ORDER BY version');
    t.same(applied.map((r) => r.version), MIGRATIONS.map((_, i) => i + 1));
    const created = await Promise.all(stores.map((s, i) => s.stations.createStation({ tenantId: 'acme', id: `CS-${i}`, passwordHash: null })));
    t.same(created, stores.map(() => true), 'every node works on the one schema');

    const sql = postgres(url, { max: 1, onnotice: () => {} }) as unknown as Sql;
    t.teardown(() => sql.end({ timeout: 1 }));
    t.equal(await migrate(sql), 0, 'an up-to-date schema: nothing to apply');
    await server.query(dbName(url), 'INSERT INTO schema_migrations (version) VALUES (999)');
    await t.rejects(PostgresStore.open({ url }), /newer than this build supports/);
  });

  t.test('1.6 transaction ids: unique across nodes, never one a station reported, within int32', async (t) => {
    const { a, b, db } = await twoNodes(t);
    const first = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).transactions.startTransaction16('t1', `CS-${i}`, start(i))));
    const ids = first.map((o) => o.transaction.ocppTransactionId!);
    t.equal(new Set(ids).size, 40, 'forty starts on two nodes, forty ids');

    await a.transactions.applyTransactionEvent('t1', 'CS-X', stopEvent16({ transactionId: 90_000, meterStop: 1, timestamp: '2026-03-01T09:00:00Z' }));
    const next = await b.transactions.startTransaction16('t1', 'CS-Y', start(100));
    t.ok(next.transaction.ocppTransactionId! < 90_000 && !ids.includes(next.transaction.ocppTransactionId!), "a station's id is claimed, not a reason to jump the shared counter");

    // The counter reaching a claimed id skips it, on every node.
    await server.query(db, "SELECT setval('ocpp16_transaction_id', 89990)");
    const after = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).transactions.startTransaction16('t1', `CS-Z${i}`, start(200 + i))));
    const reissued = after.map((o) => o.transaction.ocppTransactionId!);
    t.notOk(reissued.includes(90_000), 'the id a station reported is never issued');
    t.equal(new Set([...ids, next.transaction.ocppTransactionId, 90_000, ...reissued]).size, ids.length + 2 + reissued.length, 'no id handed out twice');

    await server.query(db, "SELECT setval('ocpp16_transaction_id', 2147483646)");
    t.equal((await a.transactions.startTransaction16('t1', 'CS-MAX', start(300))).transaction.ocppTransactionId, 2_147_483_647);
    const wrapped = (await b.transactions.startTransaction16('t1', 'CS-MAX', start(301))).transaction.ocppTransactionId!;
    t.ok(wrapped >= 1 && wrapped < 2_147_483_647 && !ids.includes(wrapped), `past int32 the counter wraps to ids never issued (${wrapped})`);
  });

  t.test('the same StartTransaction on two nodes at once gets one transaction', async (t) => {
    const { a, b } = await twoNodes(t);
    for (let round = 0; round < 5; round++) {
      const [x, y] = await Promise.all([a.transactions.startTransaction16('t1', 'CS-1', start(round)), b.transactions.startTransaction16('t1', 'CS-1', start(round))]);
      t.equal(x.transaction.id, y.transaction.id, `round ${round}: one id`);
      t.same([x.duplicate, y.duplicate].sort(), [false, true], `round ${round}: one of them is the duplicate`);
    }
  });

  t.test('one transaction written from two nodes at once ends as if written by one', async (t) => {
    const { a, b } = await twoNodes(t);
    for (let round = 0; round < 8; round++) {
      const id = `tx-${round}`;
      const events = longSession(id, 12);
      const expected = foldEvents(events, { tenantId: 't1', stationId: 'CS-1', now: new Date().toISOString() })!.record;
      // Node a gets the even events, node b the odd ones, each in order and one write at a time,
      // both nodes at once: their transactions interleave, and a fold computed from a stale
      // record would lose the other node's event for good.
      const mine = (node: PostgresStore, list: TxEvent[]) => list.reduce((p, ev) => p.then(() => node.transactions.applyTransactionEvent('t1', 'CS-1', ev)), Promise.resolve() as Promise<unknown>);
      await Promise.all([mine(a, events.filter((_, i) => i % 2 === 0)), mine(b, events.filter((_, i) => i % 2 === 1))]);
      const record = await a.transactions.getTransaction('t1', id, 'CS-1');
      const fields = ['totalKwh', 'timeSpentChargingSec', 'lastSeqNo', 'isActive', 'chargingState', 'meterStartWh', 'meterStopWh', 'flags', 'startedAt', 'endedAt'] as const;
      t.same(pick(record!, fields), pick(expected, fields), `${id}: as folded from every event`);
      t.equal((await b.transactions.listMeterValues('t1', 'CS-1', id)).length, events.length, `${id}: every sample once`);
    }
  });

  t.test('a remote start is lent to one start only, whichever node sees it', async (t) => {
    const { a, b } = await twoNodes(t);
    const rid = await a.transactions.recordRemoteStart({ tenantId: 't1', stationId: 'CS-1', idToken: 'REMOTE', evseId: 1, at: new Date().toISOString() });
    const now = Date.now();
    const [x, y] = await Promise.all([
      a.transactions.startTransaction16('t1', 'CS-1', { connectorId: 1, idTag: 'REMOTE', meterStart: 0, timestamp: new Date(now).toISOString() }),
      b.transactions.startTransaction16('t1', 'CS-1', { connectorId: 2, idTag: 'REMOTE', meterStart: 0, timestamp: new Date(now + 1).toISOString() }),
    ]);
    t.same([x.transaction.remoteStartId, y.transaction.remoteStartId].filter((r) => r !== null), [rid]);
    t.same([x.remoteStart, y.remoteStart].filter(Boolean), [true]);
  });

  t.test('configuration: CSMS_STORE=postgres with DATABASE_URL or the PG* variables; CSMS_PG_POOL', async (t) => {
    const url = await server.createDatabase();
    const config = loadConfig({ CSMS_STORE: 'postgres', DATABASE_URL: ` ${url} `, CSMS_PG_POOL: '4' });
    t.match(config, { store: 'postgres', databaseUrl: url, pgPoolSize: 4 });
    t.match(loadConfig({}), { databaseUrl: undefined, pgPoolSize: 10 });
    t.throws(() => loadConfig({ CSMS_PG_POOL: '0' }), ConfigError);
    t.throws(() => loadConfig({ CSMS_STORE: 'postgresql' }), ConfigError);

    const store = await openStore(config);
    t.teardown(() => store.close());
    t.equal(store.kind, 'postgres');
    t.equal(await store.stations.createStation({ tenantId: 'acme', id: 'CS-1', passwordHash: null }), true);

    // No DATABASE_URL: the driver takes the standard PG* variables, as psql does.
    const saved = { ...process.env };
    Object.assign(process.env, { PGHOST: '127.0.0.1', PGPORT: String(server.port), PGUSER: 'switchyard', PGDATABASE: dbName(url) });
    let fromEnv;
    try {
      fromEnv = await openStore({ ...loadConfig({ CSMS_STORE: 'postgres' }) });
    } finally {
      for (const key of ['PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
    t.teardown(() => fromEnv.close());
    t.ok(await fromEnv.stations.getStation('acme', 'CS-1'), 'the same database, reached through PG* variables');
  });
}
