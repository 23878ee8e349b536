import t, { type Test } from 'tap';
import { callErrorReply, failedReply, resultReply, stationCall, type StationCall, type StationReply } from '../../core/envelope.js';
import type { Payload } from '../../core/frame.js';
import type { OcppVersion } from '../../core/protocols.js';
import type { StationCaller } from '../../core/ports/station-caller.js';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import { createStationCommands, type RemoteNodes, type StationWhereabouts } from '../../actors/commands/station-commands.js';
import { remoteStart } from '../../actors/commands/remote-start.js';
import { remoteStop } from '../../actors/commands/remote-stop.js';
import { reset } from '../../actors/commands/reset.js';
import { sendLocalList } from '../../actors/commands/send-local-list.js';
import { transactionEventFrom2 } from '../../core/transaction-mapping-2.js';

// The station-commands service: one path for every entry point (typed, generic, NATS-local),
// the action's effects on the holding node only, and only when the station answered.

// Real time: the store matches a 1.6 start to a remote start of the last 10 minutes by its own clock.
const NOW = new Date();

/** A gateway that records what it was asked and answers from a script (default: Accepted). */
function fakeCaller(answer: (call: StationCall) => StationReply = () => resultReply({ status: 'Accepted' })) {
  const calls: StationCall[] = [];
  const caller: StationCaller = {
    async call(call) {
      calls.push(call);
      return answer(call);
    },
  };
  return { caller, calls };
}

async function setup(t: Test, options: { answer?: (call: StationCall) => StationReply; remote?: RemoteNodes } = {}) {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const stations = new Map<string, StationWhereabouts>();
  const local = fakeCaller(options.answer);
  const commands = createStationCommands({
    store,
    publish: () => {},
    clock: () => NOW,
    locate: async (id) => stations.get(id),
    local: local.caller,
    remote: options.remote,
  });
  const connect = async (id: string, protocol: OcppVersion, where: Partial<StationWhereabouts> = {}) => {
    await store.stations.createStation({ tenantId: where.tenantId ?? 'acme', id, passwordHash: null });
    stations.set(id, { tenantId: 'acme', protocol, local: true, ...where });
  };
  return { store, commands, calls: local.calls, connect };
}

/** The remoteStartId a 1.6 StartTransaction for this idTag borrows: proof the remote start was recorded. */
async function borrowedRemoteStartId(store: SqliteStore, stationId: string, idTag: string): Promise<number | null> {
  const outcome = await store.transactions.startTransaction16('acme', stationId, { connectorId: 1, idTag, meterStart: 0, timestamp: NOW.toISOString() });
  return outcome.transaction.remoteStartId;
}

t.test('1.6 remote start is recorded whichever way it is sent', async (t) => {
  const { store, commands, calls, connect } = await setup(t);
  await connect('CP16', 'ocpp1.6');

  const typed = await commands.run('acme', 'CP16', remoteStart, { idToken: 'TYPED', evseId: 1 });
  t.equal(typed.reply.status, 'result');
  t.same(typed.sent, { protocol: 'ocpp1.6', action: 'RemoteStartTransaction' });
  t.type(typed.reply.facts?.remoteStartId, 'number', 'the issued remoteStartId comes back as a fact');
  t.equal(await borrowedRemoteStartId(store, 'CP16', 'TYPED'), typed.reply.facts!.remoteStartId, 'typed path');

  const generic = await commands.send(stationCall('acme', 'CP16', 'RemoteStartTransaction', { idTag: 'GENERIC' }));
  t.equal(await borrowedRemoteStartId(store, 'CP16', 'GENERIC'), generic.facts!.remoteStartId, 'generic path');

  const viaNats = await commands.sendLocal(stationCall('acme', 'CP16', 'RemoteStartTransaction', { idTag: 'NATS' }));
  t.equal(await borrowedRemoteStartId(store, 'CP16', 'NATS'), viaNats.facts!.remoteStartId, 'NATS-local path');

  t.same(calls.map((c) => [c.action, c.payload, c.protocol]), [
    ['RemoteStartTransaction', { idTag: 'TYPED', connectorId: 1 }, 'ocpp1.6'],
    ['RemoteStartTransaction', { idTag: 'GENERIC' }, 'ocpp1.6'],
    ['RemoteStartTransaction', { idTag: 'NATS' }, 'ocpp1.6'],
  ], 'the station got the 1.6 payloads unchanged, with the protocol filled in');
});

