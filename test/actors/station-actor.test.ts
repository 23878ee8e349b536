import t, { type Test } from 'tap';
import { STATION_INITIATED } from '../../actors/actions/station-initiated.js';
import type { StationReply } from '../../core/envelope.js';
import { isStationInitiated } from '../../core/actions.js';
import type { OcppVersion } from '../../core/protocols.js';
import { FIXED_NOW, makeActor, schemasFor, type WireFrame } from '../helpers/actor-fakes.js';

const VERSIONS: OcppVersion[] = ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'];
const NOW = FIXED_NOW.toISOString();

const BOOT: Record<OcppVersion, Record<string, unknown>> = {
  'ocpp1.6': { chargePointVendor: 'VendorX', chargePointModel: 'ModelY', chargePointSerialNumber: 'SN-1', firmwareVersion: '1.0', iccid: 'IC', imsi: 'IM' },
  'ocpp2.0.1': { reason: 'PowerUp', chargingStation: { vendorName: 'VendorX', model: 'ModelY', serialNumber: 'SN-1', firmwareVersion: '1.0', modem: { iccid: 'IC', imsi: 'IM' } } },
  'ocpp2.1': { reason: 'PowerUp', chargingStation: { vendorName: 'VendorX', model: 'ModelY', serialNumber: 'SN-1', firmwareVersion: '1.0', modem: { iccid: 'IC', imsi: 'IM' } } },
};

const STATUS: Record<OcppVersion, Record<string, unknown>> = {
  'ocpp1.6': { connectorId: 2, errorCode: 'NoError', status: 'Charging', timestamp: '2025-03-01T11:59:00.000Z', info: 'plugged' },
  'ocpp2.0.1': { timestamp: '2025-03-01T11:59:00.000Z', connectorStatus: 'Occupied', evseId: 2, connectorId: 1 },
  'ocpp2.1': { timestamp: '2025-03-01T11:59:00.000Z', connectorStatus: 'Occupied', evseId: 2, connectorId: 1 },
};

/** The error codes as each version spells them. */
function code(version: OcppVersion, kind: 'format' | 'occurrence' | 'framework' | 'type'): string {
  const v16 = version === 'ocpp1.6';
  switch (kind) {
    case 'format': return v16 ? 'FormationViolation' : 'FormatViolation';
    case 'occurrence': return v16 ? 'OccurrenceConstraintViolation' : 'OccurenceConstraintViolation';
    case 'framework': return v16 ? 'FormationViolation' : 'RpcFrameworkError';
    case 'type': return v16 ? 'FormationViolation' : 'MessageTypeNotSupported';
  }
}

function expectResult(t: Test, version: OcppVersion, action: string, frame: WireFrame, id: string) {
  t.equal(frame[0], 3, `${action}: a CALLRESULT`);
  t.equal(frame[1], id);
  const validate = schemasFor(version).actions.get(action)!.response!;
  t.ok(validate(frame[2]), `${action} answer is schema-valid: ${JSON.stringify(validate.errors)}`);
}

/** A call that got no answer: the `failed` reply (calls never reject). */
async function failureOf(promise: Promise<StationReply>): Promise<Extract<StationReply, { status: 'failed' }>> {
  const reply = await promise;
  if (reply.status !== 'failed') throw new Error(`expected a failed reply, got ${JSON.stringify(reply)}`);
  return reply;
}

