import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApi } from '../../api/server.js';
import { bootstrapAdminKey } from '../../api/api-key-service.js';
import { fakeApiDeps } from './fake-deps.js';

const ADMIN = 'admin-key-for-tests-0123456789';

async function setup(t: Parameters<Parameters<typeof t.test>[1]>[0], uiDir?: string) {
  const fake = fakeApiDeps();
  fake.deps.uiDir = uiDir;
  const app = await buildApi(fake.deps);
  await bootstrapAdminKey(fake.store.apiKeys, ADMIN);
  t.teardown(async () => {
    await app.close();
    await fake.store.close();
  });
  return app;
}

t.test('the UI is served at / and /ui/*, public, and never shadows an API route', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-ui-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  const app = await setup(t, dir);
  const index = await app.inject({ url: '/' });
  t.equal(index.statusCode, 200);
  t.match(index.headers['content-type'], /text\/html/);
  t.match(index.headers['content-security-policy'], /default-src 'self'/);
  t.match(index.body, /id="app"/);
  const asset = await app.inject({ url: '/ui/assets/index-abc.js' });
  t.equal(asset.statusCode, 200);
  t.match(asset.headers['cache-control'], /immutable/);
  t.equal((await app.inject({ url: '/ui/assets/nope.js' })).statusCode, 404);
  const api = await app.inject({ url: '/stations' });
  t.equal(api.statusCode, 401, 'API routes still need a key');
  t.equal(api.json().code, 'UNAUTHORIZED');
  t.equal((await app.inject({ url: '/no/such/route' })).statusCode, 401, 'no fallback page: unknown paths stay API answers');
  t.equal((await app.inject({ url: '/docs/json' })).statusCode, 200, '/docs stays');
});

t.test('without a built UI, / says how to build it', async (t) => {
  const app = await setup(t, join(tmpdir(), 'sy-no-ui-here'));
  const res = await app.inject({ url: '/' });
  t.equal(res.statusCode, 200);
  t.match(res.body, /npm run build/);
});

t.test('the official request schemas of the CSMS-initiated actions, for the console', async (t) => {
  const app = await setup(t);
  const auth = { authorization: `Bearer ${ADMIN}` };
  t.equal((await app.inject({ url: '/ocpp/schemas/ocpp1.6' })).statusCode, 401);
  const v16 = (await app.inject({ url: '/ocpp/schemas/ocpp1.6', headers: auth })).json();
  t.ok(v16.actions.includes('Reset') && v16.actions.includes('RemoteStartTransaction') && v16.actions.includes('DataTransfer'));
  t.notOk(v16.actions.includes('BootNotification'), 'station-initiated actions are not offered');
  const v201 = (await app.inject({ url: '/ocpp/schemas/ocpp2.0.1', headers: auth })).json();
  t.ok(v201.actions.includes('RequestStartTransaction'));
  t.notOk(v201.actions.includes('RemoteStartTransaction'));
  const schema = (await app.inject({ url: '/ocpp/schemas/ocpp2.0.1/RequestStartTransaction', headers: auth })).json();
  t.same([...schema.required].sort(), ['idToken', 'remoteStartId']);
  t.ok(schema.definitions.IdTokenType, 'definitions kept for $refs');
  t.notOk('$id' in schema, 'prepared as the gateway compiles it');
  t.equal((await app.inject({ url: '/ocpp/schemas/ocpp2.0.1/BootNotification', headers: auth })).statusCode, 404);
  t.equal((await app.inject({ url: '/ocpp/schemas/ocpp9/Reset', headers: auth })).statusCode, 400);
  t.ok((await app.inject({ url: '/ocpp/schemas/ocpp2.1', headers: auth })).json().actions.length > v201.actions.length, '2.1 has more');
});
