import t from 'tap';
import { connect } from '@nats-io/transport-node';
import { resultReply, stationCall, type StationCall } from '../../core/envelope.js';
import type { OcppVersion } from '../../core/protocols.js';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import { commandSubject, nodeCommandSubject } from '../../adapters/bus/nats-subjects.js';
import { createStationCommands, type RemoteNodes } from '../../actors/commands/station-commands.js';
import { remoteStart } from '../../actors/commands/remote-start.js';
import { CommandRouter, NatsStationCaller, callFromRequest } from '../../workers/command-router.js';
import { natsServerMissing, startNats } from '../helpers/nats-server.js';

// StationCall/StationReply over NATS request/reply between two "nodes" (two services, two
// stores): node B holds the station, node A sends. Effects run once, on B; facts come back to A.

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const target = { tenantId: 'acme', stationId: 'CP.1', action: 'Reset' };

t.test('request bodies: a StationCall, or the bare OCPP payload', async (t) => {
  t.match(callFromRequest(target, encode({ type: 'Soft' })), { v: 1, ...target, payload: { type: 'Soft' }, correlationId: String });
  t.match(callFromRequest(target, new Uint8Array()), { v: 1, ...target, payload: {} }, 'an empty body is an empty payload');
  const call = { ...stationCall('acme', 'CP.1', 'Reset', { type: 'Hard' }, 'corr-1'), protocol: 'ocpp1.6' };
  t.same(callFromRequest(target, encode(call)), call, 'a full StationCall is taken as it is');
  t.match(callFromRequest(target, encode({ v: 1, payload: { type: 'Hard' } })), { ...target, correlationId: /./, payload: { type: 'Hard' } }, 'missing correlationId is filled');
  t.match(callFromRequest(target, encode({ ...call, stationId: 'OTHER' })), { status: 'failed', reason: 'invalid-request', message: /stationId/ });
  t.match(callFromRequest(target, encode({ ...call, protocol: 'ocpp9' })), { status: 'failed', reason: 'invalid-request' });
  t.match(callFromRequest(target, new TextEncoder().encode('{nope')), { status: 'failed', reason: 'invalid-request', message: /not JSON/ });
  t.match(callFromRequest(target, encode([1, 2])), { status: 'failed', reason: 'invalid-request' });
});

