import t from 'tap';
import type { Test } from 'tap';
import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../api/server.js';
import { bootstrapAdminKey, issueApiKey } from '../../api/api-key-service.js';
import { bootstrapAdminUser, createUser } from '../../api/user-service.js';
import { hashPassword } from '../../core/password.js';
import { MemoryBus } from '../../adapters/bus/memory-bus.js';
import { busEvent } from '../../core/envelope.js';
import { fakeApiDeps } from './fake-deps.js';

const PASSWORD = 'correct horse battery';
const hash = (p: string) => hashPassword(p, 1024);

/** The API over an in-memory SQLite store, with users of two tenants and a real scrypt. */
async function setup(t: Test) {
  const fake = fakeApiDeps();
  const bus = new MemoryBus(() => {});
  fake.deps.hashPassword = hash;
  fake.deps.events = bus;
  const app = await buildApi(fake.deps);
  const { store } = fake;
  const adminKey = 'admin-key-for-tests-0123456789';
  await bootstrapAdminKey(store.apiKeys, adminKey);
  const first = await bootstrapAdminUser(store.users, hash, {});
  for (const [username, role, tenantId] of [
    ['vera', 'viewer', 'acme'], ['otto', 'operator', 'acme'], ['ada', 'admin', 'acme'], ['gina', 'operator', 'globex'],
  ] as const) {
    await createUser(store.users, hash, { username, password: PASSWORD, role, tenantId });
  }
  t.teardown(async () => {
    await app.close();
    await store.close();
  });
  return { ...fake, app, adminKey, first: first!, bus };
}




interface Session {
  cookie: string;
  csrf: string;
  headers(extra?: Record<string, string>): Record<string, string>;
}

async function login(app: FastifyInstance, username: string, password = PASSWORD): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const setCookie = String(res.headers['set-cookie']);
  const cookie = setCookie.split(';', 1)[0]!;
  const csrf = res.json().csrfToken as string;
  return { cookie, csrf, headers: (extra = {}) => ({ cookie, 'x-csrf-token': csrf, ...extra }) };
}

t.test('first start creates one cluster admin, printed once; later starts create none', async (t) => {
  const { store, first } = await setup(t);
  t.match(first, { username: 'admin', password: String });
  t.ok(first.password.length >= 20);
  t.match(await store.users.findUserByName('admin'), { role: 'admin', tenantId: null });
  t.equal(await bootstrapAdminUser(store.users, hash, {}), undefined, 'nothing new the second time');
});

t.test('two nodes starting at once on one store: one creates the first admin, the other starts quietly', async (t) => {
  const fake = fakeApiDeps();
  t.teardown(() => fake.store.close());
  const both = await Promise.all([bootstrapAdminUser(fake.store.users, hash, {}), bootstrapAdminUser(fake.store.users, hash, {})]);
  t.equal(both.filter((b) => b !== undefined).length, 1, 'printed by one node only, no start-up failure');
  t.equal((await fake.store.users.listUsers()).length, 1);
});

t.test('login: wrong password refused, cookie httpOnly + SameSite, me, logout', async (t) => {
  const { app } = await setup(t);
  const wrong = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'otto', password: 'nope-nope-nope' } });
  t.equal(wrong.statusCode, 401);
  t.equal(wrong.json().code, 'UNAUTHORIZED');
  t.notOk(wrong.headers['set-cookie'], 'no cookie on failure');
  const unknown = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'nobody', password: PASSWORD } });
  t.equal(unknown.statusCode, 401);
  t.equal(unknown.json().message, wrong.json().message, 'an unknown user reads exactly like a wrong password');

  const ok = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'OTTO', password: PASSWORD } });
  t.equal(ok.statusCode, 200);
  const cookie = String(ok.headers['set-cookie']);
  t.match(cookie, /^sy_session=[A-Za-z0-9_-]{40,};/);
  t.match(cookie, /HttpOnly/);
  t.match(cookie, /SameSite=Strict/);
  t.notMatch(cookie, /Secure/, 'not Secure over plain HTTP');
  t.match(ok.json(), { user: { username: 'otto', role: 'operator', tenantId: 'acme' }, csrfToken: String, expiresAt: String });
  t.notOk(ok.body.includes('scrypt'), 'no hash in the answer');

  const s = await login(app, 'otto');
  const me = await app.inject({ url: '/auth/me', headers: { cookie: s.cookie } });
  t.match(me.json(), { user: { username: 'otto' }, csrfToken: s.csrf, tenantId: 'acme' });
  t.equal((await app.inject({ url: '/stations', headers: { cookie: s.cookie } })).statusCode, 200, 'the cookie reads the API');
  t.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie: s.cookie } })).statusCode, 403, 'logout needs the CSRF token too');
  const out = await app.inject({ method: 'POST', url: '/auth/logout', headers: s.headers() });
  t.equal(out.statusCode, 204);
  t.match(String(out.headers['set-cookie']), /Max-Age=0/);
  t.equal((await app.inject({ url: '/stations', headers: { cookie: s.cookie } })).statusCode, 401, 'the session is gone');
  t.equal((await app.inject({ url: '/stations', headers: { cookie: 'sy_session=forged' } })).statusCode, 401);
});

