import t from 'tap';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';
import { POSTGRES_INSTALL, postgresBinDir, startPostgres } from '../helpers/postgres-server.js';
import { eventually, startServer } from '../helpers/server.js';

// Issue #10, faults: PostgreSQL stopped mid-traffic and started again. Calls that need a write
// get InternalError while it is down, readiness turns red, the node reconnects on its own, and
// every transaction event the station got a CALLRESULT for is in the store afterwards.

if (!postgresBinDir()) {
  t.test('PostgreSQL restarted mid-traffic', { skip: `PostgreSQL is not installed: ${POSTGRES_INSTALL}` }, async () => {});
} else {
  t.test('PostgreSQL restarted mid-traffic', async (t) => {
    const pg = await startPostgres(t);
    const database = 'restart';
    const server = await startServer(t, { env: { CSMS_STORE: 'postgres', DATABASE_URL: await pg.createDatabase(database), CSMS_PG_POOL: '3' } });
    await server.registerStation('PGR-1', 'pg-restart-pw-01');
    const station = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'PGR-1', password: 'pg-restart-pw-01', version: 'ocpp2.0.1' });
    t.match(await station.call('BootNotification', bootPayload('ocpp2.0.1')), { status: 'Accepted' });

    const acknowledged: number[] = [];
    const refused: string[] = [];
    let seqNo = 0;
    const event = (n: number) => ({
      eventType: n === 0 ? 'Started' : 'Updated',
      timestamp: new Date(Date.UTC(2026, 3, 1, 10, 0, n)).toISOString(),
      triggerReason: n === 0 ? 'Authorized' : 'MeterValuePeriodic',
      seqNo: n,
      transactionInfo: { transactionId: 'PGR-TX-1' },
      ...(n === 0 ? { idToken: { idToken: 'PGRTOKEN', type: 'Central' }, evse: { id: 1, connectorId: 1 } } : {}),
      meterValue: [{ timestamp: new Date(Date.UTC(2026, 3, 1, 10, 0, n)).toISOString(), sampledValue: [{ value: 1000 + n * 10, measurand: 'Energy.Active.Import.Register' }] }],
    });
    /** Sends the next event; true when the station got a CALLRESULT. */
    const send = async (): Promise<boolean> => {
      const n = seqNo++;
      try {
        await station.call('TransactionEvent', event(n));
        acknowledged.push(n);
        return true;
      } catch (error) {
        refused.push((error as { rpcErrorCode?: string }).rpcErrorCode ?? String(error));
        return false;
      }
    };

    for (let i = 0; i < 20; i++) t.ok(await send(), `event ${i} acknowledged while the store is up`);
    t.same((await server.apiJson('GET', '/ready')).status, 200);

    await pg.pause();
    // Calls that need a write fail cleanly; the node keeps serving the socket.
    await eventually(async () => !(await send()), 30_000, 'a call is refused while PostgreSQL is down');
    for (let i = 0; i < 3; i++) await send();
    t.ok(refused.length > 0 && refused.every((code) => code === 'InternalError'), `refusals are InternalError (${[...new Set(refused)].join(', ')})`);
    const red = await server.apiJson('GET', '/ready');
    t.equal(red.status, 503, 'readiness is red while the store cannot commit');
    t.match(red.body, { status: 'not-ready', checks: { storeWritable: { ok: false } } });
    t.equal((await server.apiJson('GET', '/health')).status, 200, 'liveness stays green');

    await pg.resume();
    // The pool reconnects by itself: the next writes commit and readiness turns green again.
    await eventually(async () => send(), 30_000, 'calls succeed again once PostgreSQL is back');
    for (let i = 0; i < 10; i++) t.ok(await send(), 'acknowledged after the restart');
    await eventually(async () => (await server.apiJson('GET', '/ready')).status === 200, 10_000, 'ready again');

    // Every acknowledged event is stored; nothing refused was acknowledged twice.
    const rows = await pg.query(database, `SELECT dedup_key FROM transaction_events WHERE transaction_id = 'PGR-TX-1'`);
    const stored = new Set(rows.map((r) => r.dedup_key as string));
    const missing = acknowledged.filter((n) => !stored.has(`seq:${n}`));
    t.same(missing, [], `all ${acknowledged.length} acknowledged events are in PostgreSQL`);
    const tx = await server.apiJson('GET', '/transactions?stationId=PGR-1');
    t.match(tx.body.items, [{ isActive: true }], 'the transaction reads back through the API');
  });
}
