import t from 'tap';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';
import { POSTGRES_INSTALL, postgresBinDir, startPostgres } from '../helpers/postgres-server.js';
import { startServer } from '../helpers/server.js';

// Two real Switchyard processes with CSMS_STORE=postgres on one database (no NATS): what one
// node stores, the other's API serves. Needs dist/ built (npm test does it).
if (!postgresBinDir()) {
  t.comment(`PostgreSQL nodes: SKIPPED, PostgreSQL is not installed (${POSTGRES_INSTALL})`);
  t.test('two nodes on one PostgreSQL store', { skip: `PostgreSQL is not installed: ${POSTGRES_INSTALL}` }, async () => {});
} else {
  const pg = await startPostgres(t);

  t.test('two nodes on one PostgreSQL store', async (t) => {
    const env = { CSMS_STORE: 'postgres', DATABASE_URL: await pg.createDatabase(), CSMS_PG_POOL: '3' };
    // Started at once: both migrate the empty database at start-up.
    const [a, b] = await Promise.all([startServer(t, { env }), startServer(t, { env })]);
    t.equal((await a.apiJson('POST', '/tokens', { idToken: 'GOOD-TOKEN' })).status, 201);
    t.equal((await b.apiJson('POST', '/tokens', { idToken: 'GOOD-TOKEN' })).status, 409, 'the token is already in the shared store');
    await b.registerStation('PG-16', 'pg-station-pw-01');

    // A 1.6 station on node a; node b registered it.
    const c = await connectStrict(t, { endpoint: a.ocppUrl, identity: 'PG-16', password: 'pg-station-pw-01', version: 'ocpp1.6' });
    t.match(await c.call('BootNotification', bootPayload('ocpp1.6')), { status: 'Accepted' });
    const startReq = { connectorId: 1, idTag: 'GOOD-TOKEN', meterStart: 1000, timestamp: '2026-02-01T10:00:00.000Z' };
    const started = (await c.call('StartTransaction', startReq)) as { transactionId: number; idTagInfo: unknown };
    t.same(started.idTagInfo, { status: 'Accepted' });
    t.equal(((await c.call('StartTransaction', startReq)) as { transactionId: number }).transactionId, started.transactionId, 'a resend: same id');
    await c.call('StopTransaction', { transactionId: started.transactionId, meterStop: 3500, timestamp: '2026-02-01T11:00:00.000Z', reason: 'Local' });

    // Node b's API reads what node a committed before answering the station.
    const station = await b.apiJson('GET', '/stations/PG-16');
    t.equal(station.status, 200);
    t.match(station.body, { id: 'PG-16', vendor: 'ACME' });
    const list = await b.apiJson('GET', '/transactions?stationId=PG-16');
    t.equal(list.status, 200);
    t.match(list.body.items, [{ id: String(started.transactionId), isActive: false, totalKwh: 2.5, meterStartWh: 1000, meterStopWh: 3500 }]);
  });
}