t.test('2.x RequestStartTransaction: remoteStartId issued when missing, kept when given', async (t) => {
  const { store, commands, calls, connect } = await setup(t);
  await connect('CP2', 'ocpp2.0.1');

  const typed = await commands.run('acme', 'CP2', remoteStart, { idToken: 'APP', type: 'Central', evseId: 1 });
  const issued = typed.reply.facts!.remoteStartId as number;
  t.type(issued, 'number');
  t.same(calls[0]!.payload, { idToken: { idToken: 'APP', type: 'Central' }, evseId: 1, remoteStartId: issued }, 'filled before it went out');

  const generic = await commands.send(stationCall('acme', 'CP2', 'RequestStartTransaction', { idToken: { idToken: 'RAW', type: 'ISO14443' } }));
  t.not(generic.facts!.remoteStartId, issued, 'each remote start gets its own id');
  t.equal(calls[1]!.payload.remoteStartId, generic.facts!.remoteStartId);

  const own = await commands.send(stationCall('acme', 'CP2', 'RequestStartTransaction', { idToken: { idToken: 'OWN', type: 'ISO14443' }, remoteStartId: 777 }));
  t.equal(calls[2]!.payload.remoteStartId, 777, "a caller's own id is kept");
  t.equal(own.facts!.remoteStartId, 777);

  // The issued id is one the CSMS vouches for when the station's TransactionEvent carries it; 777 is not.
  const started = (remoteStartId: number, txId: string) =>
    store.transactions.applyTransactionEvent('acme', 'CP2', transactionEventFrom2('ocpp2.0.1', {
      eventType: 'Started', timestamp: NOW.toISOString(), triggerReason: 'RemoteStart', seqNo: 0, transactionInfo: { transactionId: txId, remoteStartId },
    }));
  t.equal((await started(issued, 'TX-1')).remoteStart, true, 'issued id: vouched for');
  t.equal((await started(777, 'TX-2')).remoteStart, false, "caller's id: not recorded, not vouched for");
});

t.test('SendLocalList updates the tracked list from any path, only when Accepted', async (t) => {
  let status = 'Accepted';
  const { store, commands, connect } = await setup(t, { answer: () => resultReply({ status }) });
  await connect('CP16', 'ocpp1.6');
  await connect('CP2', 'ocpp2.1');

  await commands.run('acme', 'CP16', sendLocalList, { updateType: 'Full', version: 1, entries: [{ idToken: 'A', type: 'ISO14443', status: 'Accepted' }, { idToken: 'B', type: 'ISO14443', status: 'Blocked' }] });
  t.same((await store.tokens.getLocalList('acme', 'CP16'))?.entries.map((e) => [e.idToken, e.status]), [['A', 'Accepted'], ['B', 'Blocked']], 'typed path');

  await commands.send(stationCall('acme', 'CP16', 'SendLocalList', { listVersion: 2, updateType: 'Differential', localAuthorizationList: [{ idTag: 'A' }] }));
  t.match(await store.tokens.getLocalList('acme', 'CP16'), { version: 2, entries: [{ idToken: 'B', type: 'ISO14443', status: 'Blocked' }] }, 'generic path: a raw differential update removes A');

  await commands.sendLocal(stationCall('acme', 'CP2', 'SendLocalList', {
    versionNumber: 9, updateType: 'Full', localAuthorizationList: [{ idToken: { idToken: 'X', type: 'eMAID' }, idTokenInfo: { status: 'Accepted', cacheExpiryDateTime: '2030-01-01T00:00:00.000Z' } }],
  }));
  t.match(await store.tokens.getLocalList('acme', 'CP2'), { version: 9, entries: [{ idToken: 'X', type: 'eMAID', status: 'Accepted', expiresAt: '2030-01-01T00:00:00.000Z' }] }, 'NATS-local path, 2.x shape');

  status = 'VersionMismatch';
  const refused = await commands.send(stationCall('acme', 'CP2', 'SendLocalList', { versionNumber: 10, updateType: 'Full' }));
  t.match(refused, { status: 'result', payload: { status: 'VersionMismatch' } });
  t.equal((await store.tokens.getLocalList('acme', 'CP2'))?.version, 9, 'a refused update changes nothing');
});

