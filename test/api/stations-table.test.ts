import t from 'tap';
import { buildApi } from '../../api/server.js';
import { issueApiKey } from '../../api/api-key-service.js';
import { fakeApiDeps } from './fake-deps.js';

/** GET /stations as the UI's stations table uses it: search, filters, sort, keyset pages. */
async function setup() {
  const { store, deps, connect } = fakeApiDeps();
  const app = await buildApi(deps);
  const acme = (await issueApiKey(store.apiKeys, { role: 'tenant', tenantId: 'acme' })).key;
  const globex = (await issueApiKey(store.apiKeys, { role: 'tenant', tenantId: 'globex' })).key;
  t.teardown(async () => {
    await app.close();
    await store.close();
  });
  const get = async (key: string, query: string) => {
    const res = await app.inject({ url: `/stations?${query}`, headers: { authorization: `Bearer ${key}` } });
    return { status: res.statusCode, body: res.json() };
  };
  for (let i = 0; i < 8; i++) {
    const id = `CS-${i}`;
    await store.stations.createStation({ tenantId: 'acme', id, passwordHash: null });
    await store.stations.recordBoot('acme', id, {
      vendor: i % 2 ? 'abb' : 'kempower', model: i < 4 ? 'terra' : 'satellite', firmwareVersion: `1.${i % 3}`, protocol: i < 5 ? 'ocpp2.0.1' : 'ocpp1.6', at: '2025-01-01T00:00:00.000Z',
    });
  }
  await store.stations.createStation({ tenantId: 'globex', id: 'GX-1', passwordHash: null });
  await store.stations.recordBoot('globex', 'GX-1', { vendor: 'abb', model: 'terra', protocol: 'ocpp1.6', at: '2025-01-01T00:00:00.000Z' });
  await store.stations.recordConnectorStatus({
    tenantId: 'acme', stationId: 'CS-3', evseId: 1, connectorId: 1, status: 'Faulted', detailedStatus: null, errorCode: 'GroundFailure', info: null, vendorErrorCode: null, reportedAt: '2025-01-01T00:00:00.000Z',
  });
  connect('CS-1', 'acme', 'ocpp2.0.1');
  connect('CS-6', 'acme', 'ocpp1.6');
  connect('GX-1', 'globex', 'ocpp1.6');
  return { app, acme, globex, get };
}

const ids = (body: { items: Array<{ id: string }> }) => body.items.map((s) => s.id);

t.test('filters, search and sort reach the store; online/offline from the connected stations', async (t) => {
  const { acme, globex, get } = await setup();
  t.same(ids((await get(acme, '')).body), ['CS-0', 'CS-1', 'CS-2', 'CS-3', 'CS-4', 'CS-5', 'CS-6', 'CS-7'], 'default: by id, the tenant only');
  t.same(ids((await get(acme, 'online=online')).body), ['CS-1', 'CS-6']);
  t.same(ids((await get(acme, 'online=offline&vendor=abb')).body), ['CS-3', 'CS-5', 'CS-7']);
  t.same(ids((await get(globex, 'online=online')).body), ['GX-1'], 'another tenant: its own connected stations');
  t.same(ids((await get(acme, 'status=Faulted')).body), ['CS-3']);
  const faulted = (await get(acme, 'status=Faulted')).body.items[0];
  t.match(faulted.connectors, [{ evseId: 1, connectorId: 1, status: 'Faulted' }], 'each row carries its connector statuses');
  t.same(ids((await get(acme, 'protocol=ocpp1.6&sort=id&dir=desc')).body), ['CS-7', 'CS-6', 'CS-5']);
  t.same(ids((await get(acme, 'model=terra&firmware=1.0')).body), ['CS-0', 'CS-3']);
  t.same(ids((await get(acme, 'q=KEMP&model=satellite')).body), ['CS-4', 'CS-6'], 'search is a case-insensitive prefix');
  t.same(ids((await get(acme, 'q=gx')).body), [], 'never another tenant\'s');
  const online = (await get(acme, 'online=online')).body.items;
  t.same(online.map((s: { connected: boolean }) => s.connected), [true, true]);
});

t.test('keyset pages follow the sort; a foreign or malformed cursor and unknown parameters are 400', async (t) => {
  const { acme, get } = await setup();
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await get(acme, `sort=vendor&dir=desc&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
    t.equal(page.status, 200);
    seen.push(...ids(page.body));
    cursor = page.body.nextCursor;
    pages++;
  } while (cursor && pages < 10);
  t.equal(pages, 3);
  t.same(seen, ['CS-6', 'CS-4', 'CS-2', 'CS-0', 'CS-7', 'CS-5', 'CS-3', 'CS-1'], 'vendor descending, ties by id descending');
  const first = (await get(acme, 'sort=vendor&limit=2')).body;
  const foreign = await get(acme, `sort=model&limit=2&cursor=${first.nextCursor}`);
  t.equal(foreign.status, 400);
  t.equal(foreign.body.code, 'INVALID_CURSOR');
  t.equal((await get(acme, 'sort=password')).status, 400, 'only documented sorts');
  t.equal((await get(acme, 'status=Charging')).status, 400, 'only connector statuses');
  t.equal((await get(acme, 'tenant=globex')).status, 400, 'no undocumented parameter');
  t.equal((await get(acme, 'limit=1001')).status, 400);
});

t.test('the query parameters are documented in OpenAPI', async (t) => {
  const { app } = await setup();
  const doc = (await app.inject({ url: '/docs/json' })).json();
  const names = doc.paths['/stations'].get.parameters.map((p: { name: string }) => p.name).sort();
  t.same(names, ['cursor', 'dir', 'firmware', 'limit', 'model', 'online', 'protocol', 'q', 'sort', 'status', 'vendor']);
  const sort = doc.paths['/stations'].get.parameters.find((p: { name: string }) => p.name === 'sort');
  t.same(sort.schema.enum, ['id', 'vendor', 'model', 'firmwareVersion', 'protocol', 'lastSeenAt']);
});
