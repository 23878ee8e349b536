import t from 'tap';
import postgres from 'postgres';
import { POSTGRES_INSTALL, postgresBinDir, startPostgres } from '../helpers/postgres-server.js';

// postgres.js 3.4.9 throws from a setImmediate (uncatchable, the thread ends) when a query is
// written on a reserved connection whose backend died: porsager/postgres#1154, #1208. Our group
// commit reserves a connection per batch, so a PostgreSQL restart under load ended the handler
// thread. patches/postgres+3.4.9.patch (applied by `npm install`) makes such a query reject.
if (!postgresBinDir()) {
  t.test('postgres.js write on a dead reserved connection', { skip: `PostgreSQL is not installed: ${POSTGRES_INSTALL}` }, async () => {});
} else {
  t.test('postgres.js write on a dead reserved connection', async (t) => {
    const server = await startPostgres(t);
    const sql = postgres(await server.createDatabase(), { max: 2, onnotice: () => {} });
    t.teardown(() => sql.end({ timeout: 1 }));
    const reserved = await sql.reserve();
    const [{ pid }] = (await reserved`SELECT pg_backend_pid() AS pid`) as unknown as [{ pid: number }];
    await server.query('postgres', `SELECT pg_terminate_backend(${Number(pid)})`);
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Unpatched, the first of these ends the process with "Cannot read properties of null (reading 'write')".
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      await reserved`SELECT 1`.then(
        () => codes.push('ok'),
        (error: { code?: string }) => codes.push(error.code ?? String(error)),
      );
    }
    t.same(codes, ['CONNECTION_CLOSED', 'CONNECTION_CLOSED', 'CONNECTION_CLOSED'], 'each query on the dead connection rejects');
    reserved.release();
    // The released dead connection fails the one query it is given first, then connects afresh.
    const after: string[] = [];
    for (let i = 0; i < 4; i++) await sql`SELECT 2 AS n`.then(() => after.push('ok'), (error: { code?: string }) => after.push(error.code ?? String(error)));
    t.match(after[0], /^(ok|CONNECTION_CLOSED)$/);
    t.same(after.slice(1), ['ok', 'ok', 'ok'], 'the pool serves queries afterwards');
  });
}
