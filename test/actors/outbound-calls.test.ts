import t from 'tap';
import { OutboundCalls, type OutboundCallsOptions } from '../../actors/outbound-calls.js';
import type { StationReply } from '../../core/envelope.js';
import type { Payload } from '../../core/frame.js';

interface Sent { id: string; action: string; payload: Payload }

function setup(overrides: Partial<OutboundCallsOptions> = {}) {
  const sent: Sent[] = [];
  const invalid: Array<[string, string]> = [];
  const calls = new OutboundCalls({
    send: (text) => {
      const [type, id, action, payload] = JSON.parse(text) as [number, string, string, Payload];
      if (type !== 2) throw new Error(`not a CALL: ${text}`);
      sent.push({ id, action, payload });
      return true;
    },
    timeoutMs: 60_000,
    maxQueued: 10,
    checkResponse: (_action, payload) => (payload.status === 'Bogus' ? 'status is not allowed' : undefined),
    onInvalidResponse: (id, reason) => invalid.push([id, reason]),
    ...overrides,
  });
  t.teardown(() => calls.close());
  return { calls, sent, invalid };
}

/** Calls never reject: a call that got no answer resolves `failed` with a reason. */
async function failureOf(promise: Promise<StationReply>): Promise<Extract<StationReply, { status: 'failed' }>> {
  const reply = await promise;
  if (reply.status !== 'failed') throw new Error(`expected the call to fail, got ${JSON.stringify(reply)}`);
  return reply;
}

t.test('one call in flight; the rest go out in order as answers arrive', async (t) => {
  const { calls, sent } = setup();
  const a = calls.call('Reset', { type: 'Hard' });
  const b = calls.call('ClearCache', {});
  const c = calls.call('UnlockConnector', { connectorId: 1 });
  t.equal(sent.length, 1, 'only the first call is on the wire');
  t.equal(calls.pending, 3);
  t.equal(sent[0]!.action, 'Reset');
  t.same(sent[0]!.payload, { type: 'Hard' });

  t.equal(calls.onResult({ type: 3, id: sent[0]!.id, payload: { status: 'Accepted' } }), true);
  t.same(await a, { v: 1, status: 'result', payload: { status: 'Accepted' } });
  t.equal(sent.length, 2);
  t.equal(sent[1]!.action, 'ClearCache');

  t.equal(calls.onResult({ type: 3, id: sent[1]!.id, payload: { status: 'Rejected' } }), true);
  t.same(await b, { v: 1, status: 'result', payload: { status: 'Rejected' } });
  t.equal(sent[2]!.action, 'UnlockConnector');
  calls.onResult({ type: 3, id: sent[2]!.id, payload: { status: 'Unlocked' } });
  await c;
  t.equal(calls.pending, 0);
  t.equal(new Set(sent.map((s) => s.id)).size, 3, 'message ids are unique');
});

t.test('a CALLERROR is an outcome, not a failure', async (t) => {
  const { calls, sent } = setup();
  const a = calls.call('Reset', { type: 'Hard' });
  const b = calls.call('ClearCache', {});
  t.equal(calls.onError({ type: 4, id: sent[0]!.id, code: 'NotSupported', description: 'no', details: { x: 1 } }), true);
  t.same(await a, { v: 1, status: 'callerror', code: 'NotSupported', description: 'no', details: { x: 1 } });
  t.equal(sent.length, 2, 'the next call goes out');
  calls.onResult({ type: 3, id: sent[1]!.id, payload: {} });
  await b;
});

t.test('a timeout fails the call in flight and the next one proceeds', async (t) => {
  const { calls, sent } = setup({ timeoutMs: 5 });
  const a = calls.call('Reset', { type: 'Hard' });
  const b = calls.call('ClearCache', {});
  const failure = await failureOf(a);
  t.equal(failure.reason, 'timeout');
  t.match(failure.message, /Reset/);
  t.equal(sent.length, 2, 'the queued call was sent after the timeout');
  t.equal(calls.onResult({ type: 3, id: sent[0]!.id, payload: {} }), false, 'a late answer matches nothing');
  t.equal(calls.onResult({ type: 3, id: sent[1]!.id, payload: { status: 'Accepted' } }), true);
  t.same(await b, { v: 1, status: 'result', payload: { status: 'Accepted' } });
});

