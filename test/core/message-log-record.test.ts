import t from 'tap';
import { nestedDeeperThan } from '../../core/frame.js';
import { MAX_LOGGED_DEPTH, toMessageLogRecord } from '../../core/ports/store/message-log-store.js';

const base = { tenantId: 't', stationId: 's', direction: 'in' as const, messageType: 2, messageId: 'm1', action: 'DataTransfer', at: '2026-01-01T00:00:00.000Z' };

t.test('nesting depth is counted outside strings only', async (t) => {
  t.notOk(nestedDeeperThan('[2,"m","A",{"a":[1,{"b":2}]}]', 4), 'four levels');
  t.ok(nestedDeeperThan('[2,"m","A",{"a":[1,{"b":[2]}]}]', 4), 'five levels');
  t.notOk(nestedDeeperThan('[2,"m","A",{"s":"[[[[[[[[[[\\"{{{{{{"}]', 2), 'brackets and escaped quotes inside strings do not count');
});

t.test('a frame nested 10,000 levels deep is listed as text and serialises', async (t) => {
  const deep = `[2,"m1","DataTransfer",{"vendorId":"x","data":${'['.repeat(10_000)}${']'.repeat(10_000)}}]`;
  const record = toMessageLogRecord(7, { ...base, frame: deep });
  t.match(record.payload, { unparsable: deep, reason: /deeper than 64/ }, 'kept as the raw text, never re-parsed');
  t.doesNotThrow(() => JSON.stringify(record), 'the record the API sends serialises');
});

t.test('ordinary frames are parsed as before', async (t) => {
  const record = toMessageLogRecord(1, { ...base, frame: '[2,"m1","DataTransfer",{"vendorId":"x"}]' });
  t.same(record.payload, { vendorId: 'x' });
  t.equal(MAX_LOGGED_DEPTH, 64);
});
