import t from 'tap';
import { pino } from 'pino';
import { readiness } from '../../workers/csms-node.js';
import { buildApi } from '../../api/server.js';
import { fakeApiDeps } from '../api/fake-deps.js';

// Issue #11: readiness from what main knows, and the public /health and /ready routes.

t.test('readiness: ready only when every check is ok', async (t) => {
  t.same(readiness({}), { ready: true, checks: {} });
  const healthy = readiness({
    store: { storeWritable: { ok: true }, sqliteFile: { ok: true } },
    handlerThread: true,
    gatewayThreads: new Map([[1, true], [2, true]]),
    nats: { connected: true },
  });
  t.equal(healthy.ready, true);
  t.same(Object.keys(healthy.checks).sort(), ['gatewayThreads', 'handlerThread', 'nats', 'sqliteFile', 'storeWritable']);

  const sick = readiness({
    store: { storeWritable: { ok: false, reason: 'disk full' }, sqliteFile: { ok: true } },
    handlerThread: false,
    gatewayThreads: new Map([[1, true], [2, false]]),
    nats: { connected: false },
  });
  t.equal(sick.ready, false);
  t.same(sick.checks.storeWritable, { ok: false, reason: 'disk full' });
  t.same(sick.checks.handlerThread, { ok: false, reason: 'handler thread is not running' });
  t.same(sick.checks.gatewayThreads, { ok: false, reason: 'gateway thread(s) 2 not running' });
  t.same(sick.checks.nats, { ok: false, reason: 'not connected to NATS' });
  t.equal(readiness({ stopping: true }).ready, false, 'a node shutting down is not ready');
});

t.test('GET /ready and /health are public; /ready answers 503 with the failing checks', async (t) => {
  const fake = fakeApiDeps();
  let state = readiness({ handlerThread: true });
  const app = await buildApi({ ...fake.deps, readiness: () => state }, pino({ level: 'silent' }), { accessLog: false });
  t.teardown(() => app.close());

  const ok = await app.inject({ url: '/ready' });
  t.equal(ok.statusCode, 200);
  t.same(ok.json(), { status: 'ready', checks: { handlerThread: { ok: true } } });

  state = readiness({ handlerThread: true, store: { sqliteFile: { ok: false, reason: 'SQLite database file /x was deleted while open' } } });
  const down = await app.inject({ url: '/ready' });
  t.equal(down.statusCode, 503);
  t.same(down.json(), {
    status: 'not-ready',
    checks: { handlerThread: { ok: true }, sqliteFile: { ok: false, reason: 'SQLite database file /x was deleted while open' } },
  });
  t.equal((await app.inject({ url: '/health' })).statusCode, 200, 'liveness regardless');

  const spec = (await app.inject({ url: '/openapi.json' })).json();
  t.equal(spec.paths['/ready'].get.operationId, 'getReadiness');
  t.equal(spec.paths['/health'].get.operationId, 'getHealth');
});