t.test('CSMS_SECURE_COOKIES: the session cookie is Secure behind a TLS proxy', async (t) => {
  const fake = fakeApiDeps();
  fake.deps.hashPassword = hash;
  fake.deps.security = { secureCookies: true };
  const app = await buildApi(fake.deps);
  t.teardown(async () => {
    await app.close();
    await fake.store.close();
  });
  await createUser(fake.store.users, hash, { username: 'sam', password: PASSWORD, role: 'viewer', tenantId: 'acme' });
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'sam', password: PASSWORD } });
  t.match(String(res.headers['set-cookie']), /; Secure$/);
});

t.test('CSRF: a cookie-authenticated change needs the session token; API keys need none', async (t) => {
  const { app, connect, calls, adminKey, store } = await setup(t);
  connect('CS-A', 'acme', 'ocpp1.6');
  const s = await login(app, 'otto');
  const other = await login(app, 'ada');
  const none = await app.inject({ method: 'POST', url: '/stations/CS-A/reset', headers: { cookie: s.cookie }, payload: { type: 'Soft' } });
  t.equal(none.statusCode, 403);
  t.equal(none.json().code, 'CSRF_TOKEN_INVALID');
  const foreign = await app.inject({ method: 'POST', url: '/stations/CS-A/reset', headers: { cookie: s.cookie, 'x-csrf-token': other.csrf }, payload: { type: 'Soft' } });
  t.equal(foreign.json().code, 'CSRF_TOKEN_INVALID', "another session's token does not do");
  t.equal(calls.length, 0, 'nothing was sent');
  const ok = await app.inject({ method: 'POST', url: '/stations/CS-A/reset', headers: s.headers(), payload: { type: 'Soft' } });
  t.equal(ok.statusCode, 200);
  t.equal(calls.length, 1);
  const key = (await issueApiKey(store.apiKeys, { role: 'tenant', tenantId: 'acme' })).key;
  const byKey = await app.inject({ method: 'POST', url: '/stations/CS-A/reset', headers: { authorization: `Bearer ${key}` }, payload: { type: 'Soft' } });
  t.equal(byKey.statusCode, 200, 'tenant API keys unchanged');
  const admin = await app.inject({ url: '/admin/api-keys', headers: { authorization: `Bearer ${adminKey}` } });
  t.equal(admin.statusCode, 200, 'admin API keys unchanged');
  t.equal((await app.inject({ url: '/admin/api-keys', headers: { authorization: `Bearer ${key}` } })).statusCode, 403, 'tenant keys still no admin');
});