t.test('an invalid CALLRESULT is rejected and reported', async (t) => {
  const { calls, sent, invalid } = setup();
  const a = calls.call('Reset', { type: 'Hard' });
  const b = calls.call('ClearCache', {});
  t.equal(calls.onResult({ type: 3, id: sent[0]!.id, payload: { status: 'Bogus' } }), true);
  const failure = await failureOf(a);
  t.equal(failure.reason, 'invalid-response');
  t.match(failure.message, /status is not allowed/);
  t.same(invalid, [[sent[0]!.id, 'status is not allowed']]);
  t.equal(sent.length, 2, 'the queue moves on');
  calls.onResult({ type: 3, id: sent[1]!.id, payload: {} });
  await b;
});

t.test('stray or mismatched ids return false and leave the call in flight', async (t) => {
  const { calls, sent } = setup();
  const a = calls.call('Reset', { type: 'Hard' });
  t.equal(calls.onResult({ type: 3, id: 'nope', payload: {} }), false);
  t.equal(calls.onError({ type: 4, id: 'nope', code: 'GenericError', description: '', details: {} }), false);
  t.equal(calls.pending, 1);
  calls.onResult({ type: 3, id: sent[0]!.id, payload: {} });
  await a;
  t.equal(calls.onResult({ type: 3, id: sent[0]!.id, payload: {} }), false, 'a second answer is stray');
});

t.test('queue-full refuses calls beyond maxQueued waiting behind the one in flight', async (t) => {
  const { calls, sent } = setup({ maxQueued: 2 });
  const inFlight = calls.call('Reset', { type: 'Hard' });
  const q1 = calls.call('ClearCache', {});
  const q2 = calls.call('ClearCache', {});
  const failure = await failureOf(calls.call('ClearCache', {}));
  t.equal(failure.reason, 'queue-full');
  t.equal(calls.pending, 3);
  calls.onResult({ type: 3, id: sent[0]!.id, payload: {} });
  await inFlight;
  const q3 = calls.call('ClearCache', {});
  t.equal(calls.pending, 3, 'room for one more once the queue moved');
  calls.close();
  for (const p of [q1, q2, q3]) t.equal((await failureOf(p)).reason, 'disconnected');
});

t.test('close() fails the call in flight and everything queued, and refuses later calls', async (t) => {
  const { calls, sent } = setup();
  const a = calls.call('Reset', { type: 'Hard' });
  const b = calls.call('ClearCache', {});
  calls.close();
  t.equal((await failureOf(a)).reason, 'disconnected');
  t.equal((await failureOf(b)).reason, 'disconnected');
  t.equal(calls.pending, 0);
  t.equal((await failureOf(calls.call('ClearCache', {}))).reason, 'disconnected');
  t.equal(sent.length, 1, 'nothing more was sent');
  t.equal(calls.onResult({ type: 3, id: sent[0]!.id, payload: {} }), false);
});

t.test('a failed socket write fails that call and the next one is tried', async (t) => {
  let refuse = true;
  const written: string[] = [];
  const { calls } = setup({
    send: (text) => {
      if (refuse) {
        refuse = false;
        return false;
      }
      written.push(text);
      return true;
    },
  });
  const a = calls.call('Reset', { type: 'Hard' });
  const b = calls.call('ClearCache', {});
  t.equal((await failureOf(a)).reason, 'send-failed');
  t.equal(written.length, 1);
  const id = (JSON.parse(written[0]!) as [number, string])[1];
  calls.onResult({ type: 3, id, payload: {} });
  t.same(await b, { v: 1, status: 'result', payload: {} });
});
