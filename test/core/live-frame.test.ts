import t from 'tap';
import { summarizeFrame } from '../../core/live-frame.js';

t.test('frames are summarized for the live inspector; schema CALLERRORs are marked', async (t) => {
  t.same(summarizeFrame('[2,"m1","Heartbeat",{}]'), { type: 'CALL', messageId: 'm1', action: 'Heartbeat', errorCode: null, errorDescription: null, schemaError: false });
  t.match(summarizeFrame('[3,"m1",{"currentTime":"x"}]'), { type: 'CALLRESULT', messageId: 'm1', action: null, schemaError: false });
  t.match(summarizeFrame('[4,"m2","FormationViolation","bad payload",{}]'), { type: 'CALLERROR', messageId: 'm2', errorCode: 'FormationViolation', errorDescription: 'bad payload', schemaError: true }, '1.6 spelling');
  t.match(summarizeFrame('[4,"m3","OccurenceConstraintViolation","x",{}]'), { schemaError: true }, '2.x spelling');
  t.match(summarizeFrame('[4,"m4","NotImplemented","x",{}]'), { type: 'CALLERROR', schemaError: false }, 'not a schema error');
  t.match(summarizeFrame('[5,"m5","FormatViolation","x",{}]'), { type: 'CALLRESULTERROR', schemaError: true });
  t.match(summarizeFrame('[6,"m6","NotifyPeriodicEventStream",{}]'), { type: 'SEND', action: 'NotifyPeriodicEventStream' });
  t.equal(summarizeFrame('not json').type, 'unreadable');
  t.equal(summarizeFrame('[9,"x"]').type, 'unreadable');
  t.equal(summarizeFrame('{"a":1}').type, 'unreadable');
});
