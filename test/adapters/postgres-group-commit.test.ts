import t, { type Test } from 'tap';
import postgres, { type Sql } from 'postgres';
import { PgGroupCommit } from '../../adapters/store/postgres-group-commit.js';
import { PostgresStore } from '../../adapters/store/postgres-store.js';
import { POSTGRES_INSTALL, postgresBinDir, startPostgres, type TestPostgres } from '../helpers/postgres-server.js';

// The PostgreSQL group commit on its own (batches, per-write failure, COMMIT failure) and inside
// the store (a write settles after COMMIT; the pool survives dropped connections).
if (!postgresBinDir()) {
  t.comment(`PostgreSQL group commit: SKIPPED, PostgreSQL is not installed (${POSTGRES_INSTALL})`);
  t.test('PostgreSQL group commit', { skip: `PostgreSQL is not installed: ${POSTGRES_INSTALL}` }, async () => {});
} else {
  const server = await startPostgres(t);
  await run(server);
}

async function run(server: TestPostgres): Promise<void> {
  /** A fresh database with one table, and a pool on it. */
  async function table(tt: Test): Promise<{ sql: Sql }> {
    const url = await server.createDatabase();
    const sql = postgres(url, { max: 3, onnotice: () => {} }) as unknown as Sql;
    tt.teardown(() => sql.end({ timeout: 1 }));
    await sql`CREATE TABLE items (id text PRIMARY KEY, n integer NOT NULL)`;
    return { sql };
  }
  const insert = (id: string, n = 0) => (tx: Sql) => tx`INSERT INTO items (id, n) VALUES (${id}, ${n})`.then((r) => r.count);

  t.test('writes queued in one turn share one transaction; batches are bounded', async (t) => {
    const { sql } = await table(t);
    const commits: number[] = [];
    const writer = new PgGroupCommit(sql, { maxBatch: 16, onCommit: (writes) => commits.push(writes) });
    const order: string[] = [];
    const writes = Array.from({ length: 40 }, (_, i) => writer.pipelined(insert(`a${i}`, i)).then(() => order.push(`resolved ${commits.length}`)));
    await Promise.all(writes);
    t.same(commits, [16, 16, 8], 'three transactions for 40 writes, at most 16 each');
    t.notOk(order.includes('resolved 0'), 'no write resolves before a commit');
    t.equal((await sql`SELECT count(*)::int AS n FROM items`)[0]!.n, 40);

    // Sequential (read-then-write) writes see the writes queued before them in the same batch.
    commits.length = 0;
    const a = writer.pipelined((tx) => tx`UPDATE items SET n = 100 WHERE id = 'a0'`);
    const b = writer.sequential(async (tx) => {
      const [row] = await tx`SELECT n FROM items WHERE id = 'a0'`;
      await tx`UPDATE items SET n = ${(row!.n as number) + 1} WHERE id = 'a0'`;
      return row!.n;
    });
    t.equal(await b, 100, 'the read saw the write queued before it');
    await a;
    t.same(commits, [2], 'one transaction');
    t.equal((await sql`SELECT n FROM items WHERE id = 'a0'`)[0]!.n, 101);
  });

  t.test('a failing write is rejected alone; the rest of its batch commits', async (t) => {
    const { sql } = await table(t);
    const commits: number[] = [];
    const writer = new PgGroupCommit(sql, { onCommit: (writes) => commits.push(writes) });
    await writer.pipelined(insert('taken'));
    commits.length = 0;
    const results = await Promise.allSettled([
      writer.pipelined(insert('p1')),
      writer.pipelined(insert('taken')), // unique violation, retried, then rejected
      writer.pipelined(insert('p2')),
      writer.sequential(async (tx) => {
        await tx`INSERT INTO items (id, n) VALUES ('s1', 1)`;
        throw new Error('bug in a write');
      }),
      writer.sequential((tx) => insert('s2')(tx)),
    ]);
    t.same(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    t.match((results[1] as PromiseRejectedResult).reason, { code: '23505' });
    t.match((results[3] as PromiseRejectedResult).reason, { message: 'bug in a write' });
    t.same(commits, [3], 'one commit holds the three good writes');
    const ids = (await sql`SELECT id FROM items ORDER BY id`).map((r) => r.id);
    t.same(ids, ['p1', 'p2', 's2', 'taken'], "nothing of the failed writes, not even the throwing write's first insert");
  });

  t.test('a COMMIT failure rejects every write of the batch', async (t) => {
    const { sql } = await table(t);
    // A deferred constraint trigger fails at COMMIT, after every write has succeeded.
    await sql.unsafe(`CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = 'BOOM' THEN RAISE EXCEPTION 'boom at commit'; END IF; RETURN NULL; END $$;
      CREATE CONSTRAINT TRIGGER boom AFTER INSERT ON items DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION boom();`).simple();
    const commits: number[] = [];
    const writer = new PgGroupCommit(sql, { onCommit: (writes) => commits.push(writes) });
    const results = await Promise.allSettled([writer.pipelined(insert('ok-1')), writer.pipelined(insert('BOOM')), writer.pipelined(insert('ok-2'))]);
    t.same(results.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
    for (const r of results) t.match((r as PromiseRejectedResult).reason, { message: 'boom at commit' });
    t.same(commits, [], 'nothing committed');
    t.same(await sql`SELECT id FROM items`, []);
    t.equal(await writer.pipelined(insert('ok-3')), 1, 'the next batch commits normally');
    t.same(commits, [1]);
  });

  t.test('store: a write settles only after COMMIT, and is then visible to every connection', async (t) => {
    const url = await server.createDatabase();
    const store = await PostgresStore.open({ url, poolSize: 2 });
    t.teardown(() => store.close());
    const db = new URL(url).pathname.slice(1);
    // Make COMMIT slow: a deferred trigger that sleeps when the transaction commits.
    await server.query(db, `CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = 'SLOW' THEN PERFORM pg_sleep(0.3); END IF; RETURN NULL; END $$;
      CREATE CONSTRAINT TRIGGER slow AFTER INSERT ON stations DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow();`);
    const started = performance.now();
    let settled = false;
    const write = store.stations.createStation({ tenantId: 'acme', id: 'SLOW', passwordHash: null }).then((created) => ((settled = true), created));
    await new Promise((r) => setTimeout(r, 150));
    t.equal(settled, false, 'still committing');
    t.same(await server.query(db, "SELECT id FROM stations WHERE id = 'SLOW'"), [], 'not visible before COMMIT');
    t.equal(await write, true);
    t.ok(performance.now() - started >= 290, 'settled after the COMMIT finished');
    t.same(await server.query(db, "SELECT id FROM stations WHERE id = 'SLOW'"), [{ id: 'SLOW' }], 'visible once settled');
  });

  t.test('store: the pool reconnects after the server dropped its connections', async (t) => {
    const url = await server.createDatabase();
    const db = new URL(url).pathname.slice(1);
    const store = await PostgresStore.open({ url, poolSize: 2 });
    t.teardown(() => store.close());
    await store.stations.createStation({ tenantId: 'acme', id: 'CS-1', passwordHash: null });
    const killed = await server.query(db, `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'switchyard'`);
    t.ok(killed.length >= 1, 'connections terminated');
    await new Promise((r) => setTimeout(r, 100));
    t.equal(await store.stations.createStation({ tenantId: 'acme', id: 'CS-2', passwordHash: null }), true, 'a write after the drop commits');
    t.ok(await store.stations.getStation('acme', 'CS-1'), 'reads work again');
  });
}
