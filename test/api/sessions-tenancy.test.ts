import t from 'tap';
import { transactionEventFrom2 } from '../../core/transaction-mapping-2.js';
import { fakeApi, tenantAuth } from './fake-deps.js';

// Session routes read and write only the caller's tenant; other tenants' data looks absent.

t.test('transactions, tokens, remote start and local lists are tenant-scoped', async (t) => {
  const { store, connect, calls, app } = await fakeApi(t);
  const acme = await tenantAuth(store, 'acme');
  const globex = await tenantAuth(store, 'globex');

  await store.stations.createStation({ tenantId: 'acme', id: 'ACME-1', passwordHash: null });
  connect('ACME-1', 'acme', 'ocpp2.0.1');
  await store.transactions.applyTransactionEvent('acme', 'ACME-1', transactionEventFrom2('ocpp2.0.1', {
    eventType: 'Started', timestamp: '2026-01-01T00:00:00Z', triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: 'A-TX' },
  }));

  t.equal((await app.inject({ url: '/transactions', headers: acme })).json().items.length, 1);
  t.same((await app.inject({ url: '/transactions', headers: globex })).json().items, []);
  t.equal((await app.inject({ url: '/transactions/A-TX', headers: acme })).statusCode, 200);
  const hidden = await app.inject({ url: '/transactions/A-TX', headers: globex });
  t.equal(hidden.statusCode, 404);
  t.match(hidden.json(), { error: 'Transaction Not Found', code: 'TRANSACTION_NOT_FOUND', message: String, details: null });
  await store.stations.createStation({ tenantId: 'acme', id: 'ACME-2', passwordHash: null });
  await store.transactions.applyTransactionEvent('acme', 'ACME-2', transactionEventFrom2('ocpp2.0.1', {
    eventType: 'Started', timestamp: '2026-01-01T00:00:00Z', triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: 'A-TX' },
  }));
  const ambiguous = await app.inject({ url: '/transactions/A-TX', headers: acme });
  t.equal(ambiguous.statusCode, 409, 'two stations use A-TX: no guess');
  t.match(ambiguous.json(), { code: 'TRANSACTION_AMBIGUOUS', details: { stationIds: ['ACME-1', 'ACME-2'] } });
  t.equal((await app.inject({ url: '/transactions/A-TX?stationId=ACME-2', headers: acme })).json().stationId, 'ACME-2');

  t.equal((await app.inject({ method: 'PUT', url: '/tokens/CARD-1', headers: acme, payload: { status: 'Blocked' } })).statusCode, 201);
  t.equal((await app.inject({ method: 'PUT', url: '/tokens/CARD-1', headers: acme, payload: {} })).statusCode, 200, 'replaced');
  t.equal((await app.inject({ url: '/tokens/CARD-1', headers: globex })).statusCode, 404);
  t.same((await app.inject({ url: '/tokens', headers: globex })).json().items, []);
  t.match((await app.inject({ url: '/tokens/CARD-1', headers: acme })).json(), { idToken: 'CARD-1', type: 'ISO14443', status: 'Accepted', source: 'api' });
  t.equal((await app.inject({ method: 'DELETE', url: '/tokens/CARD-1', headers: globex })).statusCode, 404);
  t.equal((await app.inject({ method: 'POST', url: '/tokens', headers: acme, payload: { idToken: 'X', status: 'Nope' } })).statusCode, 400);

  const foreign = await app.inject({ method: 'POST', url: '/stations/ACME-1/transactions/start', headers: globex, payload: { idToken: 'T' } });
  t.equal(foreign.statusCode, 404, "another tenant's station looks absent");
  t.equal((await app.inject({ method: 'POST', url: '/stations/ACME-1/local-list', headers: globex, payload: { updateType: 'Full' } })).statusCode, 404);
  t.equal((await app.inject({ url: '/stations/ACME-1/local-list', headers: globex })).statusCode, 404);
  t.equal(calls.length, 0, 'nothing reached the station');

  const start = await app.inject({ method: 'POST', url: '/stations/ACME-1/transactions/start', headers: acme, payload: { idToken: 'T', evseId: 1 } });
  t.equal(start.statusCode, 200);
  t.same(calls[0], { id: 'ACME-1', action: 'RequestStartTransaction', payload: { idToken: { idToken: 'T', type: 'ISO14443' }, remoteStartId: start.json().remoteStartId, evseId: 1 } });

  const doc = (await app.inject({ url: '/docs/json', headers: acme })).json();
  for (const path of ['/transactions', '/transactions/{id}', '/tokens', '/tokens/{idToken}', '/stations/{id}/transactions/start',
    '/stations/{id}/transactions/stop', '/stations/{id}/transactions/{txId}/status', '/stations/{id}/local-list', '/stations/{id}/local-list/version']) {
    t.ok(doc.paths[path], `OpenAPI documents ${path}`);
  }
});
