import t from 'tap';
import { resultReply } from '../../core/envelope.js';
import { recordNotification } from '../../actors/actions/request-correlation.js';
import { fakeApi, tenantAuth } from './fake-deps.js';

// GET /stations/{id}/requests[/{requestId}]: requests completed by later notifications, as the
// station-commands service recorded them; tenant-scoped like every station route.

t.test('requests sent through the API are listed and read back, in the caller’s tenant only', async (t) => {
  const { store, connect, app } = await fakeApi(t, {
    answer: (call) => resultReply({ status: call.action === 'GetReport' ? 'NotSupported' : 'Accepted' }),
  });
  const acme = await tenantAuth(store, 'acme');
  const globex = await tenantAuth(store, 'globex');
  await store.stations.createStation({ tenantId: 'acme', id: 'ACME-1', passwordHash: null });
  connect('ACME-1', 'acme', 'ocpp2.0.1');

  const sent = await app.inject({ method: 'POST', url: '/stations/ACME-1/ocpp/GetBaseReport', headers: acme, payload: { reportBase: 'FullInventory' } });
  t.equal(sent.statusCode, 200);
  t.same(sent.json(), { result: { status: 'Accepted' }, facts: { requestId: 1 } }, 'the allocated requestId is a fact of the reply');
  await app.inject({ method: 'POST', url: '/stations/ACME-1/ocpp/GetReport', headers: acme, payload: {} });
  await app.inject({ method: 'POST', url: '/stations/ACME-1/ocpp/GetLog', headers: acme, payload: { requestId: 40, logType: 'SecurityLog', log: { remoteLocation: 'ftp://x' } } });
  await recordNotification(store, 'acme', 'ACME-1', 'NotifyReport', 1, { seqNo: 0, tbc: true });

  const one = await app.inject({ url: '/stations/ACME-1/requests/1', headers: acme });
  t.equal(one.statusCode, 200);
  t.match(one.json(), { requestId: 1, action: 'GetBaseReport', status: 'receiving', answer: 'Accepted', parts: 1, seqNos: [0] });
  t.notOk('tenantId' in one.json(), 'no tenant in the body');

  const list = await app.inject({ url: '/stations/ACME-1/requests', headers: acme });
  t.same(list.json().items.map((r: { requestId: number }) => r.requestId), [40, 2, 1]);
  t.equal(list.json().nextCursor, null);
  const rejected = await app.inject({ url: '/stations/ACME-1/requests?status=rejected', headers: acme });
  t.match(rejected.json().items, [{ requestId: 2, action: 'GetReport', status: 'rejected', error: 'NotSupported' }]);
  const logs = await app.inject({ url: '/stations/ACME-1/requests?action=GetLog', headers: acme });
  t.same(logs.json().items.map((r: { requestId: number }) => r.requestId), [40]);

  const page1 = (await app.inject({ url: '/stations/ACME-1/requests?limit=2', headers: acme })).json();
  t.equal(page1.items.length, 2);
  const page2 = (await app.inject({ url: `/stations/ACME-1/requests?limit=2&cursor=${page1.nextCursor}`, headers: acme })).json();
  t.same(page2.items.map((r: { requestId: number }) => r.requestId), [1]);

  const hidden = await app.inject({ url: '/stations/ACME-1/requests', headers: globex });
  t.equal(hidden.statusCode, 404, "another tenant's station looks absent");
  t.match(hidden.json(), { code: 'STATION_NOT_FOUND' });
  t.equal((await app.inject({ url: '/stations/ACME-1/requests/1', headers: globex })).statusCode, 404);

  const missing = await app.inject({ url: '/stations/ACME-1/requests/99', headers: acme });
  t.equal(missing.statusCode, 404);
  t.match(missing.json(), { error: 'Request Not Found', code: 'REQUEST_NOT_FOUND', message: String });
  t.match((await app.inject({ url: '/stations/ACME-1/requests/abc', headers: acme })).json(), { code: 'VALIDATION_FAILED' });
  t.match((await app.inject({ url: '/stations/ACME-1/requests?status=lost', headers: acme })).json(), { code: 'VALIDATION_FAILED' });
  const badCursor = await app.inject({ url: '/stations/ACME-1/requests?cursor=not-ours', headers: acme });
  t.equal(badCursor.statusCode, 400);
  t.match(badCursor.json(), { code: 'INVALID_CURSOR' });

  const doc = (await app.inject({ url: '/docs/json', headers: acme })).json();
  t.equal(doc.paths['/stations/{id}/requests']?.get?.operationId, 'listStationRequests');
  t.equal(doc.paths['/stations/{id}/requests/{requestId}']?.get?.operationId, 'getStationRequest');
  t.ok(doc.paths['/stations/{id}/requests/{requestId}'].get.responses['404'], 'errors documented');
});
