import t from 'tap';
import { addFrame, filterFrames, type LiveFrameRow } from '../../ui/src/pages/station/live-frames.ts';

let seq = 0;
const row = (direction: 'in' | 'out', type: string, messageId: string, extra: Partial<LiveFrameRow> = {}): LiveFrameRow => ({
  seq: ++seq, direction, at: '2026-01-01T00:00:00.000Z', frame: `[${messageId}]`, type, messageId, action: null, errorCode: null, errorDescription: null, schemaError: false, ...extra,
});

t.test('newest first, bounded', async (t) => {
  let list: LiveFrameRow[] = [];
  for (let i = 0; i < 5; i++) list = addFrame(list, row('in', 'CALL', `m${i}`), 3);
  t.same(list.map((r) => r.messageId), ['m4', 'm3', 'm2']);
});

t.test('a schema CALLERROR marks the frame it answers as refused, with the error', async (t) => {
  let list = addFrame([], row('in', 'CALL', 'a1', { action: 'Heartbeat' }));
  list = addFrame(list, row('in', 'CALL', 'a2', { action: 'Heartbeat' }));
  list = addFrame(list, row('out', 'CALLERROR', 'a1', { errorCode: 'FormationViolation', errorDescription: 'unexpected property', schemaError: true }));
  const refused = list.find((r) => r.messageId === 'a1' && r.direction === 'in')!;
  t.same(refused.refused, { code: 'FormationViolation', description: 'unexpected property' });
  t.notOk(list.find((r) => r.messageId === 'a2')!.refused, 'other frames untouched');
  const notSchema = addFrame(addFrame([], row('in', 'CALL', 'b1')), row('out', 'CALLERROR', 'b1', { errorCode: 'NotImplemented' }));
  t.notOk(notSchema.find((r) => r.direction === 'in')!.refused, 'only schema errors mark the frame');
});

t.test('filter by text, or errors only', async (t) => {
  let list = addFrame([], row('in', 'CALL', 'c1', { action: 'BootNotification' }));
  list = addFrame(list, row('out', 'CALLRESULT', 'c1'));
  list = addFrame(list, row('in', 'CALL', 'c2', { action: 'Heartbeat' }));
  list = addFrame(list, row('out', 'CALLERROR', 'c2', { errorCode: 'FormatViolation', schemaError: true }));
  t.same(filterFrames(list, 'boot').map((r) => r.messageId), ['c1']);
  t.same(filterFrames(list, 'C2').map((r) => r.type), ['CALLERROR', 'CALL']);
  t.same(filterFrames(list, '', { errorsOnly: true }).map((r) => `${r.direction}:${r.messageId}`), ['out:c2', 'in:c2'], 'the error and the refused frame');
  t.equal(filterFrames(list, '').length, 4);
});
