import t, { type Test } from 'tap';
import type { InjectOptions } from 'fastify';
import { callErrorReply, failedReply, resultReply, type StationCall, type StationReply } from '../../core/envelope.js';
import { ERROR_CODES, ERRORS } from '../../core/errors.js';
import { bootstrapAdminKey, issueApiKey } from '../../api/api-key-service.js';
import { buildApi } from '../../api/server.js';
import { fakeApiDeps } from './fake-deps.js';

// One error table (core/errors.ts): every code is in the OpenAPI document, and error paths of
// every kind (ours, fastify's, the station's) answer `{ error, code, message, details }`.

const ADMIN = 'admin-key-for-error-codes-0123';

async function setup(t: Test, answer?: (call: StationCall) => StationReply) {
  const fake = fakeApiDeps({ answer });
  fake.deps.metrics = async () => {
    throw new Error('secret internals');
  };
  const app = await buildApi(fake.deps);
  t.teardown(async () => {
    await app.close();
    await fake.store.close();
  });
  await bootstrapAdminKey(fake.store.apiKeys, ADMIN);
  const tenantKey = (await issueApiKey(fake.store.apiKeys, { role: 'tenant', tenantId: 'default' })).key;
  const auth = (key = ADMIN) => ({ authorization: `Bearer ${key}` });
  return { ...fake, app, auth, tenantKey };
}

/** Every schema object of the document that is an error body (has the `code` enum). */
function errorSchemas(node: unknown, found: Array<{ enum: string[] }> = []): Array<{ enum: string[] }> {
  if (Array.isArray(node)) for (const item of node) errorSchemas(item, found);
  else if (node && typeof node === 'object') {
    const props = (node as { properties?: { code?: { enum?: string[] } } }).properties;
    if (props?.code?.enum) found.push(props.code as { enum: string[] });
    for (const value of Object.values(node)) errorSchemas(value, found);
  }
  return found;
}

t.test('every code of the table is in the OpenAPI document, in every error body', async (t) => {
  const { app } = await setup(t);
  const doc = (await app.inject({ url: '/docs/json' })).json();
  const schemas = errorSchemas(doc.paths);
  t.ok(schemas.length > 20, `${schemas.length} documented error responses`);
  for (const schema of schemas) t.same([...schema.enum].sort(), [...ERROR_CODES].sort());
  const text = JSON.stringify(doc);
  for (const code of ERROR_CODES) t.ok(text.includes(`"${code}"`), `${code} documented`);
});

