import t from 'tap';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { buildApi, type ApiOptions } from '../../api/server.js';
import { bootstrapAdminKey, issueApiKey } from '../../api/api-key-service.js';
import type { ApiDeps } from '../../api/deps.js';
import { encodeCursor } from '../../core/cursor.js';
import { fakeApiDeps } from './fake-deps.js';

// Issue #11, the API part: the operator's log lines (commands, access log), /metrics for admins,
// invalid cursors, OCPP station ids, the debug switch, and an OpenAPI document tools can use.

const ADMIN = 'admin-key-for-tests-0123456789';

/** A pino logger whose JSON lines land in `lines`. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function setup(options: { deps?: (deps: ApiDeps) => ApiDeps; api?: ApiOptions } = {}) {
  const fake = fakeApiDeps();
  const deps = options.deps ? options.deps(fake.deps) : fake.deps;
  const { logger, lines } = capture();
  const app = await buildApi(deps, logger, options.api ?? { accessLog: false });
  await bootstrapAdminKey(fake.store.apiKeys, ADMIN);
  const acme = await issueApiKey(fake.store.apiKeys, { role: 'tenant', tenantId: 'acme', name: 'acme-ops' });
  const as = (key: string) => ({ authorization: `Bearer ${key}` });
  t.teardown(async () => {
    await app.close();
    await fake.store.close();
  });
  return { ...fake, app, lines, as, acme: acme.key, acmeId: acme.record.id };
}

t.test('/metrics needs an admin key; a tenant key is 403 unless CSMS_METRICS_PUBLIC', async (t) => {
  const { app, as, acme } = await setup();
  const tenant = await app.inject({ url: '/metrics', headers: as(acme) });
  t.equal(tenant.statusCode, 403, 'a tenant key cannot read every tenant’s metrics');
  t.match(tenant.json(), { code: 'FORBIDDEN' });
  t.equal((await app.inject({ url: '/metrics', headers: as(ADMIN) })).statusCode, 200);
  t.equal((await app.inject({ url: '/metrics' })).statusCode, 401);

  const open = await setup({ deps: (deps) => ({ ...deps, security: { publicMetrics: true } }) });
  t.equal((await open.app.inject({ url: '/metrics' })).statusCode, 200, 'public: no key needed');
  t.equal((await open.app.inject({ url: '/metrics', headers: open.as(open.acme) })).statusCode, 200, 'public: any caller');
});

t.test('invalid cursors are 400 INVALID_CURSOR on every paginated route; issued ones work', async (t) => {
  const { app, as, acme, store } = await setup();
  for (const id of ['CP-1', 'CP-2', 'CP-3']) await store.stations.createStation({ tenantId: 'acme', id, passwordHash: null });
  const bad = ['!!!', 'not-a-cursor', 'AAAA', Buffer.from('CP-1').toString('base64url'), encodeCursor('CP-1') + 'x', encodeCursor('CP-1').slice(0, -1)];
  for (const path of ['/stations', '/tokens', '/transactions', '/stations/CP-1/messages', '/stations/CP-1/requests']) {
    for (const cursor of bad) {
      const res = await app.inject({ url: `${path}?cursor=${encodeURIComponent(cursor)}`, headers: as(acme) });
      t.equal(res.statusCode, 400, `${path} cursor=${cursor}`);
      t.match(res.json(), { error: 'Invalid Cursor', code: 'INVALID_CURSOR', message: /cursor/ });
    }
  }
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Array<{ id: string }>; nextCursor: string | null } = (
      await app.inject({ url: `/stations?limit=1${cursor ? `&cursor=${cursor}` : ''}`, headers: as(acme) })
    ).json();
    seen.push(...page.items.map((s) => s.id));
    cursor = page.nextCursor;
  } while (cursor && seen.length < 10);
  t.same(seen, ['CP-1', 'CP-2', 'CP-3'], 'issued cursors page through');
});

t.test('station ids: OCPP identifierString without ":", at most 48, not "." or ".."', async (t) => {
  const { app, as, acme } = await setup();
  const create = (id: string) => app.inject({ method: 'POST', url: '/stations', headers: as(acme), payload: { id, password: 'a-long-password-x' } });
  for (const id of ['CP-1', 'a*b-c_d=e+f|g@h.i', '...', 'x'.repeat(48)]) t.equal((await create(id)).statusCode, 201, `${id} accepted`);
  for (const id of ['.', '..', 'a:b', 'a~b', 'a/b', 'a b', 'é', '', 'x'.repeat(49)]) {
    const res = await create(id);
    t.equal(res.statusCode, 400, `${JSON.stringify(id)} refused`);
    t.match(res.json(), { code: 'VALIDATION_FAILED' });
  }
  t.equal((await app.inject({ url: '/stations/a~b', headers: as(acme) })).statusCode, 400, 'path parameters use the same pattern');
});

t.test('every command sent through the API is logged: who, what, which station, how it ended', async (t) => {
  const { app, as, acme, acmeId, connect, lines, store } = await setup();
  await store.stations.createStation({ tenantId: 'acme', id: 'CP-1', passwordHash: null });
  connect('CP-1', 'acme', 'ocpp1.6');
  t.equal((await app.inject({ method: 'POST', url: '/stations/CP-1/reset', headers: as(acme), payload: { type: 'Soft' } })).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: '/stations/CP-1/ocpp/ClearCache', headers: as(acme), payload: {} })).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: '/stations/CP-9/reset', headers: as(acme), payload: { type: 'Soft' } })).statusCode, 404);
  const commands = lines.filter((l) => l.msg === 'API command');
  t.match(commands, [
    { level: 30, keyId: acmeId, keyName: 'acme-ops', tenantId: 'acme', stationId: 'CP-1', action: 'Reset', result: 'Accepted', httpStatus: 200 },
    { keyId: acmeId, stationId: 'CP-1', action: 'ClearCache', result: 'Accepted', httpStatus: 200 },
    { keyId: acmeId, stationId: 'CP-9', action: null, result: 'disconnected', httpStatus: 404 },
  ]);
  t.equal(commands.length, 3);
  t.equal(lines.filter((l) => l.msg === 'API request').length, 0, 'no access log unless asked for');
});

t.test('CSMS_ACCESS_LOG: one line per request with method, url, status, ms and key id', async (t) => {
  const { app, as, acme, acmeId, lines } = await setup({ api: { accessLog: true } });
  await app.inject({ url: '/stations?limit=5', headers: as(acme) });
  await app.inject({ url: '/stations/NOPE', headers: as(acme) });
  await app.inject({ url: '/health' });
  const access = lines.filter((l) => l.msg === 'API request');
  t.match(access, [
    { method: 'GET', url: '/stations?limit=5', status: 200, ms: Number, keyId: acmeId },
    { method: 'GET', url: '/stations/NOPE', status: 404, keyId: acmeId },
    { method: 'GET', url: '/health', status: 200, keyId: null },
  ]);
});

t.test('PUT /stations/{id}/debug switches frame logging on this node, within the tenant', async (t) => {
  const switched: Array<[string, boolean]> = [];
  const { app, as, acme, store } = await setup({
    deps: (deps) => ({ ...deps, stations: { ...deps.stations, setDebug: (id, enabled) => switched.push([id, enabled]) } }),
  });
  await store.stations.createStation({ tenantId: 'acme', id: 'CP-1', passwordHash: null });
  await store.stations.createStation({ tenantId: 'globex', id: 'CP-G', passwordHash: null });
  const on = await app.inject({ method: 'PUT', url: '/stations/CP-1/debug', headers: as(acme), payload: { enabled: true } });
  t.equal(on.statusCode, 200);
  t.same(on.json(), { stationId: 'CP-1', enabled: true });
  t.equal((await app.inject({ method: 'PUT', url: '/stations/CP-1/debug', headers: as(ADMIN), payload: { enabled: false } })).statusCode, 404, 'admin acts on the default tenant');
  t.equal((await app.inject({ method: 'PUT', url: '/stations/CP-1/debug', headers: { ...as(ADMIN), 'x-tenant-id': 'acme' }, payload: { enabled: false } })).statusCode, 200);
  t.equal((await app.inject({ method: 'PUT', url: '/stations/CP-G/debug', headers: as(acme), payload: { enabled: true } })).statusCode, 404, 'another tenant’s station');
  t.equal((await app.inject({ method: 'PUT', url: '/stations/CP-1/debug', headers: as(acme), payload: {} })).statusCode, 400);
  t.same(switched, [['CP-1', true], ['CP-1', false]]);

  const apiOnly = await setup();
  await apiOnly.store.stations.createStation({ tenantId: 'acme', id: 'CP-1', passwordHash: null });
  const res = await apiOnly.app.inject({ method: 'PUT', url: '/stations/CP-1/debug', headers: apiOnly.as(apiOnly.acme), payload: { enabled: true } });
  t.equal(res.statusCode, 503, 'a node without gateway threads says so');
});

t.test('/openapi.json: public, the same document as /docs/json, every operation with a unique operationId', async (t) => {
  const { app } = await setup();
  const res = await app.inject({ url: '/openapi.json' });
  t.equal(res.statusCode, 200);
  const doc = res.json();
  t.same(doc, (await app.inject({ url: '/docs/json' })).json());
  const ids: string[] = [];
  for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, { operationId?: string }>>)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (typeof operation !== 'object' || !['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue;
      t.type(operation.operationId, 'string', `${method.toUpperCase()} ${path} has an operationId`);
      ids.push(operation.operationId!);
    }
  }
  t.ok(ids.length >= 30, `${ids.length} operations`);
  t.same(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'operationIds are unique');
  t.ok(doc.paths['/stations/{id}/debug']?.put, 'the debug switch is documented');
  t.notOk(doc.paths['/openapi.json'], 'the document does not list itself');
});
