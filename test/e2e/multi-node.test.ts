import t from 'tap';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN_JS, baseEnv, eventually, freePort, metricValue, startServer, type TestServer } from '../helpers/server.js';
import { bootPayload, connectStrict, nextClose, type StrictClient, type Version } from '../helpers/ocpp-clients.js';
import { startNats } from '../helpers/nats-server.js';

// Two Switchyard nodes and one nats-server: commands follow stations across nodes, a killed
// node's lease expires, NATS restarts mid-run, tenants stay apart over REST and NATS. The nodes
// keep their own SQLite stores on purpose (CSMS_INDEPENDENT_NODES=true): what is shared without
// a shared store. The shared-store cluster is test/e2e/cluster.test.ts.

const TTL_SEC = 3;
const nats = await startNats(t);
const nodeEnv = (id: string) => ({
  NATS_URL: nats.url,
  CSMS_NODE_ID: id,
  CSMS_INDEPENDENT_NODES: 'true',
  CSMS_ALLOW_UNKNOWN_STATIONS: 'true',
  CSMS_REGISTRY_TTL: String(TTL_SEC),
  CSMS_CALL_TIMEOUT: '3',
  CSMS_WORKERS: '1',
  CSMS_NATS_FRAME_MIRROR: 'true',
});
const nodeA = await startServer(t, { env: nodeEnv('node-a') });
const nodeB = await startServer(t, { env: nodeEnv('node-b') });

const watcher = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
t.teardown(() => watcher.close());
const subjects: string[] = [];
watcher.subscribe('csms.>', { callback: (_e, m) => subjects.push(m.subject) });
await watcher.flush();

async function station(t: Parameters<Parameters<typeof t.test>[1]>[0], node: TestServer, id: string, version: Version = 'ocpp2.0.1', password?: string): Promise<{ client: StrictClient; resets: unknown[] }> {
  const client = await connectStrict(t, { endpoint: node.ocppUrl, identity: id, version, password });
  const resets: unknown[] = [];
  client.handle('Reset', async ({ params }: { params: unknown }) => {
    resets.push(params);
    return { status: 'Accepted' };
  });
  client.handle('GetVariables', async ({ params }: { params: any }) => ({
    getVariableResult: params.getVariableData.map((d: any) => ({ attributeStatus: 'Accepted', attributeValue: '300', component: d.component, variable: d.variable })),
  }));
  client.handle('GetConfiguration', async () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] }));
  await client.call('BootNotification', bootPayload(version));
  return { client, resets };
}

const post = (node: TestServer, path: string, body: unknown, tenant?: string) =>
  node.api(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(tenant ? { 'x-tenant-id': tenant } : {}) } })
    .then(async (r) => ({ status: r.status, body: await r.json() as any }));

