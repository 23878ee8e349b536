import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
type Tap = Parameters<Parameters<typeof t.test>[1]>[0];
import { eventually, startServer, type TestServer } from '../helpers/server.js';
import { bootPayload, connectStrict, rpcErrorCode, type Version } from '../helpers/ocpp-clients.js';

// Issue #11: /health is liveness, /ready tells the truth about the store. A SQLite file deleted
// or replaced under a running node makes it not ready, and it stops acknowledging boots.
// (A read-only data dir is not tested: tests run as root, where chmod does not stop writes.)

const PASSWORD = 'readiness-pw-0001';

/** GET without any Authorization header: both routes are public. */
async function get(server: TestServer, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(server.apiUrl + path);
  return { status: response.status, body: await response.json() };
}

async function bootedStation(t: Tap, server: TestServer, id: string, version: Version) {
  await server.registerStation(id, PASSWORD);
  const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
  const first = (await client.call('BootNotification', bootPayload(version))) as { status: string };
  t.equal(first.status, 'Accepted', `${id}: boot accepted while healthy`);
  return client;
}

t.test('a healthy node is ready, without an API key', async (t) => {
  const server = await startServer(t, { env: { CSMS_WORKERS: '2' } });
  const ready = await get(server, '/ready');
  t.equal(ready.status, 200);
  t.match(ready.body, {
    status: 'ready',
    checks: { storeWritable: { ok: true }, sqliteFile: { ok: true }, handlerThread: { ok: true }, gatewayThreads: { ok: true } },
  });
  t.notOk('nats' in ready.body.checks, 'no NATS check without NATS_URL');
  t.equal((await get(server, '/health')).status, 200);
});

t.test('SQLite file deleted while running: 503 naming the file, boots get InternalError, /health stays 200', async (t) => {
  const server = await startServer(t);
  const client = await bootedStation(t, server, 'RDY-DEL-1', 'ocpp1.6');
  const file = join(server.dataDir, 'switchyard.sqlite');
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });

  // A write may fail (storeWritable red) before the periodic file check names the cause: wait for the cause.
  const notReady = await eventually(async () => {
    const r = await get(server, '/ready');
    return r.status === 503 && r.body.checks.sqliteFile?.ok === false && r.body;
  }, 10_000, '/ready to answer 503 naming the deleted file');
  t.equal(notReady.status, 'not-ready');
  t.equal(notReady.checks.sqliteFile.ok, false);
  t.match(notReady.checks.sqliteFile.reason, /switchyard\.sqlite was deleted/, 'the reason names the file');

  t.equal(await rpcErrorCode(client.call('BootNotification', bootPayload('ocpp1.6'))), 'InternalError', 'the boot is not acknowledged');
  const after = await get(server, '/ready');
  t.equal(after.status, 503);
  t.match(after.body.checks.storeWritable, { ok: false, reason: /switchyard\.sqlite was deleted/ }, 'the failed commit marks the store not writable');
  const health = await get(server, '/health');
  t.equal(health.status, 200, '/health is liveness: still 200');
  t.equal(health.body.status, 'ok');
  // Logged once with its cause, not per refused message.
  await client.call('BootNotification', bootPayload('ocpp1.6')).catch(() => {});
  await eventually(async () => (server.output().stdout.match(/store failing/g)?.length ?? 0) >= 2, 30_000, 'the store-failing lines');
  const failures = server.output().stdout.split('\n').filter((line) => line.includes('store failing'));
  t.equal(failures.length, 2, 'one line per failing check (file, writes), not one per message');
});

t.test('SQLite file replaced by another file while running: not ready, 2.0.1 boot refused', async (t) => {
  const server = await startServer(t);
  const client = await bootedStation(t, server, 'RDY-REP-1', 'ocpp2.0.1');
  const file = join(server.dataDir, 'switchyard.sqlite');
  writeFileSync(file + '.other', '');
  renameSync(file + '.other', file);

  // A write may fail (storeWritable red) before the periodic file check names the cause: wait for the cause.
  const notReady = await eventually(async () => {
    const r = await get(server, '/ready');
    return r.status === 503 && r.body.checks.sqliteFile?.ok === false && r.body;
  }, 10_000, '/ready to answer 503 naming the replaced file');
  t.match(notReady.checks.sqliteFile, { ok: false, reason: /switchyard\.sqlite was replaced/ });
  t.equal(await rpcErrorCode(client.call('BootNotification', bootPayload('ocpp2.0.1'))), 'InternalError');
  t.equal((await get(server, '/health')).status, 200);
});
