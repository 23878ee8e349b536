import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runExpectingExit, startServer } from '../helpers/server.js';
import { RawStation, VERSIONS, bootPayload, connectStrict, nextClose, type StrictClient } from '../helpers/ocpp-clients.js';

// Process lifecycle: graceful shutdown with connected stations, data surviving a restart,
// and refusing to start on bad configuration.

const PASSWORD = 'lifecycle-pw-001';

t.test('SIGTERM with connected stations, then a restart on the same data dir', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-restart-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

  const first = await startServer(t, { dataDir, env: { CSMS_WORKERS: '2' } });
  const clients: Array<{ id: string; version: string; client: StrictClient }> = [];
  for (const version of VERSIONS) {
    for (let i = 0; i < 3; i++) {
      const id = `LC-${version}-${i}`;
      await first.registerStation(id, PASSWORD);
      const client = await connectStrict(t, { endpoint: first.ocppUrl, identity: id, password: PASSWORD, version });
      await client.call('BootNotification', bootPayload(version, { vendor: 'Persist', model: `P-${i}`, serialNumber: `SN-${id}` }));
      if (version === 'ocpp1.6') {
        await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
      } else {
        await client.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
      }
      clients.push({ id, version, client });
    }
  }
  // An unauthenticated but answered Heartbeat burst right before the signal: its writes must survive too.
  await Promise.all(clients.map(({ client }) => client.call('Heartbeat', {})));
  const threads = new Set<number>();
  for (const { id } of clients) threads.add((await first.apiJson('GET', `/stations/${id}`)).body.gatewayThread);
  t.comment(`stations on threads ${[...threads].join(', ')}`);

  const closes = clients.map(({ client }) => nextClose(client));
  const exit = await first.stop('SIGTERM');
  t.equal(exit.code, 0, 'exit code 0');
  t.ok(exit.ms < 60_000, `exited by itself, no hang (${exit.ms} ms; 10 s promised on an idle machine)`);
  const closed = await Promise.all(closes);
  t.ok(closed.every((c) => c.code === 1001), `every station saw the close with 1001 (${[...new Set(closed.map((c) => c.code))].join(', ')})`);
  t.notMatch(first.output().stderr, /Assertion failed|uv_loop_close|Error/, 'nothing alarming on stderr');

  const second = await startServer(t, { dataDir });
  for (const { id, version } of clients) {
    const view = await second.apiJson('GET', `/stations/${id}`);
    t.equal(view.status, 200, `${id} still registered`);
    t.match(view.body, { connected: false, protocol: version, vendor: 'Persist', serialNumber: `SN-${id}`, hasPassword: true });
    t.ok(view.body.lastSeenAt, `${id}: lastSeenAt kept`);
    t.match(view.body.connectors, [{ evseId: 1, connectorId: 1, status: 'Occupied' }], `${id}: connector status kept`);
  }
  // The stored password still works.
  const again = await connectStrict(t, { endpoint: second.ocppUrl, identity: clients[0]!.id, password: PASSWORD, version: 'ocpp1.6' });
  t.equal(((await again.call('Heartbeat', {})) as { currentTime: string }).currentTime.length > 0, true, 'reconnects with the stored password');
  const closedAgain = nextClose(again);
  const exit2 = await second.stop('SIGTERM');
  t.equal(exit2.code, 0);
  t.equal((await closedAgain).code, 1001);
});

t.test('SIGTERM while an API request waits for a station that never answers', async (t) => {
  // Default CSMS_CALL_TIMEOUT (30 s) is longer than the 10 s shutdown promise.
  const server = await startServer(t, { env: { CSMS_CALL_TIMEOUT: '30' } });
  await server.registerStation('LC-silent', PASSWORD);
  const raw = await RawStation.open(t, server.ocppUrl, 'LC-silent', { protocols: ['ocpp2.0.1'], password: PASSWORD });
  await raw.settle();
  const pending = server.apiJson('POST', '/stations/LC-silent/ocpp/Reset', { type: 'Immediate' }).catch((error: Error) => ({ status: 0, body: String(error) }));
  t.equal((await raw.nextFrame())[2], 'Reset', 'the call is in flight');
  const exit = await server.stop('SIGTERM');
  t.equal(exit.code, 0, 'exit code 0');
  // Below the 30 s call timeout: shutdown did not wait for the silent station's answer.
  t.ok(exit.ms < 25_000, `exited without waiting for the call timeout (${exit.ms} ms)`);
  t.equal((await raw.closed).code, 1001, 'the station saw the shutdown close');
  const answer = await pending;
  t.not(answer.status, 200, `the waiting API request ended (status ${answer.status})`);
});

