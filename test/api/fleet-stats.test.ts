import t from 'tap';
import { buildApi } from '../../api/server.js';
import { issueApiKey } from '../../api/api-key-service.js';
import { RateSeries } from '../../core/rate-series.js';
import { fakeApiDeps } from './fake-deps.js';

t.test('GET /stats/fleet: connected stations by protocol and the tenant\'s rate series', async (t) => {
  const { store, deps, connect } = fakeApiDeps();
  const rates = new RateSeries();
  deps.stats = { rates: async (tenantId) => rates.snapshot(tenantId) };
  const app = await buildApi(deps);
  t.teardown(async () => {
    await app.close();
    await store.close();
  });
  const acme = (await issueApiKey(store.apiKeys, { role: 'tenant', tenantId: 'acme' })).key;
  const globex = (await issueApiKey(store.apiKeys, { role: 'tenant', tenantId: 'globex' })).key;
  connect('A1', 'acme', 'ocpp1.6');
  connect('A2', 'acme', 'ocpp2.0.1');
  connect('A3', 'acme', 'ocpp2.0.1');
  connect('G1', 'globex', 'ocpp2.1');
  for (const [id, tenantId] of [['A1', 'acme'], ['A2', 'acme'], ['A3', 'acme'], ['A4', 'acme'], ['G1', 'globex']] as const) {
    await store.stations.createStation({ id, tenantId, passwordHash: null });
  }
  const status = (stationId: string, tenantId: string, connectorId: number, s: 'Available' | 'Occupied' | 'Faulted') =>
    store.stations.recordConnectorStatus({ tenantId, stationId, evseId: 1, connectorId, status: s, detailedStatus: null, errorCode: null, info: null, vendorErrorCode: null, reportedAt: new Date().toISOString() });
  await status('A1', 'acme', 1, 'Available');
  await status('A1', 'acme', 2, 'Occupied');
  await status('A2', 'acme', 1, 'Occupied');
  await status('A4', 'acme', 1, 'Faulted');
  await status('G1', 'globex', 1, 'Available');
  for (let i = 0; i < 5; i++) rates.count('acme', 'messages');
  rates.count('acme', 'callErrors');
  rates.count('globex', 'messages');
  const get = async (key: string) => (await app.inject({ url: '/stats/fleet', headers: { authorization: `Bearer ${key}` } })).json();
  const a = await get(acme);
  t.same(a.online, { total: 3, byProtocol: { 'ocpp1.6': 1, 'ocpp2.0.1': 2 } });
  t.equal(a.stations, 4, 'registered stations, connected or not');
  t.same(a.connectorsByStatus, { Available: 1, Occupied: 2, Faulted: 1 }, 'each connector by its last status');
  t.equal(a.rates.stepSec, 10);
  t.equal(a.rates.messages.length, 360, 'an hour of 10-s buckets');
  t.equal(a.rates.messages.reduce((x: number, y: number) => x + y, 0), 5);
  t.equal(a.rates.callErrors.reduce((x: number, y: number) => x + y, 0), 1);
  const g = await get(globex);
  t.same(g.online, { total: 1, byProtocol: { 'ocpp2.1': 1 } }, 'per tenant');
  t.same([g.stations, g.connectorsByStatus], [1, { Available: 1 }], 'the store numbers per tenant too');
  t.equal(g.rates.messages.reduce((x: number, y: number) => x + y, 0), 1);
});
