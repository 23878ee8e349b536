import t from 'tap';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import type { LoggedFrame } from '../../adapters/store/message-log-store.js';
import { MessageLogWriter } from '../../workers/message-log-writer.js';

function frame(stationId: string, n: number, extra: Partial<LoggedFrame> = {}): LoggedFrame {
  return {
    tenantId: 'acme', stationId, direction: n % 2 ? 'out' : 'in', messageType: n % 2 ? 3 : 2, messageId: `m${n}`,
    action: 'Heartbeat', payload: { n }, at: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(), ...extra,
  };
}

t.test('append, list newest first with cursor and filters, tenant scoped', async (t) => {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  await store.appendMessages(Array.from({ length: 7 }, (_, i) => frame('CS-1', i)));
  await store.appendMessages([frame('CS-1', 99, { tenantId: 'globex' }), frame('CS-2', 1)]);
  const first = await store.listMessages('acme', 'CS-1', { limit: 3 });
  t.same(first.items.map((m) => m.messageId), ['m6', 'm5', 'm4']);
  t.same(first.items[0]!.payload, { n: 6 });
  t.ok(first.nextCursor);
  const second = await store.listMessages('acme', 'CS-1', { limit: 10, cursor: first.nextCursor });
  t.same(second.items.map((m) => m.messageId), ['m3', 'm2', 'm1', 'm0']);
  t.equal(second.nextCursor, undefined);
  const outs = await store.listMessages('acme', 'CS-1', { limit: 10, direction: 'out' });
  t.same(outs.items.map((m) => m.messageId), ['m5', 'm3', 'm1']);
  t.same((await store.listMessages('acme', 'CS-1', { limit: 10, action: 'Reset' })).items, []);
  t.same((await store.listMessages('globex', 'CS-1', { limit: 10 })).items.map((m) => m.messageId), ['m99'], 'tenants see only their rows');
});

t.test('retention: rows per station, and age', async (t) => {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const writer = new MessageLogWriter({ store, retention: { kind: 'rows', maxPerStation: 3 }, onError: (e) => t.fail(String(e)), pruneEveryMs: 3_600_000 });
  t.teardown(() => writer.stop());
  writer.ingest(Array.from({ length: 10 }, (_, i) => frame('CS-1', i)));
  writer.ingest([frame('CS-2', 1)]);
  await store.flush();
  t.equal(await writer.prune(), 7);
  t.same((await store.listMessages('acme', 'CS-1', { limit: 10 })).items.map((m) => m.messageId), ['m9', 'm8', 'm7']);
  t.equal((await store.listMessages('acme', 'CS-2', { limit: 10 })).items.length, 1);
  t.equal(await writer.prune(), 0, 'nothing written since: nothing to do');

  const old = new Date(Date.now() - 3 * 3_600_000).toISOString();
  await store.appendMessages([frame('CS-3', 1, { at: old }), frame('CS-3', 2, { at: new Date().toISOString() })]);
  t.equal(await store.pruneMessages({ olderThan: new Date(Date.now() - 3_600_000).toISOString() }), 5, 'everything older than an hour goes (3 + 1 + 1)');
  t.same((await store.listMessages('acme', 'CS-3', { limit: 10 })).items.map((m) => m.messageId), ['m2']);
});
