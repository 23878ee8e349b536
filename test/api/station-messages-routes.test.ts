import t from 'tap';
import { fakeApi, tenantAuth } from './fake-deps.js';

// GET /stations/{id}/device-model, /events, /status-reports: tenant-scoped, filtered, paged, in the OpenAPI document.

t.test('device model, events and latest status reports, in the caller’s tenant only', async (t) => {
  const { store, app } = await fakeApi(t);
  const acme = await tenantAuth(store, 'acme');
  const globex = await tenantAuth(store, 'globex');
  await store.stations.createStation({ tenantId: 'acme', id: 'ACME-1', passwordHash: null });
  const at = '2026-03-01T00:00:00.000Z';
  await store.deviceModel.recordDeviceModel('acme', 'ACME-1', [
    { component: { name: 'EVSE', evseId: 1 }, variable: { name: 'Power' }, attributes: [{ type: 'Actual', value: '1' }], characteristics: null, reportedAt: at },
    { component: { name: 'Door' }, variable: { name: 'Problem' }, attributes: [{ type: 'Actual', value: 'false' }], characteristics: null, reportedAt: at },
  ]);
  const ev = (kind: 'firmware-status' | 'security-event' | 'log-status', type: string, requestId: number | null = null) => ({
    tenantId: 'acme', stationId: 'ACME-1', kind, type, at, receivedAt: at, requestId, payload: {},
  });
  await store.stationEvents.record([ev('firmware-status', 'Downloading', 3), ev('security-event', 'MemoryExhaustion'), ev('firmware-status', 'Installed', 3)]);

  const model = await app.inject({ url: '/stations/ACME-1/device-model?component=EVSE', headers: acme });
  t.equal(model.statusCode, 200);
  t.same(model.json(), {
    items: [{ key: 'EVSE\u001f\u001f1\u001f\u001fPower\u001f', component: { name: 'EVSE', evseId: 1 }, variable: { name: 'Power' }, attributes: [{ type: 'Actual', value: '1' }], characteristics: null, reportedAt: at }],
    nextCursor: null,
  });
  const events = await app.inject({ url: '/stations/ACME-1/events?kind=firmware-status&requestId=3', headers: acme });
  t.same(events.json().items.map((e: { type: string }) => e.type), ['Installed', 'Downloading']);
  const latest = await app.inject({ url: '/stations/ACME-1/status-reports', headers: acme });
  t.match(latest.json(), { 'firmware-status': { type: 'Installed', requestId: 3 }, 'log-status': null, 'diagnostics-status': null });

  for (const url of ['/stations/ACME-1/device-model', '/stations/ACME-1/events', '/stations/ACME-1/status-reports']) {
    const other = await app.inject({ url, headers: globex });
    t.equal(other.statusCode, 404, `${url}: another tenant sees no station`);
    t.equal(other.json().code, 'STATION_NOT_FOUND');
  }
  t.equal((await app.inject({ url: '/stations/ACME-1/events?type=' + 'x'.repeat(65), headers: acme })).statusCode, 400);

  const doc = (await app.inject({ url: '/docs/json' })).json() as { paths: Record<string, unknown> };
  for (const path of ['/stations/{id}/device-model', '/stations/{id}/events', '/stations/{id}/status-reports', '/alerts', '/stations/{id}/boot-policy']) {
    t.ok(doc.paths[path], `${path} in the OpenAPI document`);
  }
});

t.test('GET /alerts: the caller’s tenant only; PUT /stations/{id}/boot-policy: the caller’s stations only', async (t) => {
  const { store, app } = await fakeApi(t);
  const acme = await tenantAuth(store, 'acme');
  const globex = await tenantAuth(store, 'globex');
  const at = '2026-03-01T00:00:00.000Z';
  const alert = (tenantId: string, stationId: string, type: string) => ({ tenantId, stationId, kind: 'alert' as const, type, at, receivedAt: at, requestId: null, payload: { source: 'connector-status', cleared: false } });
  await store.stationEvents.record([alert('acme', 'ACME-1', 'GroundFailure'), alert('globex', 'GLOBEX-1', 'HighTemperature')]);
  const mine = await app.inject({ url: '/alerts', headers: acme });
  t.equal(mine.statusCode, 200);
  t.match(mine.json(), { items: [{ stationId: 'ACME-1', type: 'GroundFailure', kind: 'alert' }], nextCursor: null });
  t.equal(mine.json().items.length, 1);
  t.same((await app.inject({ url: '/alerts', headers: globex })).json().items.map((a: { stationId: string }) => a.stationId), ['GLOBEX-1']);
  t.same((await app.inject({ url: '/alerts?stationId=GLOBEX-1', headers: acme })).json().items, [], 'another tenant’s station: nothing');

  await store.stations.createStation({ tenantId: 'acme', id: 'ACME-1', passwordHash: null });
  const other = await app.inject({ method: 'PUT', url: '/stations/ACME-1/boot-policy', headers: globex, payload: { registrationStatus: 'Rejected' } });
  t.equal(other.statusCode, 404);
  t.equal(other.json().code, 'STATION_NOT_FOUND');
  t.match(await store.stations.getStation('acme', 'ACME-1'), { registrationStatus: 'Accepted' }, 'unchanged');
  const own = await app.inject({ method: 'PUT', url: '/stations/ACME-1/boot-policy', headers: acme, payload: { registrationStatus: 'Pending' } });
  t.same(own.json(), { stationId: 'ACME-1', registrationStatus: 'Pending', heartbeatIntervalSec: null });
});
