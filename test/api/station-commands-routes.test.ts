import t from 'tap';
import { resultReply, type StationCall } from '../../core/envelope.js';
import { bootstrapAdminKey } from '../../api/api-key-service.js';
import { fakeApi } from './fake-deps.js';

// The thin command routes over the station-commands service: input → service → reply, with
// the actions' effects visible through the API whichever route sent them.

const ADMIN = 'admin-key-for-route-tests-0123';

function station(call: StationCall) {
  switch (call.action) {
    case 'GetLocalListVersion':
      return resultReply(call.protocol === 'ocpp1.6' ? { listVersion: 4 } : { versionNumber: 4 });
    case 'GetTransactionStatus':
      return resultReply({ ongoingIndicator: true, messagesInQueue: false });
    case 'RequestStartTransaction':
      return resultReply({ status: 'Accepted', transactionId: 'TX-9' });
    default:
      return resultReply({ status: 'Accepted' });
  }
}

t.test('typed and generic command routes', async (t) => {
  const { store, connect, calls, app } = await fakeApi(t, { answer: station });
  await bootstrapAdminKey(store.apiKeys, ADMIN);
  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, payload: payload as object, headers: { authorization: `Bearer ${ADMIN}` } }).then((r) => ({ status: r.statusCode, body: r.json() }));
  const get = (url: string) => app.inject({ url, headers: { authorization: `Bearer ${ADMIN}` } }).then((r) => ({ status: r.statusCode, body: r.json() }));
  for (const id of ['V16', 'V2']) await store.stations.createStation({ tenantId: 'default', id, passwordHash: null });
  connect('V16', 'default', 'ocpp1.6');
  connect('V2', 'default', 'ocpp2.1');

  t.same(await post('/stations/V16/reset', { type: 'Immediate' }), { status: 200, body: { action: 'Reset', protocol: 'ocpp1.6', result: { status: 'Accepted' } } });
  t.same(calls.at(-1), { id: 'V16', action: 'Reset', payload: { type: 'Hard' } });

  const start16 = await post('/stations/V16/transactions/start', { idToken: 'FLEET-7', evseId: 2 });
  t.match(start16, { status: 200, body: { status: 'Accepted', remoteStartId: Number, transactionId: null } });
  const start2 = await post('/stations/V2/transactions/start', { idToken: 'APP', type: 'Central' });
  t.match(start2, { status: 200, body: { status: 'Accepted', remoteStartId: Number, transactionId: 'TX-9' } });
  t.same(calls.at(-1)!.payload, { idToken: { idToken: 'APP', type: 'Central' }, remoteStartId: start2.body.remoteStartId });
  const raw = await post('/stations/V2/ocpp/RequestStartTransaction', { idToken: { idToken: 'RAW', type: 'ISO14443' } });
  t.match(raw, { status: 200, body: { result: { status: 'Accepted' }, facts: { remoteStartId: Number } } }, 'the generic route tells the id the CSMS issued');
  t.not(raw.body.facts.remoteStartId, start2.body.remoteStartId);

  const sent = await post('/stations/V2/local-list', { updateType: 'Full', entries: [{ idToken: 'A', status: 'Accepted' }] });
  t.match(sent, { status: 200, body: { status: 'Accepted', list: { version: 1, entries: [{ idToken: 'A', type: 'ISO14443', status: 'Accepted' }] } } });
  await post('/stations/V2/ocpp/SendLocalList', { versionNumber: 2, updateType: 'Differential', localAuthorizationList: [{ idToken: { idToken: 'A', type: 'ISO14443' } }] });
  t.match(await get('/stations/V2/local-list'), { status: 200, body: { version: 2, entries: [] } }, 'a raw SendLocalList updates the tracked list too');
  t.same((await get('/stations/V16/local-list/version')).body, { stationVersion: 4, storedVersion: null });
  t.same((await get('/stations/V2/local-list/version')).body, { stationVersion: 4, storedVersion: 2 });

  t.same((await get('/stations/V2/transactions/T-1/status')).body, { ongoingIndicator: true, messagesInQueue: false, transaction: null });
  t.equal((await get('/stations/V16/transactions/T-1/status')).body.code, 'WRONG_PROTOCOL');
  t.same(await post('/stations/V2/transactions/stop', { transactionId: 'T-1' }), { status: 200, body: { status: 'Accepted' } });
  t.same(calls.at(-1), { id: 'V2', action: 'RequestStopTransaction', payload: { transactionId: 'T-1' } });
  t.same(await post('/stations/V16/transactions/stop', { transactionId: '12' }), { status: 200, body: { status: 'Accepted' } });
  t.same(calls.at(-1)!.payload, { transactionId: 12 });
});
