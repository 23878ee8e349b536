import t from 'tap';
import {
  MAX_MESSAGE_ID_LENGTH,
  UNKNOWN_MESSAGE_ID,
  parseFrame,
  serializeCall,
  serializeCallError,
  serializeCallResult,
  type FrameError,
  type ParseResult,
} from '../../core/frame.js';

function refused(result: ParseResult): FrameError {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.frame)}`);
  return result.error;
}

t.test('text that is not JSON is refused with the unknown message id', async (t) => {
  for (const text of ['', 'not json', '[2, "a", "Heartbeat", {}', '{"a":']) {
    const error = refused(parseFrame(text, true));
    t.equal(error.kind, 'RpcFrameworkError', text);
    t.equal(error.id, UNKNOWN_MESSAGE_ID);
    t.equal(error.answerable, true);
  }
});

t.test('JSON that is not an array of at least three elements is refused', async (t) => {
  for (const text of ['{"a":1}', '"text"', '42', 'null', '[]', '[2]', '[2, "abc"]']) {
    const error = refused(parseFrame(text, true));
    t.equal(error.kind, 'RpcFrameworkError', text);
    t.equal(error.id, UNKNOWN_MESSAGE_ID, text);
  }
});

t.test('a missing, empty, non-string or too long message id is answered with id -1', async (t) => {
  const tooLong = 'x'.repeat(MAX_MESSAGE_ID_LENGTH + 1);
  for (const id of [null, 42, '', tooLong, {}, ['a']]) {
    const error = refused(parseFrame(JSON.stringify([2, id, 'Heartbeat', {}]), true));
    t.equal(error.kind, 'RpcFrameworkError', JSON.stringify(id));
    t.equal(error.id, UNKNOWN_MESSAGE_ID, JSON.stringify(id));
  }
  const longest = 'y'.repeat(MAX_MESSAGE_ID_LENGTH);
  const ok = parseFrame(JSON.stringify([2, longest, 'Heartbeat', {}]), false);
  t.ok(ok.ok, 'an id of exactly 36 characters is accepted');
  t.equal(MAX_MESSAGE_ID_LENGTH, 36);
});

t.test('an unknown message type is MessageTypeNotSupported, answered with its id', async (t) => {
  for (const type of [0, 1, 7, 99, '2', null]) {
    const error = refused(parseFrame(JSON.stringify([type, 'm1', 'Heartbeat', {}]), true));
    t.equal(error.kind, 'MessageTypeNotSupported', JSON.stringify(type));
    t.equal(error.id, 'm1');
  }
});

t.test('CALL frames', async (t) => {
  const result = parseFrame('[2, "m1", "BootNotification", {"reason": "PowerUp"}]', false);
  t.same(result, { ok: true, frame: { type: 2, id: 'm1', action: 'BootNotification', payload: { reason: 'PowerUp' } } });

  for (const payload of [[], 'x', 1, null, true]) {
    const error = refused(parseFrame(JSON.stringify([2, 'm2', 'Heartbeat', payload]), false));
    t.equal(error.kind, 'FormatViolation', `payload ${JSON.stringify(payload)}`);
    t.equal(error.id, 'm2');
    t.equal(error.answerable, true);
  }

  const short = refused(parseFrame('[2, "m3", "Heartbeat"]', false));
  t.equal(short.kind, 'RpcFrameworkError');
  t.equal(short.id, 'm3');
  t.equal(short.answerable, true);

  const long = refused(parseFrame('[2, "m4", "Heartbeat", {}, {}]', false));
  t.equal(long.kind, 'RpcFrameworkError');
  t.equal(long.id, 'm4');

  for (const action of ['', 5, null, {}]) {
    const error = refused(parseFrame(JSON.stringify([2, 'm5', action, {}]), false));
    t.equal(error.kind, 'RpcFrameworkError', `action ${JSON.stringify(action)}`);
    t.equal(error.id, 'm5');
  }
});

t.test('CALLRESULT frames', async (t) => {
  t.same(parseFrame('[3, "r1", {"status": "Accepted"}]', false), {
    ok: true,
    frame: { type: 3, id: 'r1', payload: { status: 'Accepted' } },
  });
  for (const text of ['[3, "r2", []]', '[3, "r2", "x"]', '[3, "r2", null]', '[3, "r2", {}, {}]']) {
    const error = refused(parseFrame(text, true));
    t.equal(error.kind, 'FormatViolation', text);
    t.equal(error.id, 'r2');
    t.equal(error.answerable, false, 'nobody awaits an answer to a CALLRESULT');
  }
});

t.test('CALLERROR frames', async (t) => {
  t.same(parseFrame('[4, "e1", "NotSupported", "nope", {"a": 1}]', false), {
    ok: true,
    frame: { type: 4, id: 'e1', code: 'NotSupported', description: 'nope', details: { a: 1 } },
  });
  for (const text of [
    '[4, "e2", "NotSupported", "nope"]',
    '[4, "e2", 5, "nope", {}]',
    '[4, "e2", "NotSupported", 5, {}]',
    '[4, "e2", "NotSupported", "nope", []]',
    '[4, "e2", "NotSupported", "nope", {}, 1]',
  ]) {
    const error = refused(parseFrame(text, false));
    t.equal(error.kind, 'FormatViolation', text);
    t.equal(error.id, 'e2');
    t.equal(error.answerable, false);
  }
});

t.test('2.1-only types: CALLRESULTERROR (5) and SEND (6)', async (t) => {
  t.same(parseFrame('[5, "x1", "FormatViolation", "bad", {}]', true), {
    ok: true,
    frame: { type: 5, id: 'x1', code: 'FormatViolation', description: 'bad', details: {} },
  });
  t.same(parseFrame('[6, "x2", "NotifyPeriodicEventStream", {"id": 1}]', true), {
    ok: true,
    frame: { type: 6, id: 'x2', action: 'NotifyPeriodicEventStream', payload: { id: 1 } },
  });

  const cre = refused(parseFrame('[5, "x1", "FormatViolation", "bad", {}]', false));
  t.equal(cre.kind, 'MessageTypeNotSupported');
  t.equal(cre.id, 'x1');
  t.equal(cre.answerable, false);

  const send = refused(parseFrame('[6, "x2", "NotifyPeriodicEventStream", {}]', false));
  t.equal(send.kind, 'MessageTypeNotSupported');
  t.equal(send.id, 'x2');

  const badSend = refused(parseFrame('[6, "x3", "NotifyPeriodicEventStream", []]', true));
  t.equal(badSend.kind, 'FormatViolation');
  t.equal(badSend.answerable, false, 'a SEND is never answered, even when malformed');

  const badCre = refused(parseFrame('[5, "x4", "FormatViolation", "bad"]', true));
  t.equal(badCre.kind, 'FormatViolation');
});

t.test('serializers write OCPP-J arrays that parse back', async (t) => {
  t.equal(serializeCall('c1', 'Reset', { type: 'Hard' }), '[2,"c1","Reset",{"type":"Hard"}]');
  t.equal(serializeCallResult('c2', { currentTime: 'now' }), '[3,"c2",{"currentTime":"now"}]');
  t.equal(serializeCallError('c3', 'NotSupported', 'nope'), '[4,"c3","NotSupported","nope",{}]');
  t.equal(serializeCallError('c4', 'FormatViolation', 'bad', { path: '/a' }, 5), '[5,"c4","FormatViolation","bad",{"path":"/a"}]');

  const long = serializeCallError('c5', 'GenericError', 'z'.repeat(10_000));
  const parsed = parseFrame(long, false);
  t.ok(parsed.ok);
  if (parsed.ok && parsed.frame.type === 4) t.equal(parsed.frame.description.length, 255, 'description is bounded');

  const round = parseFrame(serializeCall('c6', 'GetVariables', { getVariableData: [] }), false);
  t.same(round, { ok: true, frame: { type: 2, id: 'c6', action: 'GetVariables', payload: { getVariableData: [] } } });
});

t.test('a reply or SEND with an unreadable id is refused but never answered', async (t) => {
  // Only a CALL (or a frame of unknown type) awaits a CALLERROR; answering a CALLRESULT with one is wrong.
  for (const text of ['[3, 42, {}]', '[4, null, "GenericError", "", {}]', '[5, "", "GenericError", "", {}]', '[6, 7, "X", {}]']) {
    const error = refused(parseFrame(text, true));
    t.equal(error.id, UNKNOWN_MESSAGE_ID, text);
    t.equal(error.answerable, false, text);
  }
  for (const text of ['[2, 42, "Heartbeat", {}]', '[9, 42, "Heartbeat", {}]', '["x", 42, {}]']) {
    t.equal(refused(parseFrame(text, true)).answerable, true, text);
  }
});
