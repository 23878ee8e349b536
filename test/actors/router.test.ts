import t from 'tap';
import { Router } from '../../actors/router.js';
import type { HandlerContext, RoutingTable } from '../../actors/handler-context.js';
import { RpcError } from '../../core/errors.js';
import { FIXED_NOW, FakeGatewayStore, schemasFor } from '../helpers/actor-fakes.js';

function ctx(): HandlerContext {
  return {
    session: { tenantId: 't', stationId: 's', version: 'ocpp2.1' },
    state: { bootStatus: null, lastSeenAt: 0 },
    store: new FakeGatewayStore().asGatewayStore,
    events: { emit: () => {} },
    clock: () => FIXED_NOW,
    settings: { heartbeatIntervalSec: 60 },
  };
}

function router(table: RoutingTable) {
  const internal: Array<{ error: unknown; action: string }> = [];
  return { internal, router: new Router(schemasFor('ocpp2.1'), table, (error, action) => internal.push({ error, action })) };
}

t.test('routes a valid request to its handler and returns its answer', async (t) => {
  const seen: unknown[] = [];
  const { router: r } = router({ Heartbeat: (_c, req) => (seen.push(req), { currentTime: FIXED_NOW.toISOString() }) });
  t.same(await r.route(ctx(), 'Heartbeat', {}), { ok: true, payload: { currentTime: FIXED_NOW.toISOString() } });
  t.same(seen, [{}]);
});

t.test('unknown → NotImplemented, known without handler → NotSupported, before any schema check', async (t) => {
  const { router: r } = router({});
  const unknown = await r.route(ctx(), 'MakeCoffee', {});
  t.equal(!unknown.ok && unknown.error.kind, 'NotImplemented');
  const unhandled = await r.route(ctx(), 'Authorize', { not: 'valid' });
  t.equal(!unhandled.ok && unhandled.error.kind, 'NotSupported');
});

t.test('an invalid request never reaches the handler and carries the schema errors', async (t) => {
  let called = false;
  const { router: r } = router({ Heartbeat: () => ((called = true), { currentTime: FIXED_NOW.toISOString() }) });
  const outcome = await r.route(ctx(), 'Heartbeat', { extra: 1 });
  t.notOk(called);
  t.equal(!outcome.ok && outcome.error.kind, 'FormatViolation');
  t.match(!outcome.ok && outcome.error.details, { errors: [{ keyword: 'additionalProperties' }] });
});

t.test('an RpcError thrown by a handler is passed through as is', async (t) => {
  const { router: r, internal } = router({
    Heartbeat: () => {
      throw new RpcError('SecurityError', 'not now');
    },
  });
  const outcome = await r.route(ctx(), 'Heartbeat', {});
  t.equal(!outcome.ok && outcome.error.kind, 'SecurityError');
  t.equal(!outcome.ok && outcome.error.message, 'not now');
  t.equal(internal.length, 0);
});

t.test('any other failure becomes a generic InternalError and is reported', async (t) => {
  const boom = new Error('secret');
  const { router: r, internal } = router({ Heartbeat: async () => Promise.reject(boom) });
  const outcome = await r.route(ctx(), 'Heartbeat', {});
  t.equal(!outcome.ok && outcome.error.kind, 'InternalError');
  t.notMatch(!outcome.ok && outcome.error.message, /secret/);
  t.same(internal, [{ error: boom, action: 'Heartbeat' }]);
});

t.test('our own answer is checked against the response schema', async (t) => {
  const { router: r, internal } = router({ Heartbeat: () => ({ currentTime: 'teatime' }) });
  const outcome = await r.route(ctx(), 'Heartbeat', {});
  t.equal(!outcome.ok && outcome.error.kind, 'InternalError');
  t.equal(internal.length, 1);
  t.match(String(internal[0]!.error), /Heartbeat response breaks its schema/);
});

t.test('a SEND-only action has no response schema to check', async (t) => {
  const { router: r } = router({ NotifyPeriodicEventStream: () => ({}) });
  const payload = { id: 1, pending: 0, basetime: FIXED_NOW.toISOString(), data: [{ t: 0, v: '1' }] };
  t.same(await r.route(ctx(), 'NotifyPeriodicEventStream', payload), { ok: true, payload: {} });
});