t.test('no effects when the station answers with a CALLERROR or not at all', async (t) => {
  const replies: StationReply[] = [callErrorReply('NotSupported', 'no lists here'), failedReply('timeout', 'silent')];
  const { store, commands, connect } = await setup(t, { answer: () => replies.shift()! });
  await connect('CP16', 'ocpp1.6');
  const list = { listVersion: 1, updateType: 'Full', localAuthorizationList: [{ idTag: 'A', idTagInfo: { status: 'Accepted' } }] };
  t.match(await commands.send(stationCall('acme', 'CP16', 'SendLocalList', list)), { status: 'callerror', code: 'NotSupported' });
  t.match(await commands.send(stationCall('acme', 'CP16', 'SendLocalList', list)), { status: 'failed', reason: 'timeout' });
  t.equal(await store.tokens.getLocalList('acme', 'CP16'), undefined, 'nothing stored');
});

t.test('stations held by other nodes go to `remote`; effects run there, not here', async (t) => {
  const remote = fakeCaller(() => ({ ...resultReply({ status: 'Accepted' }), facts: { remoteStartId: 5 } }));
  let served: unknown;
  const { store, commands, calls, connect } = await setup(t, { remote: { call: (c) => remote.caller.call(c), serve: (local) => (served = local) } });
  t.equal(served, commands, 'the cluster was handed this service to answer other nodes with');
  await connect('FAR16', 'ocpp1.6', { local: false });

  const run = await commands.run('acme', 'FAR16', remoteStart, { idToken: 'T' });
  t.same(remote.calls.map((c) => [c.action, c.payload, c.protocol, c.tenantId]), [['RemoteStartTransaction', { idTag: 'T' }, 'ocpp1.6', 'acme']]);
  t.same(run.reply.facts, { remoteStartId: 5 }, "the holding node's facts come back");
  t.equal(await borrowedRemoteStartId(store, 'FAR16', 'T'), null, 'not recorded on this node');

  await commands.send(stationCall('acme', 'FAR16', 'SendLocalList', { listVersion: 1, updateType: 'Full' }));
  t.equal(remote.calls.length, 2, 'generic calls too');
  t.equal(await store.tokens.getLocalList('acme', 'FAR16'), undefined, 'no local effect');
  t.equal(calls.length, 0, 'the local gateway saw nothing');
  t.match(await commands.sendLocal(stationCall('acme', 'FAR16', 'Reset', { type: 'Soft' })), { status: 'failed', reason: 'disconnected' }, 'sendLocal never forwards');
});

t.test("another tenant's station looks exactly like an absent one", async (t) => {
  const { commands, calls, connect } = await setup(t);
  await connect('CP', 'ocpp2.0.1');
  const foreign = await commands.send(stationCall('globex', 'CP', 'Reset', { type: 'OnIdle' }));
  const absent = await commands.send(stationCall('globex', 'NOPE', 'Reset', { type: 'OnIdle' }));
  t.same({ ...foreign, message: '' }, { ...absent, message: '' });
  t.match(foreign, { status: 'failed', reason: 'disconnected' });
  t.same(await commands.run('globex', 'CP', reset, { type: 'Soft' }), { reply: foreign }, 'typed: no protocol is revealed');
  t.match(await commands.sendLocal(stationCall('globex', 'CP', 'Reset', { type: 'OnIdle' })), { status: 'failed', reason: 'disconnected' });
  t.equal(calls.length, 0);
});