t.test('fastify\'s own errors and ours carry a stable code', async (t) => {
  const { app, auth, tenantKey, store, connect } = await setup(t);
  const expect = async (what: string, request: InjectOptions, code: keyof typeof ERRORS) => {
    const res = await app.inject(request);
    t.equal(res.statusCode, ERRORS[code].http, `${what}: HTTP ${ERRORS[code].http}`);
    t.match(res.json(), { error: ERRORS[code].title, code, message: String }, `${what}: ${code}`);
    t.ok('details' in res.json(), `${what}: details present`);
    return res;
  };
  await expect('no key', { url: '/stations' }, 'UNAUTHORIZED');
  await expect('tenant key on an admin route', { url: '/admin/api-keys', headers: auth(tenantKey) }, 'FORBIDDEN');
  await expect('unknown route', { url: '/no/such/route', headers: auth() }, 'NOT_FOUND');
  const wrongMethod = await expect('wrong method', { method: 'DELETE', url: '/stations', headers: auth() }, 'METHOD_NOT_ALLOWED');
  t.equal(wrongMethod.headers.allow, 'GET, HEAD, POST');
  await expect('schema violation', { method: 'POST', url: '/stations', headers: auth(), payload: { id: 'X' } }, 'VALIDATION_FAILED');
  await expect('broken JSON', { method: 'POST', url: '/stations', headers: { ...auth(), 'content-type': 'application/json' }, payload: '{"id":' }, 'BAD_REQUEST');
  await expect('body too large', { method: 'POST', url: '/stations', headers: { ...auth(), 'content-type': 'application/json' }, payload: `{"id":"${'x'.repeat(1_100_000)}"}` }, 'PAYLOAD_TOO_LARGE');
  await expect('media type', { method: 'POST', url: '/stations', headers: { ...auth(), 'content-type': 'text/csv' }, payload: 'id,password' }, 'UNSUPPORTED_MEDIA_TYPE');
  const internal = await expect('a failing dependency', { url: '/metrics', headers: auth() }, 'INTERNAL_ERROR');
  t.notMatch(internal.body, /secret internals/, 'internals are not shown');
  await expect('unknown station', { method: 'POST', url: '/stations/NOPE/reset', headers: auth(), payload: { type: 'Soft' } }, 'STATION_NOT_FOUND');
  await store.stations.createStation({ tenantId: 'default', id: 'OFF', passwordHash: null });
  await expect('known, not connected', { method: 'POST', url: '/stations/OFF/reset', headers: auth(), payload: { type: 'Soft' } }, 'STATION_NOT_CONNECTED');
  connect('V2', 'default', 'ocpp2.0.1');
  connect('V16', 'default', 'ocpp1.6');
  const wrong = await expect('command of another version', { url: '/stations/V2/configuration', headers: auth() }, 'WRONG_PROTOCOL');
  t.match(wrong.json().details, { protocol: 'ocpp2.0.1' });
  await expect('station-initiated action sent', { method: 'POST', url: '/stations/V2/ocpp/Heartbeat', headers: auth(), payload: {} }, 'UNKNOWN_ACTION');
  await expect('unknown 1.6 transaction', { method: 'POST', url: '/stations/V16/transactions/stop', headers: auth(), payload: { transactionId: 'abc' } }, 'TRANSACTION_NOT_FOUND');
  await expect('1.6 idTag too long', { method: 'POST', url: '/stations/V16/transactions/start', headers: auth(), payload: { idToken: 'X'.repeat(21) } }, 'VALIDATION_FAILED');
});

t.test('station replies map to codes through the table', async (t) => {
  const replies: Record<string, StationReply> = {
    NS: callErrorReply('NotSupported', 'not on this model', { model: 'X' }),
    FV16: callErrorReply('FormationViolation', 'bad'),
    ODD: callErrorReply('VendorSpecificError', 'odd'),
    SLOW: failedReply('timeout', 'Station did not answer Reset within 30000 ms'),
    FULL: failedReply('queue-full', 'More than 100 calls queued'),
    BAD: failedReply('invalid-response', 'Station answered Reset with an invalid payload'),
    GONE: failedReply('send-failed', 'Could not write to the station socket'),
    MOVED: failedReply('stale-location', 'Station MOVED is not connected to node b'),
    LOST: failedReply('node-unavailable', 'Node b does not answer', { nodeId: 'b' }),
  };
  const { app, auth, connect } = await setup(t, (call) => replies[call.stationId] ?? resultReply({ status: 'Accepted' }));
  const expected: Record<string, keyof typeof ERRORS> = {
    NS: 'STATION_NOT_SUPPORTED', FV16: 'STATION_FORMAT_VIOLATION', ODD: 'STATION_CALL_ERROR', SLOW: 'STATION_TIMEOUT',
    FULL: 'STATION_BUSY', BAD: 'STATION_INVALID_RESPONSE', GONE: 'STATION_SEND_FAILED',
    MOVED: 'STATION_LOCATION_STALE', LOST: 'STATION_NODE_UNAVAILABLE',
  };
  for (const [id, code] of Object.entries(expected)) {
    connect(id, 'default', 'ocpp1.6');
    for (const url of [`/stations/${id}/ocpp/Reset`, `/stations/${id}/reset`]) {
      const res = await app.inject({ method: 'POST', url, headers: auth(), payload: { type: 'Soft' } });
      t.equal(res.statusCode, ERRORS[code].http, `${url}: ${ERRORS[code].http}`);
      t.equal(res.json().code, code, `${url}: ${code}`);
    }
  }
  const refused = await app.inject({ method: 'POST', url: '/stations/NS/ocpp/Reset', headers: auth(), payload: { type: 'Soft' } });
  t.match(refused.json(), { details: { code: 'NotSupported', description: 'not on this model', details: { model: 'X' } } }, "the station's CALLERROR in details");
});