t.test('commands across nodes over a real nats-server', { skip: natsServerMissing() }, async (t) => {
  const nats = await startNats(t);
  const ncA = await connect({ servers: nats.url });
  const ncB = await connect({ servers: nats.url });
  const storeA = new SqliteStore({ path: ':memory:' });
  const storeB = new SqliteStore({ path: ':memory:' });
  t.teardown(async () => {
    await ncA.close();
    await ncB.close();
    await storeA.close();
    await storeB.close();
  });

  // Node B holds CP.1 (1.6, tenant acme); node A holds nothing and finds CP.1 through "the directory".
  const held = new Map<string, { tenantId: string; protocol: OcppVersion }>([['CP.1', { tenantId: 'acme', protocol: 'ocpp1.6' }]]);
  const reachedB: StationCall[] = [];
  const nodeB = createStationCommands({
    store: storeB,
    publish: () => {},
    locate: async (id) => (held.get(id) ? { ...held.get(id)!, local: true } : undefined),
    local: { call: async (call) => (reachedB.push(call), resultReply({ status: 'Accepted' }, call.protocol)) },
  });
  const router = new CommandRouter(ncB, 'node-b', { holds: (tenantId, id) => held.get(id)?.tenantId === tenantId, sendLocal: (c) => nodeB.sendLocal(c), send: (c) => nodeB.send(c) }, (e) => t.fail(String(e)));
  router.listen();
  t.teardown(() => router.close());
  await ncB.flush();

  const directory = async (id: string) => (held.get(id) ? { nodeId: 'node-b', tenantId: held.get(id)!.tenantId } : undefined);
  const caller = new NatsStationCaller(ncA, 3000, directory);
  const remote: RemoteNodes = { call: (c) => caller.call(c) };
  const nodeA = createStationCommands({
    store: storeA,
    publish: () => {},
    locate: async (id) => (held.get(id) ? { ...held.get(id)!, local: false } : undefined),
    local: { call: async () => t.fail('node A holds no station') as never },
    remote,
  });

  const run = await nodeA.run('acme', 'CP.1', remoteStart, { idToken: 'TAG' });
  t.match(run, { reply: { v: 1, status: 'result', payload: { status: 'Accepted' }, facts: { remoteStartId: Number } }, sent: { protocol: 'ocpp1.6', action: 'RemoteStartTransaction' } });
  t.equal(reachedB.length, 1);
  t.match(reachedB[0], { tenantId: 'acme', stationId: 'CP.1', action: 'RemoteStartTransaction', protocol: 'ocpp1.6', payload: { idTag: 'TAG' } });
  const startOn = (store: SqliteStore) =>
    store.transactions.startTransaction16('acme', 'CP.1', { connectorId: 1, idTag: 'TAG', meterStart: 0, timestamp: new Date().toISOString() }).then((o) => o.transaction.remoteStartId);
  t.equal(await startOn(storeB), run.reply.facts!.remoteStartId, 'recorded on the holding node');
  t.equal(await startOn(storeA), null, 'and not on the sending node');

  const generic = await nodeA.send(stationCall('acme', 'CP.1', 'SendLocalList', { listVersion: 3, updateType: 'Full' }));
  t.match(generic, { status: 'result' });
  t.equal((await storeB.tokens.getLocalList('acme', 'CP.1'))?.version, 3, 'generic call over NATS: effect on B');
  t.equal(await storeA.tokens.getLocalList('acme', 'CP.1'), undefined);

  // Integrators: a bare OCPP payload on the subject works; another tenant's subject is answered
  // exactly like an absent station.
  const bare = await ncA.request(commandSubject('acme', 'CP.1', 'Reset'), JSON.stringify({ type: 'Soft' }), { timeout: 3000 });
  t.match(bare.json(), { v: 1, status: 'result', payload: { status: 'Accepted' } });
  const mismatched = await ncA.request(commandSubject('acme', 'CP.1', 'Reset'), JSON.stringify(stationCall('acme', 'CP.2', 'Reset', {})), { timeout: 3000 });
  t.match(mismatched.json(), { status: 'failed', reason: 'invalid-request' });
  const foreign = await ncA.request(commandSubject('globex', 'CP.1', 'Reset'), JSON.stringify({ type: 'Soft' }), { timeout: 3000 });
  const absent = await ncA.request(commandSubject('acme', 'NOPE', 'Reset'), JSON.stringify({ type: 'Soft' }), { timeout: 3000 });
  t.match(foreign.json(), { status: 'failed', reason: 'disconnected' }, 'wrong tenant: answered, not connected');
  t.match(absent.json(), { status: 'failed', reason: 'disconnected' });
  t.equal(reachedB.length, 3, 'only the valid calls reached the station');
  t.match(await caller.call(stationCall('globex', 'CP.1', 'Reset', { type: 'Soft' })), { status: 'failed', reason: 'disconnected' }, 'the directory names no station in that tenant');
  t.match(await caller.call(stationCall('acme', 'NOPE', 'Reset', { type: 'Soft' })), { status: 'failed', reason: 'disconnected' });
  // A node-addressed call B does not hold (another tenant, stale): answered at once, never run.
  const direct = await ncA.request(nodeCommandSubject('node-b'), JSON.stringify(stationCall('globex', 'CP.1', 'Reset', { type: 'Soft' })), { timeout: 3000 });
  t.match(direct.json(), { status: 'failed', reason: 'stale-location' });
  t.equal(reachedB.length, 3);
  router.close();
  await ncB.flush();
  t.match(await caller.call(stationCall('acme', 'CP.1', 'Reset', { type: 'Soft' })), { status: 'failed', reason: 'node-unavailable', details: { nodeId: 'node-b' } }, 'the named node does not listen: no responders, at once');
});

t.test('integrators\' requests: one node of the queue group takes each one', { skip: natsServerMissing() }, async (t) => {
  const nats = await startNats(t);
  const nc = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  const taken: string[] = [];
  for (const nodeId of ['node-1', 'node-2', 'node-3']) {
    const router = new CommandRouter(
      nc,
      nodeId,
      {
        holds: () => false,
        sendLocal: async () => t.fail('nothing is forwarded here') as never,
        send: async () => (taken.push(nodeId), resultReply({ status: 'Accepted' }, 'ocpp1.6')),
      },
      (e) => t.fail(String(e)),
    );
    router.listen();
    t.teardown(() => router.close());
  }
  await nc.flush();
  for (let i = 0; i < 20; i++) {
    const reply = await nc.request(commandSubject('acme', `CP-${i}`, 'Reset'), JSON.stringify({ type: 'Soft' }), { timeout: 3000 });
    t.match(reply.json(), { status: 'result' });
  }
  t.equal(taken.length, 20, 'twenty requests, twenty sends: none taken twice, none dropped');
});

