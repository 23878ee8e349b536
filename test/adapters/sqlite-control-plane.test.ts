import t from 'tap';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import type { LoggedFrame } from '../../core/ports/store/message-log-store.js';
import { MessageLogWriter } from '../../workers/message-log-writer.js';
import { controlPlaneStoreContract } from '../contract/store-control-plane.js';

controlPlaneStoreContract(t, 'SqliteStore :memory:', { open: async () => new SqliteStore({ path: ':memory:' }) });

function frame(stationId: string, n: number): LoggedFrame {
  return { tenantId: 'acme', stationId, direction: 'in', messageType: 2, messageId: `m${n}`, action: 'Heartbeat', frame: `[2,"m${n}","Heartbeat",{}]`, at: new Date().toISOString() };
}

t.test('MessageLogWriter: one write per batch, retention only over stations written since the last run', async (t) => {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const writer = new MessageLogWriter({ store: store.messageLog, retention: { kind: 'rows', maxPerStation: 3 }, onError: (e) => t.fail(String(e)), pruneEveryMs: 3_600_000 });
  t.teardown(() => writer.stop());
  writer.ingest(Array.from({ length: 10 }, (_, i) => frame('CS-1', i)));
  writer.ingest([frame('CS-2', 1)]);
  await store.flush();
  t.equal(await writer.prune(), 7);
  t.same((await store.messageLog.listMessages('acme', 'CS-1', { limit: 10 })).items.map((m) => m.messageId), ['m9', 'm8', 'm7']);
  t.equal(await writer.prune(), 0, 'nothing written since: nothing to do');
  const mirrored: LoggedFrame[][] = [];
  const off = new MessageLogWriter({ store: store.messageLog, retention: { kind: 'off' }, mirror: (f) => mirrored.push(f), onError: (e) => t.fail(String(e)) });
  off.ingest([frame('CS-9', 1)]);
  await store.flush();
  t.equal(mirrored.length, 1, 'mirror still fed with the log off');
  t.same((await store.messageLog.listMessages('acme', 'CS-9', { limit: 10 })).items, [], 'nothing stored with the log off');
  await off.stop();
});
