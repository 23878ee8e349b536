import t from 'tap';
import { connect } from '@nats-io/transport-node';
import { resultReply, stationCall, type StationCall } from '../../core/envelope.js';
import type { OcppVersion } from '../../core/protocols.js';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import { commandSubject } from '../../adapters/bus/nats-subjects.js';
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
  const router = new CommandRouter(ncB, { holds: (tenantId, id) => held.get(id)?.tenantId === tenantId, sendLocal: (c) => nodeB.sendLocal(c) }, (e) => t.fail(String(e)));
  router.listen();
  t.teardown(() => router.close());
  await ncB.flush();

  const caller = new NatsStationCaller(ncA, 3000);
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

  // Integrators: a bare OCPP payload on the subject works; another tenant's subject gets no answer.
  const bare = await ncA.request(commandSubject('acme', 'CP.1', 'Reset'), JSON.stringify({ type: 'Soft' }), { timeout: 3000 });
  t.match(bare.json(), { v: 1, status: 'result', payload: { status: 'Accepted' } });
  const mismatched = await ncA.request(commandSubject('acme', 'CP.1', 'Reset'), JSON.stringify(stationCall('acme', 'CP.2', 'Reset', {})), { timeout: 3000 });
  t.match(mismatched.json(), { status: 'failed', reason: 'invalid-request' });
  t.equal(reachedB.length, 3, 'only the valid calls reached the station');
  // Every node listens, only the holder answers: silence (a timeout) is how "nobody holds it" sounds.
  const impatient = new NatsStationCaller(ncA, 300);
  t.match(await impatient.call(stationCall('globex', 'CP.1', 'Reset', { type: 'Soft' })), { status: 'failed', reason: 'timeout' }, 'wrong tenant: nobody answers');
  t.match(await impatient.call(stationCall('acme', 'NOPE', 'Reset', { type: 'Soft' })), { status: 'failed', reason: 'timeout' });
  router.close();
  await ncB.flush();
  t.match(await impatient.call(stationCall('acme', 'CP.1', 'Reset', { type: 'Soft' })), { status: 'failed', reason: 'disconnected' }, 'no node listening: no responders');
});