t.test('a stale directory entry: the named node refuses, the caller looks again and follows or fails cleanly', { skip: natsServerMissing() }, async (t) => {
  const nats = await startNats(t);
  const nc = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  // Nodes b and c each hold what `holding` says; the directory says what `named` says.
  const holding = new Map<string, string>([['CP-S', 'node-c']]);
  const reached: string[] = [];
  for (const nodeId of ['node-b', 'node-c']) {
    const router = new CommandRouter(
      nc,
      nodeId,
      {
        holds: (_tenant, id) => holding.get(id) === nodeId,
        sendLocal: async (call) => (reached.push(`${nodeId}:${call.stationId}`), resultReply({ status: 'Accepted' }, 'ocpp1.6')),
      },
      (e) => t.fail(String(e)),
    );
    router.listen();
    t.teardown(() => router.close());
  }
  await nc.flush();
  const named = { cached: 'node-b' as string | undefined, fresh: 'node-c' as string | undefined };
  const lookups: boolean[] = [];
  const retries: unknown[] = [];
  const caller = new NatsStationCaller(
    nc,
    3000,
    async (_id, { fresh }) => {
      lookups.push(fresh);
      const nodeId = fresh ? named.fresh : named.cached;
      return nodeId ? { nodeId, tenantId: 'acme' } : undefined;
    },
    (info) => retries.push(info),
  );
  const reset = () => caller.call(stationCall('acme', 'CP-S', 'Reset', { type: 'Soft' }));

  t.match(await reset(), { status: 'result' }, 'stale cache: b refuses, a fresh lookup names c, the call follows the station');
  t.same(reached, ['node-c:CP-S'], 'run once, on the node holding it');
  t.same(lookups, [false, true]);
  t.match(retries, [{ stationId: 'CP-S', nodeId: 'node-b', reason: 'stale-location', nowOn: 'node-c' }]);

  named.fresh = 'node-b';
  t.match(await reset(), { status: 'failed', reason: 'stale-location' }, 'still named after the fresh lookup: 409 STATION_LOCATION_STALE');
  named.fresh = undefined;
  t.match(await reset(), { status: 'failed', reason: 'disconnected' }, 'the fresh lookup names nobody: not connected');
  named.cached = 'node-gone';
  named.fresh = 'node-c';
  t.match(await reset(), { status: 'result' }, 'a node that does not answer: looked up again, followed');
  named.fresh = 'node-gone';
  t.match(await reset(), { status: 'failed', reason: 'node-unavailable' }, 'still the dead node: 503 STATION_NODE_UNAVAILABLE');
  t.same(reached, ['node-c:CP-S', 'node-c:CP-S'], 'no call ran twice or on a node that does not hold the station');

  // A node that took the call and went silent: a timeout; then asked whether it is there at all.
  const swallowed = nc.subscribe(nodeCommandSubject('node-mute'), { callback: () => {} });
  t.teardown(() => swallowed.unsubscribe());
  await nc.flush();
  const impatient = new NatsStationCaller(nc, 300, async () => ({ nodeId: 'node-mute', tenantId: 'acme' }));
  t.match(await impatient.call(stationCall('acme', 'CP-S', 'Reset', { type: 'Soft' })), { status: 'failed', reason: 'node-unavailable', details: { nodeId: 'node-mute' } }, 'no answer to the ping either: the node is gone (503), not retried');
  const slowRouter = new CommandRouter(nc, 'node-slow', { holds: () => true, sendLocal: () => new Promise(() => {}) }, (e) => t.fail(String(e)));
  slowRouter.listen();
  t.teardown(() => slowRouter.close());
  await nc.flush();
  const toSlow = new NatsStationCaller(nc, 300, async () => ({ nodeId: 'node-slow', tenantId: 'acme' }));
  t.match(await toSlow.call(stationCall('acme', 'CP-S', 'Reset', { type: 'Soft' })), { status: 'failed', reason: 'timeout' }, 'a node that answers the ping: the call timed out there (504)');
});
