import t from 'tap';
import { InboundDispatcher } from '../../actors/inbound-dispatcher.js';
import type { RoutingTable } from '../../actors/handler-context.js';
import type { StationMessage } from '../../core/envelope.js';
import { RpcError } from '../../core/errors.js';
import type { OcppVersion } from '../../core/protocols.js';
import { FIXED_NOW, FakeGatewayStore, FakeLastSeen } from '../helpers/actor-fakes.js';

const NOW = FIXED_NOW.toISOString();

function message(version: OcppVersion, action: string, payload: unknown = {}): StationMessage {
  return { v: 1, tenantId: 't', stationId: 's', protocol: version, messageId: 'm1', action, messageType: 2, frame: JSON.stringify([2, 'm1', action, payload]), receivedAt: NOW };
}

function dispatcher(table: RoutingTable, opts: { logFrame?: (m: StationMessage) => Promise<void> } = {}) {
  const internal: unknown[] = [];
  const lastSeen = new FakeLastSeen();
  const d = new InboundDispatcher({
    store: new FakeGatewayStore().asGatewayStore,
    events: { emit: () => {} },
    lastSeen,
    clock: () => FIXED_NOW,
    settings: { heartbeatIntervalSec: 60 },
    logFrame: opts.logFrame,
    onInternalError: (error) => internal.push(error),
    tables: { 'ocpp1.6': table, 'ocpp2.0.1': table, 'ocpp2.1': table },
  });
  return { d, internal, lastSeen };
}

t.test('runs the handler on the parsed payload and answers its response; marks last-seen', async (t) => {
  const seen: unknown[] = [];
  const { d, lastSeen } = dispatcher({ Heartbeat: (_ctx, req) => (seen.push(req), { currentTime: NOW }) });
  t.same(await d.handle(message('ocpp2.0.1', 'Heartbeat', { a: 1 })), { v: 1, status: 'result', payload: { currentTime: NOW } });
  t.same(seen, [{ a: 1 }]);
  t.same(lastSeen.marks, [['t', 's', NOW]]);
});

t.test('an action without handler answers NotSupported in the version spelling', async (t) => {
  const { d } = dispatcher({});
  t.match(await d.handle(message('ocpp1.6', 'DataTransfer')), { status: 'callerror', code: 'NotSupported' });
});

t.test('an RpcError is spelled per version; anything else is a generic InternalError, reported', async (t) => {
  const { d, internal } = dispatcher({
    Authorize: () => {
      throw new RpcError('OccurrenceConstraintViolation', 'missing');
    },
    Heartbeat: () => Promise.reject(new Error('disk full at /secret')),
  });
  t.match(await d.handle(message('ocpp1.6', 'Authorize')), { status: 'callerror', code: 'OccurrenceConstraintViolation', description: 'missing' });
  t.match(await d.handle(message('ocpp2.0.1', 'Authorize')), { status: 'callerror', code: 'OccurenceConstraintViolation' });
  const failed = await d.handle(message('ocpp2.0.1', 'Heartbeat'));
  t.match(failed, { status: 'callerror', code: 'InternalError' });
  t.notMatch(JSON.stringify(failed), /secret|disk/);
  t.equal(internal.length, 1);
});

t.test('the answer waits for the logged frame to be committed; a failed log write is an InternalError', async (t) => {
  let commit!: () => void;
  const logged: StationMessage[] = [];
  const { d } = dispatcher(
    { Heartbeat: () => ({ currentTime: NOW }) },
    { logFrame: (m) => (logged.push(m), new Promise<void>((r) => (commit = r))) },
  );
  let answered = false;
  const reply = d.handle(message('ocpp2.1', 'Heartbeat')).then((r) => ((answered = true), r));
  await new Promise((r) => setImmediate(r));
  t.equal(logged.length, 1, 'the frame was handed to the log before the handler ran');
  t.notOk(answered, 'no answer before the frame is durable');
  commit();
  t.match(await reply, { status: 'result' });

  const broken = dispatcher({ Heartbeat: () => ({ currentTime: NOW }) }, { logFrame: () => Promise.reject(new Error('read-only')) });
  t.match(await broken.d.handle(message('ocpp2.1', 'Heartbeat')), { status: 'callerror', code: 'InternalError' });
  t.equal(broken.internal.length, 1);
});

t.test('live state per station survives between messages and goes with forget()', async (t) => {
  const { d } = dispatcher({ BootNotification: (ctx) => ((ctx.state.bootStatus = 'Accepted'), { status: 'Accepted', currentTime: NOW, interval: 1 }) });
  await d.handle(message('ocpp2.0.1', 'BootNotification'));
  t.equal(d.stateOf('s').bootStatus, 'Accepted');
  d.forget('s');
  t.equal(d.stateOf('s').bootStatus, null);
});
