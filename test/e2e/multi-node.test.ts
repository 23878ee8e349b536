import t from 'tap';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { ADMIN_AUTH, eventually, metricValue, startServer, type TestServer } from '../helpers/server.js';
import { bootPayload, connectStrict, type StrictClient, type Version } from '../helpers/ocpp-clients.js';
import { startNats } from '../helpers/nats-server.js';

// Two Switchyard nodes and one nats-server: commands follow stations across nodes, a killed
// node's directory entries expire, NATS restarts mid-run, tenants stay apart over REST and NATS.

const TTL_SEC = 3;
const nats = await startNats(t);
const nodeEnv = (id: string) => ({
  NATS_URL: nats.url,
  CSMS_NODE_ID: id,
  CSMS_ALLOW_UNKNOWN_STATIONS: 'true',
  CSMS_REGISTRY_TTL: String(TTL_SEC),
  CSMS_CALL_TIMEOUT: '3',
  CSMS_WORKERS: '1',
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
  await s.client.close();
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

t.test('cross-tenant isolation over REST and NATS subjects', async (t) => {
  const created = await post(nodeB, '/stations', { id: 'MN-ACME', password: 'acme-station-pw' }, 'acme');
  t.equal(created.status, 201);
  const s = await station(t, nodeB, 'MN-ACME', 'ocpp1.6', 'acme-station-pw');
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
  await t.rejects(watcher.request('csms.globex.cmd.MN-ACME.GetConfiguration', '{}', { timeout: 1500 }), 'wrong tenant subject: nobody answers');
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

t.test('a killed node: its directory entries expire and its stations become unknown', async (t) => {
  await station(t, nodeB, 'MN-DOOMED');
  const kv = await new Kvm(watcher).open('csms_stations');
  await eventually(async () => (await kv.get('MN-DOOMED'))?.operation === 'PUT', 10_000, 'directory entry for MN-DOOMED');
  t.match((await kv.get('MN-DOOMED'))!.json(), { nodeId: 'node-b', tenantId: 'default', version: 'ocpp2.0.1' });
  await nodeB.stop('SIGKILL');
  const killedAt = Date.now();
  await eventually(async () => {
    const entry = await kv.get('MN-DOOMED');
    return !entry || entry.operation !== 'PUT';
  }, (TTL_SEC + 10) * 1000, 'entry expired');
  t.ok(Date.now() - killedAt < (TTL_SEC + 10) * 1000, `expired ${Date.now() - killedAt} ms after the kill (TTL ${TTL_SEC} s)`);
  const r = await post(nodeA, '/stations/MN-DOOMED/reset', { type: 'Soft' });
  t.equal(r.status, 404, 'node A no longer routes to the dead node (station unknown here)');
});