t.test('actions we do not send are refused before they reach the station', async (t) => {
  const { commands, calls, connect } = await setup(t);
  await connect('CP16', 'ocpp1.6');
  await connect('CP2', 'ocpp2.0.1');
  t.match(await commands.send(stationCall('acme', 'CP16', 'BootNotification', {})), { status: 'failed', reason: 'unknown-action', message: /sent by stations/ });
  t.match(await commands.send(stationCall('acme', 'CP16', 'GetVariables', {})), { status: 'failed', reason: 'unknown-action', message: /not an action of ocpp1\.6/ });
  t.match(await commands.send(stationCall('acme', 'CP2', 'MakeCoffee', {})), { status: 'failed', reason: 'unknown-action' });
  t.match(await commands.send(stationCall('acme', 'CP2', 'constructor', {})), { status: 'failed', reason: 'unknown-action', message: /not an action/ }, 'no prototype keys');
  t.match(await commands.send(stationCall('acme', 'CP2', 'DataTransfer', { vendorId: 'V' })), { status: 'result' }, 'DataTransfer goes both ways');
  t.equal(calls.length, 1);
});

t.test('a malformed request is left for the gateway\'s schema check, not recorded', async (t) => {
  const { commands, calls, connect } = await setup(t, { answer: () => failedReply('invalid-request', 'schema says no') });
  await connect('CP16', 'ocpp1.6');
  await connect('CP2', 'ocpp2.0.1');
  t.same(await commands.send(stationCall('acme', 'CP16', 'RemoteStartTransaction', { connectorId: 1 })), failedReply('invalid-request', 'schema says no'));
  t.same(await commands.send(stationCall('acme', 'CP2', 'RequestStartTransaction', { idToken: 'flat' })), failedReply('invalid-request', 'schema says no'), 'no facts');
  t.equal(calls.length, 2);
});

t.test('a call mapped for one protocol is not sent to a station that now speaks another', async (t) => {
  const { commands, calls, connect } = await setup(t);
  await connect('CP', 'ocpp2.0.1');
  const call: StationCall = { ...stationCall('acme', 'CP', 'Reset', { type: 'Hard' } as Payload), protocol: 'ocpp1.6' };
  t.match(await commands.send(call), { status: 'failed', reason: 'wrong-protocol' });
  t.equal(calls.length, 0);
});

t.test('typed commands: wrong protocol and missing transactions are errors; remote stop finds 1.6 ids', async (t) => {
  const { store, commands, calls, connect } = await setup(t);
  await connect('CP16', 'ocpp1.6');
  await t.rejects(commands.run('acme', 'CP16', reset, { type: 'Soft', evseId: 1 }), { code: 'WRONG_PROTOCOL' });
  await t.rejects(commands.run('acme', 'CP16', remoteStop, { transactionId: 'no-such' }), { code: 'TRANSACTION_NOT_FOUND' });
  t.equal(calls.length, 0);
  const started = await store.transactions.startTransaction16('acme', 'CP16', { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: NOW.toISOString() });
  const run = await commands.run('acme', 'CP16', remoteStop, { transactionId: started.transaction.id });
  t.same(run.sent, { protocol: 'ocpp1.6', action: 'RemoteStopTransaction' });
  t.same(calls[0]!.payload, { transactionId: started.transaction.ocppTransactionId });
});

t.test('an effect that cannot be recorded is reported, with the station\'s answer', async (t) => {
  const { store, commands, connect } = await setup(t);
  await connect('CP16', 'ocpp1.6');
  store.tokens.applyLocalList = async () => {
    throw new Error('disk full');
  };
  const reply = await commands.send(stationCall('acme', 'CP16', 'SendLocalList', { listVersion: 1, updateType: 'Full' }));
  t.match(reply, { status: 'failed', reason: 'internal', message: /disk full/, details: { result: { status: 'Accepted' } } });
});