for (const version of VERSIONS) {
  t.test(`${version}: BootNotification`, async (t) => {
    const { actor, transport, store, events, dispatcher } = makeActor(version);
    actor.receive(JSON.stringify([2, 'b1', 'BootNotification', BOOT[version]]));
    const frame = await transport.frame(0);
    expectResult(t, version, 'BootNotification', frame, 'b1');
    t.same(frame[2], { status: 'Accepted', currentTime: NOW, interval: 300 });
    t.equal(dispatcher.stateOf('CS-1').bootStatus, 'Accepted', 'the handler thread keeps the boot status');
    t.same(store.calls.map((c) => c.method), ['recordBoot', 'getStation'], 'the boot written, its policy read beside it');
    t.same(store.calls[1]!.args, ['tenant-a', 'CS-1']);
    const [tenantId, stationId, boot] = store.calls[0]!.args as [string, string, Record<string, unknown>];
    t.equal(tenantId, 'tenant-a');
    t.equal(stationId, 'CS-1');
    t.match(boot, { vendor: 'VendorX', model: 'ModelY', serialNumber: 'SN-1', firmwareVersion: '1.0', iccid: 'IC', imsi: 'IM', protocol: version, at: NOW });
    if (version !== 'ocpp1.6') t.equal(boot.reason, 'PowerUp');
    t.equal(events.length, 1);
    t.equal(events[0]!.type, 'station.booted');
    t.same(events[0]!.session, { tenantId: 'tenant-a', stationId: 'CS-1', version });
    t.match(events[0]!.payload, { vendor: 'VendorX', model: 'ModelY', protocol: version });
  });

  t.test(`${version}: Heartbeat`, async (t) => {
    const { actor, transport, store, lastSeen, inbound } = makeActor(version);
    actor.receive(JSON.stringify([2, 'h1', 'Heartbeat', {}]));
    const frame = await transport.frame(0);
    expectResult(t, version, 'Heartbeat', frame, 'h1');
    t.same(frame[2], { currentTime: NOW });
    t.same(inbound.handled, [], 'answered at the gateway: no awaited hop');
    t.equal(inbound.posted.length, 1, 'handed to the handler thread without waiting');
    await inbound.postedDone;
    t.same(store.calls, [], 'a heartbeat writes nothing of its own');
    t.equal(lastSeen.marks.length, 1, 'last-seen is marked in memory, written later in bulk');
    t.same(lastSeen.marks[0]!.slice(0, 2), ['tenant-a', 'CS-1']);
  });

  t.test(`${version}: StatusNotification`, async (t) => {
    const { actor, transport, store, events, inbound } = makeActor(version);
    actor.receive(JSON.stringify([2, 's1', 'StatusNotification', STATUS[version]]));
    const frame = await transport.frame(0);
    expectResult(t, version, 'StatusNotification', frame, 's1');
    t.same(frame[2], {});
    t.equal(inbound.posted.length, 1, 'last write wins: answered at the gateway, stored in order without waiting');
    await inbound.postedDone;
    // 1.6 also looks for a transaction on that connector (its charging state); there is none here.
    t.same(store.calls.map((c) => c.method), version === 'ocpp1.6' ? ['recordConnectorStatus', 'findActiveTransaction'] : ['recordConnectorStatus']);
    t.equal(store.calls[0]!.method, 'recordConnectorStatus');
    const update = store.calls[0]!.args[0] as Record<string, unknown>;
    if (version === 'ocpp1.6') {
      t.same(update, {
        tenantId: 'tenant-a', stationId: 'CS-1', evseId: 2, connectorId: 1, status: 'Occupied', detailedStatus: 'Charging',
        errorCode: 'NoError', info: 'plugged', vendorErrorCode: null, reportedAt: '2025-03-01T11:59:00.000Z',
      });
    } else {
      t.same(update, {
        tenantId: 'tenant-a', stationId: 'CS-1', evseId: 2, connectorId: 1, status: 'Occupied', detailedStatus: null,
        errorCode: null, info: null, vendorErrorCode: null, reportedAt: '2025-03-01T11:59:00.000Z',
      });
    }
    t.equal(events.length, 1);
    t.equal(events[0]!.type, 'connector.status');
    t.match(events[0]!.payload, { evseId: 2, connectorId: 1, status: 'Occupied' });
  });

  t.test(`${version}: unknown action → NotImplemented; known but unhandled → NotSupported`, async (t) => {
    const { actor, transport, store } = makeActor(version);
    actor.receive(JSON.stringify([2, 'u1', 'MakeCoffee', {}]));
    t.same((await transport.frame(0)).slice(0, 3), [4, 'u1', 'NotImplemented']);
    // A station-initiated action with no handler yet, picked from the tables so the test keeps
    // its meaning as handlers are added. The router answers NotSupported before any schema check.
    const unhandled = [...schemasFor(version).actionNames].find((a) => isStationInitiated(version, a) && !STATION_INITIATED[version][a]);
    // 1.6 and 2.0.1 handle every station-initiated action since the certificate messages (issue #14);
    // 2.1 still refuses some 2.1-only ones (actors/actions/ocpp21/station-initiated.ts).
    t.ok(unhandled || version !== 'ocpp2.1', 'some station-initiated action is still unhandled (2.1)');
    let next = 1;
    if (unhandled) {
      actor.receive(JSON.stringify([2, 'u2', unhandled, {}]));
      t.same((await transport.frame(next++)).slice(0, 3), [4, 'u2', 'NotSupported'], `${unhandled} is NotSupported`);
    }
    actor.receive(JSON.stringify([2, 'u3', 'Reset', { type: 'Hard' }]));
    t.same((await transport.frame(next)).slice(0, 3), [4, 'u3', 'NotSupported'], 'a CSMS-initiated action sent by the station');
    t.equal(store.calls.length, 0);
  });

  t.test(`${version}: invalid payloads get the version's error code`, async (t) => {
    const { actor, transport, store } = makeActor(version);
    const missing = version === 'ocpp1.6' ? { chargePointVendor: 'V' } : { reason: 'PowerUp' };
    actor.receive(JSON.stringify([2, 'i1', 'BootNotification', missing]));
    const f1 = await transport.frame(0);
    t.same(f1.slice(0, 3), [4, 'i1', code(version, 'occurrence')]);
    t.type(f1[3], 'string');
    t.type(f1[4], 'object');

    actor.receive(JSON.stringify([2, 'i2', 'Heartbeat', { extra: true }]));
    t.same((await transport.frame(1)).slice(0, 3), [4, 'i2', code(version, 'format')]);

    const wrongType = version === 'ocpp1.6' ? { ...STATUS[version], connectorId: 'two' } : { ...STATUS[version], evseId: 'two' };
    actor.receive(JSON.stringify([2, 'i3', 'StatusNotification', wrongType]));
    t.same((await transport.frame(2)).slice(0, 3), [4, 'i3', 'TypeConstraintViolation']);

    const badEnum = version === 'ocpp1.6' ? { ...STATUS[version], status: 'Asleep' } : { ...STATUS[version], connectorStatus: 'Asleep' };
    actor.receive(JSON.stringify([2, 'i4', 'StatusNotification', badEnum]));
    t.same((await transport.frame(3)).slice(0, 3), [4, 'i4', 'PropertyConstraintViolation']);

    actor.receive(JSON.stringify([2, 'i5', 'Heartbeat', []]));
    t.same((await transport.frame(4)).slice(0, 3), [4, 'i5', code(version, 'format')], 'array payload');
    t.equal(store.calls.length, 0, 'nothing invalid reaches a handler');
  });

  t.test(`${version}: malformed frames`, async (t) => {
    const { actor, transport } = makeActor(version);
    actor.receive('this is not json');
    t.same((await transport.frame(0)).slice(0, 3), [4, '-1', code(version, 'framework')]);
    actor.receive(JSON.stringify([2, 'x'.repeat(37), 'Heartbeat', {}]));
    t.same((await transport.frame(1)).slice(0, 3), [4, '-1', code(version, 'framework')]);
    actor.receive(JSON.stringify([9, 'm9', 'Heartbeat', {}]));
    t.same((await transport.frame(2)).slice(0, 3), [4, 'm9', code(version, 'type')]);
    actor.receive(JSON.stringify([3, 'r1', 'not an object']));
    actor.receive(JSON.stringify([3, 42, {}]));
    actor.receive(JSON.stringify([2, 'h1', 'Heartbeat', {}]));
    t.same((await transport.frame(3)).slice(0, 2), [3, 'h1'], 'malformed CALLRESULTs are not answered');
  });

  t.test(`${version}: a throwing handler answers InternalError without leaking`, async (t) => {
    const { actor, transport, lastSeen, internalErrors } = makeActor(version, { answerAtGateway: false });
    lastSeen.failWith = new Error('disk full at /var/lib/secret/path.db');
    actor.receive(JSON.stringify([2, 'e1', 'Heartbeat', {}]));
    const frame = await transport.frame(0);
    t.same(frame.slice(0, 3), [4, 'e1', 'InternalError']);
    t.notMatch(JSON.stringify(frame), /secret|disk full|at \//, 'no message or stack on the wire');
    t.same(frame[4], {});
    t.equal(internalErrors.length, 1);
    t.equal(internalErrors[0]!.action, 'Heartbeat');
    lastSeen.failWith = undefined;
    actor.receive(JSON.stringify([2, 'e2', 'Heartbeat', {}]));
    t.same((await transport.frame(1)).slice(0, 2), [3, 'e2'], 'the actor carries on');
  });

  t.test(`${version}: a duplicate id among calls in progress is refused`, async (t) => {
    const { actor, transport, inbound } = makeActor(version, { answerAtGateway: false });
    let release!: () => void;
    inbound.hold = new Promise((r) => (release = r));
    actor.receive(JSON.stringify([2, 'dup', 'Heartbeat', {}]));
    actor.receive(JSON.stringify([2, 'dup', 'Heartbeat', {}]));
    t.same((await transport.frame(0)).slice(0, 3), [4, 'dup', code(version, 'framework')]);
    release();
    t.same((await transport.frame(1)).slice(0, 2), [3, 'dup'], 'the first one is answered');
    inbound.hold = undefined;
    actor.receive(JSON.stringify([2, 'dup', 'Heartbeat', {}]));
    t.same((await transport.frame(2)).slice(0, 2), [3, 'dup'], 'the id may be reused once answered');
    t.equal(inbound.handled.length, 2);
  });

  t.test(`${version}: mailbox overflow is refused, queued calls answered in order`, async (t) => {
    const { actor, transport, inbound } = makeActor(version, { mailboxCapacity: 2, answerAtGateway: false });
    let release!: () => void;
    inbound.hold = new Promise((r) => (release = r));
    for (const id of ['q1', 'q2', 'q3', 'q4']) actor.receive(JSON.stringify([2, id, 'Heartbeat', {}]));
    t.same((await transport.frame(0)).slice(0, 3), [4, 'q4', version === 'ocpp1.6' ? 'GenericError' : 'RpcFrameworkError']);
    release();
    t.same((await transport.frame(1)).slice(0, 2), [3, 'q1']);
    t.same((await transport.frame(2)).slice(0, 2), [3, 'q2']);
    t.same((await transport.frame(3)).slice(0, 2), [3, 'q3']);
    t.equal(inbound.handled.length, 3, 'one hop to the handler thread per accepted call');
    actor.receive(JSON.stringify([2, 'q4', 'Heartbeat', {}]));
    t.same((await transport.frame(4)).slice(0, 2), [3, 'q4'], 'a refused id was not remembered');
  });

  t.test(`${version}: call() sends a CALL and resolves with the CALLRESULT or CALLERROR`, async (t) => {
    const { actor, transport } = makeActor(version);
    const resetType = version === 'ocpp1.6' ? 'Hard' : 'Immediate';
    const first = actor.call('Reset', { type: resetType });
    const second = actor.call('ClearCache', {});
    const call = await transport.frame(0);
    t.same([call[0], call[2], call[3]], [2, 'Reset', { type: resetType }]);
    t.equal(transport.sent.length, 1, 'one call in flight');
    actor.receive(JSON.stringify([3, call[1], { status: 'Accepted' }]));
    t.same(await first, { v: 1, status: 'result', payload: { status: 'Accepted' } });
    const call2 = await transport.frame(1);
    t.equal(call2[2], 'ClearCache');
    actor.receive(JSON.stringify([4, call2[1], 'NotSupported', 'no cache', { a: 1 }]));
    t.same(await second, { v: 1, status: 'callerror', code: 'NotSupported', description: 'no cache', details: { a: 1 } });
  });

  t.test(`${version}: call() refuses unknown or station-initiated actions and invalid payloads`, async (t) => {
    const { actor, transport } = makeActor(version);
    t.equal((await failureOf(actor.call('MakeCoffee', {}))).reason, 'unknown-action');
    t.equal((await failureOf(actor.call('BootNotification', BOOT[version]))).reason, 'unknown-action');
    t.equal((await failureOf(actor.call('Heartbeat', {}))).reason, 'unknown-action');
    const invalid = await failureOf(actor.call('Reset', { type: 'Sideways' }));
    t.equal(invalid.reason, 'invalid-request');
    t.ok(Array.isArray(invalid.details));
    t.equal((await failureOf(actor.call('Reset', {}))).reason, 'invalid-request');
    t.equal(transport.sent.length, 0, 'nothing went out');
    void actor.call('DataTransfer', { vendorId: 'acme' });
    t.equal((await transport.frame(0))[2], 'DataTransfer', 'DataTransfer goes both ways');
    actor.close();
  });

  t.test(`${version}: an invalid CALLRESULT fails the call`, async (t) => {
    const { actor, transport } = makeActor(version);
    const pending = actor.call('ClearCache', {});
    const call = await transport.frame(0);
    actor.receive(JSON.stringify([3, call[1], { status: 'Maybe' }]));
    const failure = await failureOf(pending);
    t.equal(failure.reason, 'invalid-response');
    if (version === 'ocpp2.1') {
      const answer = await transport.frame(1);
      t.same(answer.slice(0, 3), [5, call[1], 'FormatViolation'], '2.1 answers with CALLRESULTERROR');
    } else {
      t.equal(transport.sent.length, 1, 'no CALLRESULTERROR before 2.1');
    }
  });

  t.test(`${version}: stray answers are logged, not answered`, async (t) => {
    const { actor, transport, logs } = makeActor(version);
    actor.receive(JSON.stringify([3, 'nobody', {}]));
    actor.receive(JSON.stringify([4, 'nobody', 'GenericError', '', {}]));
    t.equal(transport.sent.length, 0);
    t.equal(logs.filter((l) => l.level === 'warn').length, 2);
  });

  t.test(`${version}: close() fails pending calls and refuses new ones`, async (t) => {
    const { actor, transport, inbound } = makeActor(version, { answerAtGateway: false });
    const pending = actor.call('ClearCache', {});
    await transport.frame(0);
    actor.close();
    t.ok(actor.isClosed);
    t.equal((await failureOf(pending)).reason, 'disconnected');
    t.equal((await failureOf(actor.call('ClearCache', {}))).reason, 'disconnected');
    let release!: () => void;
    inbound.hold = new Promise((r) => (release = r));
    actor.receive(JSON.stringify([2, 'late', 'Heartbeat', {}]));
    release();
    await new Promise((r) => setImmediate(r));
    t.equal(transport.sent.length, 1, 'nothing is written to a closed socket');
  });
}

t.test('ocpp2.1: SEND gets no answer, not even an error', async (t) => {
  const { actor, transport } = makeActor('ocpp2.1');
  const data = { id: 1, pending: 0, basetime: NOW, data: [{ t: 0, v: '1' }] };
  actor.receive(JSON.stringify([6, 's1', 'NotifyPeriodicEventStream', data]));
  actor.receive(JSON.stringify([6, 's2', 'NotifyPeriodicEventStream', { bogus: true }]));
  actor.receive(JSON.stringify([6, 's3', 'MakeCoffee', {}]));
  actor.receive(JSON.stringify([2, 'h1', 'Heartbeat', {}]));
  t.same((await transport.frame(0)).slice(0, 2), [3, 'h1'], 'the first frame out answers the CALL after the SENDs');
  t.equal(transport.sent.length, 1);
});

t.test('ocpp2.1: a CALLRESULTERROR from the station is logged, not answered', async (t) => {
  const { actor, transport, logs } = makeActor('ocpp2.1');
  actor.receive(JSON.stringify([5, 'x', 'FormatViolation', 'bad', {}]));
  t.equal(transport.sent.length, 0);
  t.equal(logs.length, 1);
});

for (const version of ['ocpp1.6', 'ocpp2.0.1'] as const) {
  t.test(`${version}: SEND and CALLRESULTERROR are refused`, async (t) => {
    const { actor, transport, inbound } = makeActor(version, { answerAtGateway: false });
    actor.receive(JSON.stringify([6, 's1', 'Heartbeat', {}]));
    t.same((await transport.frame(0)).slice(0, 3), [4, 's1', code(version, 'type')]);
    actor.receive(JSON.stringify([5, 'x', 'FormatViolation', 'bad', {}]));
    actor.receive(JSON.stringify([2, 'h1', 'Heartbeat', {}]));
    t.same((await transport.frame(1)).slice(0, 2), [3, 'h1'], 'type 5 is dropped without an answer');
    t.equal(inbound.handled.length, 1);
  });
}

for (const version of VERSIONS) {
  t.test(`${version}: a call answered at the gateway frees its message id at once`, async (t) => {
    const { actor, transport } = makeActor(version);
    for (let i = 0; i < 3; i++) actor.receive(JSON.stringify([2, 'same-id', 'Heartbeat', {}]));
    for (let i = 0; i < 3; i++) t.same((await transport.frame(i)).slice(0, 2), [3, 'same-id'], `answer ${i + 1} is a CALLRESULT, not a duplicate-id refusal`);
  });
}
