import t from 'tap';
import { GroupCommit, type GroupCommitOptions } from '../../adapters/store/group-commit.js';

/** A commit that runs each write and records the batch sizes, like a transaction would. */
function recordingCommit(opts: { throwOnBatch?: number } = {}) {
  const batches: number[] = [];
  const commit: GroupCommitOptions['commit'] = (batch) => {
    batches.push(batch.length);
    if (opts.throwOnBatch === batches.length) throw new Error('transaction failed');
    return batch.map((write) => {
      try {
        return { ok: true as const, value: write() };
      } catch (error) {
        return { ok: false as const, error };
      }
    });
  };
  return { batches, commit };
}

t.test('writes queued in one turn share one commit and settle after it', async (t) => {
  const { batches, commit } = recordingCommit();
  const gc = new GroupCommit({ commit });
  const order: number[] = [];
  const writes = [1, 2, 3].map((n) => gc.enqueue(() => (order.push(n), n * 10)));
  t.equal(gc.pending, 3);
  t.same(batches, [], 'nothing committed synchronously');
  t.same(await Promise.all(writes), [10, 20, 30]);
  t.same(batches, [3]);
  t.same(order, [1, 2, 3], 'writes run in enqueue order');
  t.equal(gc.pending, 0);
  await gc.enqueue(() => 'next turn');
  t.same(batches, [3, 1], 'a later write gets its own commit');
});

t.test('one failing write fails alone', async (t) => {
  const { commit } = recordingCommit();
  const gc = new GroupCommit({ commit });
  const ok1 = gc.enqueue(() => 'a');
  const bad = gc.enqueue(() => {
    throw new Error('constraint');
  });
  const ok2 = gc.enqueue(() => 'b');
  t.equal(await ok1, 'a');
  await t.rejects(bad, /constraint/);
  t.equal(await ok2, 'b');
});

t.test('a failing commit rejects its whole batch; later batches still commit', async (t) => {
  const { batches, commit } = recordingCommit({ throwOnBatch: 1 });
  const gc = new GroupCommit({ commit });
  const a = gc.enqueue(() => 1);
  const b = gc.enqueue(() => 2);
  await t.rejects(a, /transaction failed/);
  await t.rejects(b, /transaction failed/);
  t.equal(await gc.enqueue(() => 3), 3);
  t.same(batches, [2, 1]);
});

t.test('maxBatch flushes a full batch at once', async (t) => {
  const { batches, commit } = recordingCommit();
  const gc = new GroupCommit({ commit, maxBatch: 3 });
  const writes = [1, 2, 3, 4, 5].map((n) => gc.enqueue(() => n));
  t.same(batches, [3], 'the full batch committed on the enqueue that filled it');
  t.equal(gc.pending, 2);
  t.same(await Promise.all(writes), [1, 2, 3, 4, 5]);
  t.same(batches, [3, 2]);
});

t.test('drain resolves once everything queued so far is committed', async (t) => {
  const { batches, commit } = recordingCommit();
  const gc = new GroupCommit({ commit });
  await gc.drain();
  t.same(batches, [], 'drain with nothing queued resolves at once');
  let settled = 0;
  for (let i = 0; i < 4; i++) void gc.enqueue(() => i).then(() => settled++);
  await gc.drain();
  t.same(batches, [4]);
  t.equal(gc.pending, 0);
  t.equal(settled, 4, 'the writes settled before drain resolved');
});

t.test('drain also resolves when the batch failed', async (t) => {
  const { commit } = recordingCommit({ throwOnBatch: 1 });
  const gc = new GroupCommit({ commit });
  const w = gc.enqueue(() => 1);
  w.catch(() => {});
  await gc.drain();
  await t.rejects(w);
});

t.test('intervalMs paces commits: an idle store commits at once, a busy one batches', async (t) => {
  const { batches, commit } = recordingCommit();
  const gc = new GroupCommit({ commit, intervalMs: 40 });
  await gc.enqueue(() => 'first');
  t.same(batches, [1], 'the first write after idle commits on the next turn');
  const writes: Array<Promise<number>> = [];
  writes.push(gc.enqueue(() => 1));
  await new Promise((r) => setImmediate(r));
  t.same(batches, [1], 'a write right after a commit waits for the interval');
  for (let i = 2; i <= 4; i++) {
    writes.push(gc.enqueue(() => i));
    await new Promise((r) => setTimeout(r, 5));
  }
  t.same(await Promise.all(writes), [1, 2, 3, 4]);
  t.same(batches, [1, 4], 'the writes of one interval share one commit');
});

t.test('onCommit reports each batch', async (t) => {
  const { commit } = recordingCommit();
  const seen: number[] = [];
  const gc = new GroupCommit({ commit, onCommit: (writes) => seen.push(writes) });
  await Promise.all([gc.enqueue(() => 1), gc.enqueue(() => 2)]);
  t.same(seen, [2]);
});
