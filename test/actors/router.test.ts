import t from 'tap';
import { Router, type InboundPort } from '../../actors/router.js';
import { callErrorReply, failedReply, resultReply, type StationMessage, type StationReply } from '../../core/envelope.js';
import type { Payload } from '../../core/frame.js';
import { FIXED_NOW, schemasFor } from '../helpers/actor-fakes.js';

const NOW = FIXED_NOW.toISOString();

function message(action: string, payload: Payload): StationMessage {
  return {
    v: 1, tenantId: 't', stationId: 's', protocol: 'ocpp2.1', messageId: 'm1', action, messageType: 2,
    frame: JSON.stringify([2, 'm1', action, payload]), receivedAt: NOW,
  };
}

/** A gateway router in front of a fake handler thread that answers `answer`. */
function router(handled: string[], answer: (m: StationMessage) => StationReply | Promise<StationReply>) {
  const forwarded: StationMessage[] = [];
  const internal: Array<{ error: unknown; action: string }> = [];
  const port: InboundPort = { handle: async (m) => (forwarded.push(m), answer(m)) };
  const r = new Router(schemasFor('ocpp2.1'), new Set(handled), port, (error, action) => internal.push({ error, action }));
  return { r, forwarded, internal };
}

t.test('a valid request crosses once to the handler thread; its answer comes back', async (t) => {
  const { r, forwarded } = router(['Heartbeat'], () => resultReply({ currentTime: NOW }));
  t.same(await r.route(message('Heartbeat', {}), {}), { ok: true, payload: { currentTime: NOW }, forwarded: true });
  t.equal(forwarded.length, 1);
  t.equal(forwarded[0]!.frame, '[2,"m1","Heartbeat",{}]', 'the raw frame travels, not a cloned object');
});

t.test('unknown → NotImplemented, known without handler → NotSupported, before any schema check, without a hop', async (t) => {
  const { r, forwarded } = router([], () => resultReply({}));
  const unknown = await r.route(message('MakeCoffee', {}), {});
  t.match(unknown, { ok: false, code: 'NotImplemented', forwarded: false });
  const unhandled = await r.route(message('Authorize', { not: 'valid' }), { not: 'valid' });
  t.match(unhandled, { ok: false, code: 'NotSupported', forwarded: false });
  t.equal(forwarded.length, 0);
});

t.test('an invalid request never leaves the gateway and carries the schema errors', async (t) => {
  const { r, forwarded } = router(['Heartbeat'], () => resultReply({ currentTime: NOW }));
  const outcome = await r.route(message('Heartbeat', { extra: 1 }), { extra: 1 });
  t.equal(forwarded.length, 0);
  t.match(outcome, { ok: false, code: 'FormatViolation', forwarded: false, details: { errors: [{ keyword: 'additionalProperties' }] } });
});

t.test('a CALLERROR from the handler thread is passed through as spelled', async (t) => {
  const { r, internal } = router(['Heartbeat'], () => callErrorReply('SecurityError', 'not now'));
  t.match(await r.route(message('Heartbeat', {}), {}), { ok: false, code: 'SecurityError', message: 'not now', forwarded: true });
  t.equal(internal.length, 0);
});

t.test('a handler thread that is gone or fails becomes a generic InternalError and is reported', async (t) => {
  const gone = router(['Heartbeat'], () => Promise.reject(new Error('handler thread restarted')));
  t.match(await gone.r.route(message('Heartbeat', {}), {}), { ok: false, code: 'InternalError' });
  t.equal(gone.internal.length, 1);
  const failed = router(['Heartbeat'], () => failedReply('internal', 'secret detail'));
  const outcome = await failed.r.route(message('Heartbeat', {}), {});
  t.match(outcome, { ok: false, code: 'InternalError' });
  t.notMatch(JSON.stringify(outcome), /secret/);
});

t.test('our own answer is checked against the response schema', async (t) => {
  const { r, internal } = router(['Heartbeat'], () => resultReply({ currentTime: 'teatime' }));
  t.match(await r.route(message('Heartbeat', {}), {}), { ok: false, code: 'InternalError' });
  t.match(String(internal[0]!.error), /Heartbeat response breaks its schema/);
});

t.test('a SEND-only action has no response schema to check', async (t) => {
  const { r } = router(['NotifyPeriodicEventStream'], () => resultReply({}));
  const payload = { id: 1, pending: 0, basetime: NOW, data: [{ t: 0, v: '1' }] };
  t.same(await r.route(message('NotifyPeriodicEventStream', payload), payload), { ok: true, payload: {}, forwarded: true });
});
