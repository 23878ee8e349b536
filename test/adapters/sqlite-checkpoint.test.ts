import t from 'tap';
import { statSync } from 'node:fs';
import { join } from 'node:path';
// From dist/: the checkpointer's thread entry is a compiled module next to the store's.
const { SqliteStore } = (await import('../../dist/adapters/store/sqlite-store.js' as string)) as typeof import('../../adapters/store/sqlite-store.js');
type SqliteStore = import('../../adapters/store/sqlite-store.js').SqliteStore;

// The hot-path writer (checkpointEveryMs: 0) never checkpoints inside its commits; another
// connection (checkpointEveryMs > 0) does it on a timer with PASSIVE checkpoints, on a thread of
// its own so that no event loop of ours waits for it.

async function fill(store: SqliteStore, rows: number): Promise<void> {
  const frame = 'x'.repeat(2000);
  const writes: Array<Promise<void>> = [];
  for (let i = 0; i < rows; i++) {
    writes.push(store.messageLog.appendMessages([{ tenantId: 't', stationId: `S${i % 50}`, direction: 'in', messageType: 2, messageId: `m${i}`, action: 'Heartbeat', frame, at: new Date().toISOString() }]));
  }
  await Promise.all(writes);
}

t.test('a writer with checkpointEveryMs 0 lets the WAL grow past the automatic checkpoint size', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 's.sqlite');
  const writer = new SqliteStore({ path, checkpointEveryMs: 0 });
  t.teardown(() => writer.close());
  await fill(writer, 3000); // ~6 MB of frames: past SQLite's 1000-page (4 MB) automatic checkpoint
  t.ok(statSync(`${path}-wal`).size > 5_000_000, 'no checkpoint ran inside the writer’s commits');
});

t.test('a checkpointer connection checkpoints the writer’s WAL on its timer', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 's.sqlite');
  const writer = new SqliteStore({ path, checkpointEveryMs: 0 });
  await fill(writer, 500);
  const checkpointer = new SqliteStore({ path, checkpointEveryMs: 20, checkpointStartAtWalBytes: 0 });
  t.teardown(async () => {
    await checkpointer.close();
    await writer.close();
  });
  // Without a checkpoint the frames live only in the WAL and the database file stays small.
  // The checkpointer is a thread of its own: on a loaded machine it may take seconds to start.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && statSync(path).size <= 500 * 2000) await new Promise((r) => setTimeout(r, 50));
  t.ok(statSync(path).size > 500 * 2000, 'the frames reached the database file: the timer checkpointed them');
});

t.test('the checkpointer thread ends with its store, after a last checkpoint', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 's.sqlite');
  const writer = new SqliteStore({ path, checkpointEveryMs: 0 });
  t.teardown(() => writer.close());
  await fill(writer, 500);
  // The WAL is already above the threshold: the thread starts at once; its own timer would run in a minute.
  const checkpointer = new SqliteStore({ path, checkpointEveryMs: 60_000, checkpointStartAtWalBytes: 0 });
  t.ok(statSync(path).size <= 500 * 2000, 'no checkpoint yet');
  await checkpointer.close();
  t.ok(statSync(path).size > 500 * 2000, 'close ran one last checkpoint and returned once the thread ended');
});

t.test('no checkpoint thread while the WAL stays below its threshold', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 's.sqlite');
  const writer = new SqliteStore({ path, checkpointEveryMs: 0 });
  t.teardown(() => writer.close());
  const checkpointer = new SqliteStore({ path, checkpointEveryMs: 20, checkpointStartAtWalBytes: 64 * 1024 * 1024 });
  await fill(writer, 500);
  await new Promise((r) => setTimeout(r, 300));
  t.ok(statSync(path).size <= 500 * 2000, 'nothing checkpointed: an idle node starts no thread');
  await checkpointer.close();
});