t.test('roles: viewer reads only, operator sends commands, admin administers; every command audited', async (t) => {
  const { app, connect, calls } = await setup(t);
  connect('CS-A', 'acme', 'ocpp1.6');
  const vera = await login(app, 'vera');
  const otto = await login(app, 'otto');
  const ada = await login(app, 'ada');
  t.equal((await app.inject({ url: '/stations', headers: vera.headers() })).statusCode, 200, 'viewer reads');
  const refused = await app.inject({ method: 'POST', url: '/stations/CS-A/reset', headers: vera.headers(), payload: { type: 'Soft' } });
  t.equal(refused.statusCode, 403);
  t.match(refused.json(), { code: 'FORBIDDEN', message: /read-only/ });
  t.equal((await app.inject({ method: 'POST', url: '/stations', headers: vera.headers(), payload: { id: 'CS-NEW' } })).statusCode, 403);
  t.equal(calls.length, 0, 'the viewer sent nothing');
  t.equal((await app.inject({ url: '/admin/users', headers: otto.headers() })).statusCode, 403, 'operator: no administration');
  t.equal((await app.inject({ url: '/admin/audit', headers: otto.headers() })).statusCode, 403);

  const reset = await app.inject({ method: 'POST', url: '/stations/CS-A/reset', headers: otto.headers(), payload: { type: 'Hard' } });
  t.equal(reset.statusCode, 200);
  const audit = await app.inject({ url: '/admin/audit', headers: ada.headers() });
  t.equal(audit.statusCode, 200);
  t.match(audit.json().items, [
    { tenantId: 'acme', username: 'otto', route: 'POST /stations/CS-A/reset', stationId: 'CS-A', action: 'Reset', result: 'Accepted', httpStatus: 200, request: { type: 'Hard' }, at: String },
  ]);
  t.equal(audit.json().items.length, 1, 'the refused viewer command sent nothing, so nothing to audit');

  // Password change: this session stays, the others end, the new password works.
  const otto2 = await login(app, 'otto');
  const weak = await app.inject({ method: 'POST', url: '/auth/password', headers: otto.headers(), payload: { currentPassword: PASSWORD, newPassword: 'short' } });
  t.equal(weak.statusCode, 400);
  const bad = await app.inject({ method: 'POST', url: '/auth/password', headers: otto.headers(), payload: { currentPassword: 'wrong-wrong-wrong', newPassword: 'a new long passphrase' } });
  t.equal(bad.statusCode, 401);
  t.equal((await app.inject({ method: 'POST', url: '/auth/password', headers: otto.headers(), payload: { currentPassword: PASSWORD, newPassword: 'a new long passphrase' } })).statusCode, 204);
  t.equal((await app.inject({ url: '/auth/me', headers: otto.headers() })).statusCode, 200, 'this session stays');
  t.equal((await app.inject({ url: '/auth/me', headers: otto2.headers() })).statusCode, 401, 'the other session ended');
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'otto', password: PASSWORD } })).statusCode, 401, 'old password gone');
  await login(app, 'otto', 'a new long passphrase');
});

t.test('tenancy: a tenant user sees and administers only its tenant; cluster admins pick one', async (t) => {
  const { app, connect, store, first } = await setup(t);
  connect('CS-G', 'globex', 'ocpp1.6');
  const ada = await login(app, 'ada');
  const gina = await login(app, 'gina');
  const root = await login(app, first.username, first.password);
  const asGlobex = await app.inject({ method: 'POST', url: '/stations/CS-G/reset', headers: root.headers({ 'x-tenant-id': 'globex' }), payload: { type: 'Soft' } });
  t.equal(asGlobex.statusCode, 200, 'a cluster admin acts on the tenant it names');
  t.equal((await app.inject({ url: '/admin/users', headers: root.headers() })).json().items.length, 5, 'and sees every user');
  const asOther = await app.inject({ url: '/stations', headers: ada.headers({ 'x-tenant-id': 'globex' }) });
  t.equal(asOther.statusCode, 403, 'X-Tenant-Id of another tenant refused');
  const reset = await app.inject({ method: 'POST', url: '/stations/CS-G/reset', headers: ada.headers(), payload: { type: 'Soft' } });
  t.equal(reset.statusCode, 404, "another tenant's station is not found");
  t.equal((await app.inject({ method: 'POST', url: '/stations/CS-G/reset', headers: gina.headers(), payload: { type: 'Soft' } })).statusCode, 200);

  const users = await app.inject({ url: '/admin/users', headers: ada.headers() });
  t.same(users.json().items.map((u: { username: string }) => u.username).sort(), ['ada', 'otto', 'vera'], 'a tenant admin lists its tenant');
  const intoGlobex = await app.inject({ method: 'POST', url: '/admin/users', headers: ada.headers(), payload: { username: 'eve', password: PASSWORD, role: 'admin', tenantId: 'globex' } });
  t.equal(intoGlobex.statusCode, 403);
  const cluster = await app.inject({ method: 'POST', url: '/admin/users', headers: ada.headers(), payload: { username: 'eve', password: PASSWORD, role: 'admin' } });
  t.equal(cluster.statusCode, 403, 'a tenant admin makes no cluster admin');
  const made = await app.inject({ method: 'POST', url: '/admin/users', headers: ada.headers(), payload: { username: 'nora', password: PASSWORD, role: 'viewer', tenantId: 'acme' } });
  t.equal(made.statusCode, 201);
  t.match(made.json(), { username: 'nora', role: 'viewer', tenantId: 'acme', id: /^usr_/ });
  t.equal((await app.inject({ method: 'POST', url: '/admin/users', headers: ada.headers(), payload: { username: 'NORA', password: PASSWORD, role: 'viewer', tenantId: 'acme' } })).json().code, 'USER_EXISTS');
  const ginaId = (await store.users.findUserByName('gina'))!.id;
  t.equal((await app.inject({ method: 'DELETE', url: `/admin/users/${ginaId}`, headers: ada.headers() })).json().code, 'USER_NOT_FOUND', "another tenant's user is not found");
  const promote = await app.inject({ method: 'PATCH', url: `/admin/users/${made.json().id}`, headers: ada.headers(), payload: { role: 'operator' } });
  t.match(promote.json(), { role: 'operator' });
  const disable = await app.inject({ method: 'PATCH', url: `/admin/users/${made.json().id}`, headers: ada.headers(), payload: { disabled: true } });
  t.match(disable.json(), { disabledAt: String });
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'nora', password: PASSWORD } })).statusCode, 401, 'a disabled user cannot log in');

  // A tenant admin's API keys are its tenant's.
  const key = await app.inject({ method: 'POST', url: '/admin/api-keys', headers: ada.headers(), payload: { name: 'ci' } });
  t.equal(key.statusCode, 201);
  t.match(key.json().apiKey, { role: 'tenant', tenantId: 'acme' });
  t.equal((await app.inject({ method: 'POST', url: '/admin/api-keys', headers: ada.headers(), payload: { role: 'admin' } })).statusCode, 403);
  const keys = await app.inject({ url: '/admin/api-keys?tenantId=globex', headers: ada.headers() });
  t.ok(keys.json().items.every((k: { tenantId: string }) => k.tenantId === 'acme'), 'lists only its tenant, whatever it asks');
  const globexKey = (await issueApiKey(store.apiKeys, { role: 'tenant', tenantId: 'globex' })).record.id;
  t.equal((await app.inject({ method: 'DELETE', url: `/admin/api-keys/${globexKey}`, headers: ada.headers() })).statusCode, 404);
  t.equal((await app.inject({ url: '/metrics', headers: ada.headers() })).statusCode, 403, 'node metrics are for cluster admins');
});