t.test('SIGTERM with no stations exits 0 quickly', async (t) => {
  const server = await startServer(t);
  const exit = await server.stop('SIGTERM');
  t.equal(exit.code, 0);
  t.ok(exit.ms < 60_000, `exited by itself, no hang (${exit.ms} ms)`);
});

t.test('SIGINT behaves like SIGTERM', async (t) => {
  const server = await startServer(t);
  await server.registerStation('LC-int', PASSWORD);
  const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'LC-int', password: PASSWORD, version: 'ocpp2.0.1' });
  const closed = nextClose(client);
  const exit = await server.stop('SIGINT');
  t.equal(exit.code, 0);
  t.equal((await closed).code, 1001);
});

t.test('invalid configuration: non-zero exit, quickly, with a clear message', async (t) => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['CSMS_OCPP_PORT=abc', { CSMS_OCPP_PORT: 'abc' }, /CSMS_OCPP_PORT/],
    ['CSMS_API_PORT=70000', { CSMS_API_PORT: '70000' }, /CSMS_API_PORT/],
    ['CSMS_WORKERS=0', { CSMS_WORKERS: '0' }, /CSMS_WORKERS/],
    ['CSMS_ALLOW_UNKNOWN_STATIONS=maybe', { CSMS_ALLOW_UNKNOWN_STATIONS: 'maybe' }, /CSMS_ALLOW_UNKNOWN_STATIONS/],
    ['CSMS_SCRYPT_COST=1000', { CSMS_SCRYPT_COST: '1000' }, /CSMS_SCRYPT_COST/],
    ['CSMS_LOG_LEVEL=loud', { CSMS_LOG_LEVEL: 'loud' }, /CSMS_LOG_LEVEL/],
    ['CSMS_MAX_FRAME_BYTES=10', { CSMS_MAX_FRAME_BYTES: '10' }, /CSMS_MAX_FRAME_BYTES/],
    ['same OCPP and API port', { CSMS_OCPP_PORT: '45678', CSMS_API_PORT: '45678' }, /must differ/],
  ];
  // Two at a time: each start loads the whole module graph before reading the config, and a
  // busy 2-core machine makes a crowd of them slow for reasons that are not ours.
  const queue = [...cases];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await check(next);
  };
  const check = async ([what, env, message]: (typeof cases)[number]) => {
    const result = await runExpectingExit(env, 60_000);
    t.not(result.code, 0, `${what}: non-zero exit (${result.code ?? result.signal})`);
    t.equal(result.signal, null, `${what}: exited, not killed`);
    t.match(result.stderr, message, `${what}: stderr names the problem`);
    t.match(result.stderr, /^Configuration error: /, `${what}: one clear line`);
    t.notMatch(result.stderr, /\n\s+at /, `${what}: no stack trace`);
  };
  await Promise.all([worker(), worker()]);
});

async function occupy(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, server };
}

t.test('a port already in use: non-zero exit with a clear message, no native crash', async (t) => {
  for (const which of ['CSMS_API_PORT', 'CSMS_OCPP_PORT'] as const) {
    const { port, server } = await occupy();
    t.teardown(() => server.close());
    const result = await runExpectingExit({ [which]: String(port), CSMS_WORKERS: '2' }, 60_000);
    t.not(result.code, 0, `${which} in use: non-zero exit`);
    t.equal(result.signal, null, `${which} in use: exited by itself (${result.signal ?? result.code})`);
    t.match(result.stderr, new RegExp(`${port}`), `${which} in use: stderr names the port`);
    t.notMatch(result.stderr, /Assertion failed|uv_loop_close|Native stack trace/, `${which} in use: no native abort`);
  }
});
