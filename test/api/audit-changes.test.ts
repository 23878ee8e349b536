import t from 'tap';
import type { Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../api/server.js';
import { issueApiKey } from '../../api/api-key-service.js';
import { createUser } from '../../api/user-service.js';
import { hashPassword } from '../../core/password.js';
import { fakeApiDeps } from './fake-deps.js';

/**
 * The audit log records changes to users, API keys and id tokens (who, what, when, outcome), not
 * only commands; and id token groups (GET /token-groups, GET /tokens?groupId=) (issue 15).
 */
const PASSWORD = 'correct horse battery';
const hash = (p: string) => hashPassword(p, 1024);

async function setup(t: Test) {
  const fake = fakeApiDeps();
  fake.deps.hashPassword = hash;
  const app = await buildApi(fake.deps);
  for (const [username, role] of [['ada', 'admin'], ['otto', 'operator'], ['vera', 'viewer']] as const) {
    await createUser(fake.store.users, hash, { username, password: PASSWORD, role, tenantId: 'acme' });
  }
  await createUser(fake.store.users, hash, { username: 'gil', password: PASSWORD, role: 'admin', tenantId: 'globex' });
  t.teardown(async () => {
    await app.close();
    await fake.store.close();
  });
  return { ...fake, app };
}

async function login(app: FastifyInstance, username: string) {
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } });
  const cookie = String(res.headers['set-cookie']).split(';', 1)[0]!;
  const csrf = res.json().csrfToken as string;
  return (method: string, url: string, payload?: unknown) =>
    app.inject({ method: method as 'GET', url, headers: { cookie, 'x-csrf-token': csrf }, ...(payload === undefined ? {} : { payload: payload as object }) });
}

t.test('changes to users, API keys and id tokens are audited with who, what, when and the outcome; secrets never', async (t) => {
  const { app, store } = await setup(t);
  const ada = await login(app, 'ada');
  const otto = await login(app, 'otto');
  const vera = await login(app, 'vera');
  const before = new Date().toISOString();

  const created = await ada('POST', '/admin/users', { username: 'neil', password: 'a secret password 1', role: 'viewer', tenantId: 'acme' });
  t.equal(created.statusCode, 201);
  const neilId = created.json().id as string;
  t.equal((await ada('PATCH', `/admin/users/${neilId}`, { role: 'operator' })).statusCode, 200);
  const key = await ada('POST', '/admin/api-keys', { name: 'billing', tenantId: 'acme' });
  t.equal(key.statusCode, 201);
  t.equal((await otto('POST', '/tokens', { idToken: 'CARD-1', groupId: 'FLEET' })).statusCode, 201);
  t.equal((await otto('PUT', '/tokens/CARD-1', { status: 'Blocked', groupId: 'FLEET' })).statusCode, 200);
  t.equal((await vera('DELETE', '/tokens/CARD-1')).statusCode, 403, 'a viewer is refused');
  t.equal((await otto('POST', '/auth/password', { currentPassword: PASSWORD, newPassword: 'another long password' })).statusCode, 204);
  t.equal((await ada('GET', '/tokens')).statusCode, 200);
  // A machine's change: the API key is who.
  const machine = (await issueApiKey(store.apiKeys, { role: 'tenant', tenantId: 'acme', name: 'crm' })).key;
  t.equal((await app.inject({ method: 'DELETE', url: '/tokens/CARD-1', headers: { authorization: `Bearer ${machine}` } })).statusCode, 204);

  const log = await ada('GET', '/admin/audit?limit=50');
  t.equal(log.statusCode, 200);
  const items = (log.json().items as Array<Record<string, any>>).reverse();
  t.same(items.map((a) => [a.username, a.route, a.result, a.httpStatus]), [
    ['ada', 'POST /admin/users', 'ok', 201],
    ['ada', `PATCH /admin/users/${neilId}`, 'ok', 200],
    ['ada', 'POST /admin/api-keys', 'ok', 201],
    ['otto', 'POST /tokens', 'ok', 201],
    ['otto', 'PUT /tokens/CARD-1', 'ok', 200],
    ['vera', 'DELETE /tokens/CARD-1', 'FORBIDDEN', 403],
    ['otto', 'POST /auth/password', 'ok', 204],
    ['API key crm', 'DELETE /tokens/CARD-1', 'ok', 204],
  ], 'every change, in order, reads never');
  for (const a of items) {
    t.equal(a.tenantId, 'acme');
    t.ok(a.at >= before, 'when');
    t.equal(a.stationId, null);
    t.equal(a.action, null);
  }
  t.same(items[0]!.request, { username: 'neil', password: '[redacted]', role: 'viewer', tenantId: 'acme' }, 'the new user, without the password');
  t.same(items[6]!.request, { currentPassword: '[redacted]', newPassword: '[redacted]' });
  t.match(items[4]!.request, { status: 'Blocked', groupId: 'FLEET' }, 'what changed');
  t.notMatch(JSON.stringify(items), /a secret password|another long password|correct horse/, 'no password anywhere');
  t.notMatch(JSON.stringify(items), new RegExp(key.json().key), 'the new key is not in the log');
  t.match(items[7]!.userId, /^key:/);

  const gil = await login(app, 'gil');
  t.same((await gil('GET', '/admin/audit')).json().items, [], 'another tenant\'s admin sees none of it');
});

t.test('id token groups: the groups in use with their sizes, and a group\'s members', async (t) => {
  const { app } = await setup(t);
  const otto = await login(app, 'otto');
  for (const [idToken, groupId] of [['A1', 'FLEET'], ['A2', 'FLEET'], ['B1', 'STAFF'], ['C1', null]] as const) {
    t.equal((await otto('POST', '/tokens', { idToken, groupId })).statusCode, 201);
  }
  t.same((await otto('GET', '/token-groups')).json(), { items: [{ groupId: 'FLEET', members: 2 }, { groupId: 'STAFF', members: 1 }] });
  t.equal((await otto('PUT', '/tokens/C1', { groupId: 'STAFF' })).statusCode, 200, 'assigning is a PUT of the token with its group');
  t.same((await otto('GET', '/tokens?groupId=STAFF')).json().items.map((x: { idToken: string }) => x.idToken), ['B1', 'C1']);
  const vera = await login(app, 'vera');
  t.equal((await vera('GET', '/token-groups')).statusCode, 200, 'viewers read groups');
  t.equal((await vera('PUT', '/tokens/C1', { groupId: 'FLEET' })).statusCode, 403, 'but cannot assign');
});
