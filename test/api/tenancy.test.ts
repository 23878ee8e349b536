import t from 'tap';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import { buildApi } from '../../api/server.js';
import { issueApiKey, bootstrapAdminKey } from '../../api/api-key-service.js';
import { fakeApiDeps } from './fake-deps.js';

/** The API over a real (in-memory) SQLite store and fake connected stations. */
async function setup() {
  const { store, deps, connected, calls, disconnects } = fakeApiDeps();
  const app = await buildApi(deps);
  const admin = 'admin-key-for-tests-0123456789';
  await bootstrapAdminKey(store.apiKeys, admin);
  const acme = (await issueApiKey(store.apiKeys, { role: 'tenant', tenantId: 'acme' })).key;
  const globex = (await issueApiKey(store.apiKeys, { role: 'tenant', tenantId: 'globex' })).key;
  const as = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });
  t.teardown(async () => {
    await app.close();
    await store.close();
  });
  return { app, store, connected, calls, disconnects, admin, acme, globex, as };
}

t.test('every route but /health and /docs needs a valid key', async (t) => {
  const { app, as, admin } = await setup();
  t.equal((await app.inject({ url: '/health' })).statusCode, 200);
  t.equal((await app.inject({ url: '/docs/json' })).statusCode, 200);
  for (const url of ['/stations', '/metrics', '/admin/api-keys']) {
    const res = await app.inject({ url });
    t.equal(res.statusCode, 401, `${url} without key`);
    t.match(res.json(), { error: 'Unauthorized', code: 'UNAUTHORIZED', message: String, details: null });
    t.equal((await app.inject({ url, headers: as('sy_wrong') })).statusCode, 401, `${url} with unknown key`);
  }
  t.equal((await app.inject({ url: '/metrics', headers: as(admin) })).statusCode, 200);
  const asyncapi = await app.inject({ url: '/asyncapi.yaml' });
  t.equal(asyncapi.statusCode, 200, 'AsyncAPI document is public');
  t.match(asyncapi.body, /csms\.\{tenant\}\.cmd\.\{stationId\}\.\{action\}/);
});