t.test('login rate limiting per username (core/login-throttle.ts)', async (t) => {
  const { app } = await setup(t);
  const attempt = (password: string) => app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'otto', password } });
  for (let i = 0; i < 3; i++) t.equal((await attempt('wrong-password-x')).statusCode, 401);
  const limited = await attempt(PASSWORD);
  t.equal(limited.statusCode, 429, 'even the right password waits after 3 failures');
  t.equal(limited.json().code, 'LOGIN_RATE_LIMITED');
  t.ok(Number(limited.headers['retry-after']) >= 1);
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'vera', password: PASSWORD } })).statusCode, 200, 'other users unaffected');
});

t.test('GET /events streams the tenant’s bus events as SSE, nothing of other tenants', async (t) => {
  const { app, bus } = await setup(t);
  const otto = await login(app, 'otto');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const frames: string[] = [];
  const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/events?types=station.*,connector.status', headers: { cookie: otto.cookie } }, resolve);
    req.on('error', reject);
    req.end();
  });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/event-stream/);
  let text = '';
  const got = new Promise<void>((resolve) => {
    res.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('CS-LAST')) resolve();
    });
  });
  await new Promise((r) => setTimeout(r, 50)); // the subscription is made once the head is written
  bus.publish(busEvent('station.connected', 'globex', 'CS-G', { protocol: 'ocpp1.6' }));
  bus.publish(busEvent('meter.values', 'acme', 'CS-A', {}));
  bus.publish(busEvent('station.connected', 'acme', 'CS-A', { protocol: 'ocpp1.6' }));
  bus.publish(busEvent('connector.status', 'acme', 'CS-LAST', { status: 'Available' }));
  await got;
  for (const block of text.split('\n\n')) if (block.includes('data:')) frames.push(block);
  t.equal(frames.length, 2, 'filtered by tenant and type');
  t.match(frames[0], /^event: station\.connected\nid: [0-9a-f-]+\ndata: \{.*"stationId":"CS-A"/);
  t.notOk(text.includes('CS-G'), 'nothing of globex');
  res.destroy();
  const unauth = await app.inject({ url: '/events' });
  t.equal(unauth.statusCode, 401);
});