t.test('a REST command on node A reaches a station on node B', async (t) => {
  const s = await station(t, nodeB, 'MN-1');
  const reset = await eventually(async () => {
    const r = await post(nodeA, '/stations/MN-1/reset', { type: 'Soft' });
    return r.status === 200 ? r : undefined;
  }, 10_000, 'reset through node A');
  t.same(reset.body, { action: 'Reset', protocol: 'ocpp2.0.1', result: { status: 'Accepted' } });
  t.same(s.resets, [{ type: 'OnIdle' }]);
  const vars = await post(nodeA, '/stations/MN-1/variables/get', { variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval' }] });
  t.equal(vars.status, 200);
  t.match(vars.body.result, { getVariableResult: [{ attributeValue: '300' }] });
  const generic = await post(nodeA, '/stations/MN-1/ocpp/Reset', { type: 'Immediate' });
  t.same(generic, { status: 200, body: { result: { status: 'Accepted' } } });
  const invalid = await post(nodeA, '/stations/MN-1/ocpp/Reset', { type: 'Sideways' });
  t.equal(invalid.status, 400, 'validation errors travel back from the holding node');
  t.ok(subjects.includes('csms.default.station.MN-1.connected'), 'connected event on NATS');
  t.ok(subjects.includes('csms.default.station.MN-1.booted'), 'booted event on NATS');
  await eventually(async () => subjects.includes('csms.default.ocpp.MN-1.in.Reset'), 30_000, 'frame mirror');
  for (const subject of ['csms.default.ocpp.MN-1.in.BootNotification', 'csms.default.ocpp.MN-1.out.BootNotification', 'csms.default.ocpp.MN-1.out.Reset']) {
    t.ok(subjects.includes(subject), `raw frame mirrored on ${subject}`);
  }
  await s.client.close();
});

t.test('GET /stations/{id} on one node shows a station connected to another', async (t) => {
  // Nodes here keep separate SQLite stores; with a shared store the record is on every node.
  await nodeA.registerStation('MN-SEEN', 'seen-station-pw-x');
  const s = await station(t, nodeB, 'MN-SEEN', 'ocpp2.0.1');
  const view = await eventually(async () => {
    const r = await nodeA.apiJson('GET', '/stations/MN-SEEN');
    return r.body.connected ? r.body : undefined;
  }, 10_000, 'seen as connected from node A');
  t.match(view, { id: 'MN-SEEN', connected: true, protocol: 'ocpp2.0.1', gatewayThread: null, connectedAt: String });
  await s.client.close();
  await eventually(async () => (await nodeA.apiJson('GET', '/stations/MN-SEEN')).body.connected === false, 10_000, 'then disconnected');
});

t.test('a station moving from A to B: commands follow it', async (t) => {
  const first = await station(t, nodeA, 'MN-MOVE', 'ocpp1.6');
  const viaB = await eventually(async () => {
    const r = await post(nodeB, '/stations/MN-MOVE/reset', { type: 'Hard' });
    return r.status === 200 ? r : undefined;
  }, 10_000, 'reset through node B to node A');
  t.equal(viaB.body.protocol, 'ocpp1.6');
  t.same(first.resets, [{ type: 'Hard' }]);
  await first.client.close();
  const second = await station(t, nodeB, 'MN-MOVE', 'ocpp2.0.1');
  const viaA = await eventually(async () => {
    const r = await post(nodeA, '/stations/MN-MOVE/reset', { type: 'Hard' });
    return r.status === 200 && r.body.protocol === 'ocpp2.0.1' ? r : undefined;
  }, 10_000, 'reset through node A to node B');
  t.same(viaA.body.result, { status: 'Accepted' });
  t.same(second.resets, [{ type: 'Immediate' }]);
  const local = await post(nodeB, '/stations/MN-MOVE/reset', { type: 'Hard' });
  t.equal(local.status, 200, 'and on its own node directly');
  await second.client.close();
});

t.test('a station reconnecting elsewhere while its old socket is still open: newest connection wins', async (t) => {
  const old = await station(t, nodeA, 'MN-DUP', 'ocpp1.6');
  await eventually(async () => (await post(nodeB, '/stations/MN-DUP/reset', { type: 'Soft' })).status === 200, 10_000, 'MN-DUP known on B');
  const closed = nextClose(old.client);
  const fresh = await station(t, nodeB, 'MN-DUP', 'ocpp2.0.1');
  const { code } = await closed;
  t.equal(code, 4000, 'node A closed the stale connection when node B announced the station');
  const r = await eventually(async () => {
    const x = await post(nodeA, '/stations/MN-DUP/reset', { type: 'Soft' });
    return x.status === 200 ? x : undefined;
  }, 10_000, 'command from A reaches the new connection on B');
  t.equal(r.body.protocol, 'ocpp2.0.1');
  t.same(fresh.resets, [{ type: 'OnIdle' }]);
  await fresh.client.close();
});

t.test('cross-tenant isolation over REST and NATS subjects', async (t) => {
  const created = await post(nodeB, '/stations', { id: 'MN-ACME', password: 'acme-station-pw-x' }, 'acme');
  t.equal(created.status, 201);
  const s = await station(t, nodeB, 'MN-ACME', 'ocpp1.6', 'acme-station-pw-x');
  const acme = await eventually(async () => {
    const r = await post(nodeA, '/stations/MN-ACME/reset', { type: 'Soft' }, 'acme');
    return r.status === 200 ? r : undefined;
  }, 10_000, 'acme reaches its station through node A');
  t.equal(acme.body.result.status, 'Accepted');
  const foreign = await post(nodeA, '/stations/MN-ACME/reset', { type: 'Soft' }, 'globex');
  const absent = await post(nodeA, '/stations/NO-SUCH/reset', { type: 'Soft' }, 'globex');
  t.equal(foreign.status, 404, 'another tenant: 404 through the other node');
  t.equal(absent.status, 404);
  t.equal(foreign.body.error, absent.body.error);
  t.equal((await post(nodeB, '/stations/MN-ACME/reset', { type: 'Soft' }, 'globex')).status, 404, 'and through the holding node');
  t.equal((await nodeB.api('/stations/MN-ACME', { headers: { 'x-tenant-id': 'globex' } })).status, 404);
  t.equal(s.resets.length, 1, 'only the acme command reached the station');

  const reply = await watcher.request('csms.acme.cmd.MN-ACME.GetConfiguration', JSON.stringify({}), { timeout: 5000 });
  t.match(reply.json(), { v: 1, status: 'result', payload: { configurationKey: [{ key: 'HeartbeatInterval' }] } }, 'NATS request in the right tenant is answered');
  const foreignNats = await watcher.request('csms.globex.cmd.MN-ACME.GetConfiguration', '{}', { timeout: 5000 });
  t.match(foreignNats.json(), { v: 1, status: 'failed', reason: 'disconnected' }, 'wrong tenant subject: answered like an absent station');
  t.ok(subjects.includes('csms.acme.station.MN-ACME.booted'), 'events are under the station\'s tenant');
  // (The test's own requests on csms.*.cmd.… are left out: they are what we sent.)
  const published = subjects.filter((s) => !s.split('.').includes('cmd'));
  t.notOk(published.some((s) => s.startsWith('csms.globex.') || (s.includes('MN-ACME') && !s.startsWith('csms.acme.'))), 'nothing about acme under any other tenant');
  await s.client.close();
});

t.test('NATS restarted mid-run: nodes reconnect, buffered events flow, commands work again', async (t) => {
  await nats.stop();
  // Events produced while NATS is away are held in the bounded outbox.
  const during = await station(t, nodeA, 'MN-OUTAGE', 'ocpp1.6');
  const buffered = metricValue(await nodeA.metrics(), 'csms_bus_buffered_messages');
  t.ok(buffered > 0, `events buffered during the outage (${buffered})`);
  t.equal(metricValue(await nodeA.metrics(), 'csms_bus_connected'), 0);
  await nats.restart();
  await eventually(async () => metricValue(await nodeA.metrics(), 'csms_bus_connected') === 1, 15_000, 'node A reconnected');
  await eventually(async () => metricValue(await nodeA.metrics(), 'csms_bus_buffered_messages') === 0, 15_000, 'outbox flushed');
  t.equal(metricValue(await nodeA.metrics(), 'csms_bus_dropped_messages_total'), 0, 'nothing dropped');
  await eventually(async () => watcher.isClosed() === false && (await watcher.flush().then(() => true, () => false)), 15_000, 'watcher reconnected');
  const s = await station(t, nodeB, 'MN-AFTER');
  await eventually(async () => subjects.includes('csms.default.station.MN-AFTER.booted'), 10_000, 'events resume after the restart');
  const r = await eventually(async () => {
    const x = await post(nodeA, '/stations/MN-AFTER/reset', { type: 'Soft' });
    return x.status === 200 ? x : undefined;
  }, 15_000, 'cross-node command after the restart');
  t.equal(r.body.result.status, 'Accepted');
  t.same(s.resets, [{ type: 'OnIdle' }]);
  await during.client.close();
  await s.client.close();
});

t.test('an API-only node (CSMS_ROLE=api) reaches stations on gateway nodes', async (t) => {
  const apiNode = await startServer(t, { env: { ...nodeEnv('node-api'), CSMS_ROLE: 'api' } });
  const health = await (await apiNode.api('/health')).json() as any;
  t.equal(health.bus, 'nats');
  t.equal(health.workers, 1, 'configured workers are reported, but none run');
  const s = await station(t, nodeA, 'MN-VIA-API', 'ocpp1.6');
  const conf = await eventually(async () => {
    const x = await apiNode.api('/stations/MN-VIA-API/configuration?key=HeartbeatInterval');
    return x.status === 200 ? x : undefined;
  }, 10_000, 'GetConfiguration routed through the API-only node');
  t.match(await conf.json(), { action: 'GetConfiguration', protocol: 'ocpp1.6', result: { configurationKey: [{ key: 'HeartbeatInterval' }] } });
  await t.rejects(fetch(`ws://127.0.0.1:${apiNode.ocppPort}`.replace('ws', 'http')), 'no OCPP listener on an API-only node');
  await s.client.close();
});

t.test('a second node with the id of a running node is refused at start-up', async (t) => {
  const ports = { ocpp: await freePort(), api: await freePort() };
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-twin-'));
  const child = spawn(process.execPath, [MAIN_JS], {
    env: { ...process.env, ...baseEnv(ports, dataDir), ...nodeEnv('node-a') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  t.teardown(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });
  t.equal(await exited, 2, 'exits with the configuration-error status');
  t.match(stderr, /refused to start: Node id 'node-a' is in use/);
  t.equal((await nodeA.apiJson('GET', '/health')).status, 200, 'the running node-a is untouched');
});

t.test('a killed node: its lease expires, its entries read as gone, commands fail cleanly', async (t) => {
  await station(t, nodeB, 'MN-DOOMED');
  const kv = await new Kvm(watcher).open('csms_directory');
  const leases = await new Kvm(watcher).open('csms_nodes');
  await eventually(async () => (await kv.get('MN-DOOMED'))?.operation === 'PUT', 10_000, 'directory entry for MN-DOOMED');
  t.match((await kv.get('MN-DOOMED'))!.json(), { nodeId: 'node-b', epoch: Number, tenantId: 'default', version: 'ocpp2.0.1' });
  await eventually(async () => (await post(nodeA, '/stations/MN-DOOMED/reset', { type: 'Soft' })).status === 200, 10_000, 'reachable through node A');
  await nodeB.stop('SIGKILL');
  const early = await post(nodeA, '/stations/MN-DOOMED/reset', { type: 'Soft' });
  t.ok([503, 404].includes(early.status), `right after the kill: ${early.status} ${early.body.code} (node unavailable, or already gone), never a hang or a timeout`);
  if (early.status === 503) t.equal(early.body.code, 'STATION_NODE_UNAVAILABLE');
  await eventually(async () => {
    const lease = await leases.get('node-b');
    return !lease || lease.operation !== 'PUT';
  }, (TTL_SEC + 10) * 1000, 'lease of node-b expired');
  const r = await eventually(async () => {
    const x = await post(nodeA, '/stations/MN-DOOMED/reset', { type: 'Soft' });
    return x.status === 404 ? x : undefined;
  }, 10_000, 'node A reads the entry as gone');
  t.equal(r.body.code, 'STATION_NOT_FOUND', 'unknown here, not connected anywhere');
  t.match((await kv.get('MN-DOOMED'))?.json(), { nodeId: 'node-b' }, 'the entry was not rewritten: the lease decides');
});

t.test('CSMS_ROLE=gateway: OCPP only, no REST API; its stations are commanded through other nodes', async (t) => {
  const ports = { ocpp: await freePort(), api: await freePort() };
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-gw-'));
  const child = spawn(process.execPath, [MAIN_JS], {
    env: { ...process.env, ...baseEnv(ports, dataDir), ...nodeEnv('node-gw'), CSMS_ROLE: 'gateway' },
    stdio: 'ignore',
  });
  const exited = new Promise<{ code: number | null }>((r) => child.once('exit', (code) => r({ code })));
  t.teardown(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });
  const gateway = { ocppUrl: `ws://127.0.0.1:${ports.ocpp}/ocpp` } as TestServer;
  const s = await eventually(async () => station(t, gateway, 'MN-GW', 'ocpp1.6').catch(() => undefined), 20_000, 'gateway node accepts stations');
  await t.rejects(fetch(`http://127.0.0.1:${ports.api}/health`), 'no REST API on a gateway node');
  const r = await eventually(async () => {
    const x = await post(nodeA, '/stations/MN-GW/reset', { type: 'Soft' });
    return x.status === 200 ? x : undefined;
  }, 10_000, 'command through node A');
  t.equal(r.body.result.status, 'Accepted');
  t.same(s.resets, [{ type: 'Soft' }]);
  await s.client.close();
  child.kill('SIGTERM');
  t.equal((await exited).code, 0, 'gateway node stops cleanly');
});

t.test('graceful stop: a node withdraws its stations and releases its lease at once, and exits 0', async (t) => {
  await station(t, nodeA, 'MN-BYE', 'ocpp1.6');
  const kv = await new Kvm(watcher).open('csms_directory');
  await eventually(async () => (await kv.get('MN-BYE'))?.operation === 'PUT', 10_000, 'announced');
  const exit = await nodeA.stop('SIGTERM');
  t.equal(exit.code, 0);
  t.ok(exit.ms < 60_000, `stopped by itself, no hang (${exit.ms} ms)`);
  const entry = await kv.get('MN-BYE');
  t.ok(!entry || entry.operation !== 'PUT', 'entry withdrawn on shutdown, without waiting for the TTL');
  const lease = await (await new Kvm(watcher).open('csms_nodes')).get('node-a');
  t.ok(!lease || lease.operation !== 'PUT', 'lease released');
});