t.test('/docs shows every endpoint, with bearer security', async (t) => {
  const { app } = await setup();
  const doc = (await app.inject({ url: '/docs/json' })).json();
  const paths = Object.keys(doc.paths);
  for (const path of [
    '/stations', '/stations/{id}', '/stations/{id}/ocpp/{action}', '/stations/{id}/reset', '/stations/{id}/availability',
    '/stations/{id}/unlock', '/stations/{id}/trigger', '/stations/{id}/configuration', '/stations/{id}/variables/get',
    '/stations/{id}/variables/set', '/stations/{id}/clear-cache', '/stations/{id}/data-transfer', '/stations/{id}/messages',
    '/admin/api-keys', '/admin/api-keys/{keyId}', '/health', '/metrics', '/asyncapi.yaml',
  ]) {
    t.ok(paths.includes(path), path);
  }
  t.same(doc.components.securitySchemes.apiKey, { type: 'http', scheme: 'bearer', description: 'Switchyard API key (sy_…)' });
  t.match(doc.paths['/stations/{id}/reset'].post.description, /1\.6: `Reset/);
});

t.test('tenants see only their own stations; another tenant\'s station is 404 as if absent', async (t) => {
  const { app, as, acme, globex, admin, connected, calls, disconnects } = await setup();
  const create = (key: string, id: string, extra = {}) =>
    app.inject({ method: 'POST', url: '/stations', headers: as(key, extra), payload: { id, password: 'a-long-password-x' } });
  t.equal((await create(acme, 'CP-ACME')).statusCode, 201);
  t.equal((await create(globex, 'CP-GLOBEX')).statusCode, 201);
  t.equal((await create(admin, 'CP-ADMIN-ACME', { 'x-tenant-id': 'acme' })).json().tenantId, 'acme');
  connected.set('CP-ACME', { thread: 1, tenantId: 'acme', version: 'ocpp1.6', connectedAt: new Date().toISOString() });

  const list = (key: string, extra = {}) => app.inject({ url: '/stations', headers: as(key, extra) }).then((r) => r.json().items.map((s: { id: string }) => s.id));
  t.same(await list(acme), ['CP-ACME', 'CP-ADMIN-ACME']);
  t.same(await list(globex), ['CP-GLOBEX']);
  t.same(await list(admin), [], 'admin defaults to the default tenant');
  t.same(await list(admin, { 'x-tenant-id': 'globex' }), ['CP-GLOBEX']);

  const missing = await app.inject({ url: '/stations/NOPE', headers: as(globex) });
  const foreign = await app.inject({ url: '/stations/CP-ACME', headers: as(globex) });
  t.equal(foreign.statusCode, 404);
  t.same({ ...foreign.json(), message: '' }, { ...missing.json(), message: '' }, 'same body shape as an absent station');
  t.equal((await app.inject({ url: '/stations/CP-ACME', headers: as(acme) })).statusCode, 200);

  const command = await app.inject({ method: 'POST', url: '/stations/CP-ACME/ocpp/Reset', headers: as(globex), payload: { type: 'Soft' } });
  t.equal(command.statusCode, 404, 'commands to another tenant\'s connected station are 404');
  t.equal(calls.length, 0, 'and never reach the station');
  const typed = await app.inject({ method: 'POST', url: '/stations/CP-ACME/reset', headers: as(globex), payload: { type: 'Soft' } });
  t.equal(typed.statusCode, 404, 'typed commands too');
  t.equal(calls.length, 0);

  const del = await app.inject({ method: 'DELETE', url: '/stations/CP-ACME', headers: as(globex) });
  t.equal(del.statusCode, 404, 'deletes across tenants are 404');
  t.same(disconnects, [], 'and disconnect nothing');
  t.equal((await app.inject({ url: '/stations/CP-ACME', headers: as(acme) })).statusCode, 200, 'station still there');

  const messages = await app.inject({ url: '/stations/CP-ACME/messages', headers: as(globex) });
  t.equal(messages.statusCode, 404, 'message log across tenants is 404');

  const ok = await app.inject({ method: 'POST', url: '/stations/CP-ACME/ocpp/Reset', headers: as(acme), payload: { type: 'Soft' } });
  t.equal(ok.statusCode, 200);
  t.same(ok.json(), { result: { status: 'Accepted' } });
});

t.test('tenant keys cannot switch tenant or manage keys', async (t) => {
  const { app, as, acme } = await setup();
  const res = await app.inject({ url: '/stations', headers: as(acme, { 'x-tenant-id': 'globex' }) });
  t.equal(res.statusCode, 403);
  t.equal((await app.inject({ url: '/admin/api-keys', headers: as(acme) })).statusCode, 403);
  const own = await app.inject({ url: '/stations', headers: as(acme, { 'x-tenant-id': 'acme' }) });
  t.equal(own.statusCode, 200);
});

t.test('admin creates, lists and revokes keys; the key is shown once and stored hashed', async (t) => {
  const { app, as, admin, store } = await setup();
  const created = await app.inject({ method: 'POST', url: '/admin/api-keys', headers: as(admin), payload: { tenantId: 'initech', name: 'ci' } });
  t.equal(created.statusCode, 201);
  const { key, apiKey } = created.json();
  t.match(key, /^sy_[A-Za-z0-9_-]{43}$/);
  t.match(apiKey, { role: 'tenant', tenantId: 'initech', name: 'ci', revokedAt: null });
  const listed = (await app.inject({ url: '/admin/api-keys?tenantId=initech', headers: as(admin) })).json().items;
  t.equal(listed.length, 1);
  t.notOk(JSON.stringify(listed).includes(key), 'listing never shows the key');
  t.notOk(JSON.stringify(await store.apiKeys.listApiKeys()).includes(key.slice(3)), 'store never holds the plain key');
  t.equal((await app.inject({ url: '/stations', headers: as(key) })).statusCode, 200);
  t.equal((await app.inject({ method: 'DELETE', url: `/admin/api-keys/${apiKey.id}`, headers: as(admin) })).statusCode, 204);
  t.equal((await app.inject({ url: '/stations', headers: as(key) })).statusCode, 401, 'revoked key stops working');
  t.equal((await app.inject({ method: 'DELETE', url: `/admin/api-keys/${apiKey.id}`, headers: as(admin) })).statusCode, 404);
  const bad = await app.inject({ method: 'POST', url: '/admin/api-keys', headers: as(admin), payload: { role: 'tenant' } });
  t.equal(bad.statusCode, 400);
});

t.test('first admin key: generated once when none exists, CSMS_ADMIN_KEY registered idempotently', async (t) => {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const first = await bootstrapAdminKey(store.apiKeys, undefined);
  t.match(first, /^sy_/);
  t.equal(await bootstrapAdminKey(store.apiKeys, undefined), undefined, 'not generated again');
  t.equal(await bootstrapAdminKey(store.apiKeys, 'env-provided-admin-key-123'), undefined);
  t.equal(await bootstrapAdminKey(store.apiKeys, 'env-provided-admin-key-123'), undefined);
  t.equal(await store.apiKeys.countAdminKeys(), 2);
});

t.test('reservations and display messages are tenant-scoped', async (t) => {
  const { app, as, acme, globex, connected, calls } = await setup();
  const create = (key: string, id: string) => app.inject({ method: 'POST', url: '/stations', headers: as(key), payload: { id, password: 'a-long-password-1' } });
  t.equal((await create(acme, 'CP-R-ACME')).statusCode, 201);
  t.equal((await create(globex, 'CP-R-GLOBEX')).statusCode, 201);
  connected.set('CP-R-ACME', { thread: 1, tenantId: 'acme', version: 'ocpp2.0.1', connectedAt: new Date().toISOString() });
  connected.set('CP-R-GLOBEX', { thread: 1, tenantId: 'globex', version: 'ocpp2.0.1', connectedAt: new Date().toISOString() });
  const reserve = (key: string, id: string) =>
    app.inject({ method: 'POST', url: `/stations/${id}/reservations`, headers: as(key), payload: { idToken: { idToken: 'T' }, expiresAt: new Date(Date.now() + 60_000).toISOString() } });
  const mine = await reserve(acme, 'CP-R-ACME');
  t.equal(mine.statusCode, 200);
  t.equal(mine.json().reservationId, 1);
  t.equal((await reserve(globex, 'CP-R-GLOBEX')).json().reservationId, 1, 'ids count per tenant');
  t.equal((await reserve(globex, 'CP-R-ACME')).statusCode, 404, "reserving another tenant's station is 404");
  const sent = calls.length;
  t.same((await app.inject({ url: '/reservations', headers: as(globex) })).json().items.map((r: { stationId: string }) => r.stationId), ['CP-R-GLOBEX']);
  t.equal((await app.inject({ url: '/stations/CP-R-ACME/reservations', headers: as(globex) })).statusCode, 404);
  t.equal((await app.inject({ method: 'DELETE', url: '/stations/CP-R-ACME/reservations/1', headers: as(globex) })).statusCode, 404);
  t.match((await app.inject({ url: '/reservations/1', headers: as(acme) })).json(), { stationId: 'CP-R-ACME', status: 'accepted' });
  t.equal((await app.inject({ method: 'POST', url: '/stations/CP-R-ACME/display-messages', headers: as(globex), payload: { priority: 'InFront', format: 'UTF8', content: 'x' } })).statusCode, 404);
  t.equal((await app.inject({ url: '/stations/CP-R-ACME/display-messages', headers: as(globex) })).statusCode, 404);
  t.equal(calls.length, sent, 'nothing reached the other tenant\'s station');
});
