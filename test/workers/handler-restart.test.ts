import t from 'tap';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';
import { startInProcessNode, registered } from '../helpers/in-process-node.js';
import { POSTGRES_INSTALL, postgresBinDir, startPostgres } from '../helpers/postgres-server.js';
import { eventually } from '../helpers/server.js';
import type { HandlerThread } from '../../workers/handler-thread.js';

// The handler thread ends while the store is unreachable, so its replacement cannot start until
// the store is back. Meanwhile the gateway refuses what needs the handler thread with
// InternalError at once (the station sends it again later), instead of leaving the station
// waiting for an answer from a thread that no longer exists; once the store is back, the new
// handler thread serves the same connection.
if (!postgresBinDir()) {
  t.test('handler thread restart', { skip: `PostgreSQL is not installed: ${POSTGRES_INSTALL}` }, async () => {});
} else {
  t.test('handler thread restart while the store is down', async (t) => {
    const pg = await startPostgres(t);
    const { node, ocppUrl } = await startInProcessNode(t, { CSMS_STORE: 'postgres', DATABASE_URL: await pg.createDatabase(), CSMS_PG_POOL: '2' });
    const station = await connectStrict(t, { endpoint: ocppUrl, identity: 'HR-1', version: 'ocpp2.0.1' });
    t.match(await station.call('BootNotification', bootPayload('ocpp2.0.1')), { status: 'Accepted' });
    await registered(node, 'HR-1');

    await pg.pause();
    const handlers = (node as unknown as { handlers: HandlerThread }).handlers;
    await handlers.worker.terminate();

    // Long client timeouts: an unanswered call would fail the code check below, not pass it.
    const refusal = (action: string, payload: Record<string, unknown>) =>
      station.call(action, payload, { callTimeoutMs: 20_000 }).then(
        () => 'answered',
        (error: { rpcErrorCode?: string; message?: string }) => error.rpcErrorCode ?? error.message ?? 'error',
      );
    const status = { timestamp: new Date().toISOString(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 };
    // A frame already on its way when the thread ended is the one window left (the gateway learns
    // of the end from its channel's port closing), so the first refusal may take a second try.
    await eventually(async () => (await refusal('StatusNotification', status)) === 'InternalError', 30_000, 'a message the gateway would answer itself is not acknowledged');
    t.equal(await refusal('StatusNotification', status), 'InternalError', 'nor the next one');
    t.equal(await refusal('Authorize', { idToken: { idToken: 'HR-TOKEN', type: 'Central' } }), 'InternalError', 'a message for the handler thread is refused');

    await pg.resume();
    await eventually(async () => (await refusal('StatusNotification', status)) === 'answered', 60_000, 'served again once the store is back');
    t.match(await station.call('Authorize', { idToken: { idToken: 'HR-TOKEN', type: 'Central' } }), { idTokenInfo: {} }, 'the new handler thread serves the same connection');
  });
}
