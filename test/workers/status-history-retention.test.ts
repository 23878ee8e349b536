import t from 'tap';
import { pruneStatusHistory } from '../../workers/status-history-retention.js';

// The hourly retention sweep of connector status history: the cutoff is the retention before now,
// batches repeat until one comes back short, and 0 days keeps everything.

t.test('prunes in batches until a short one, with the cutoff at now minus the retention', async (t) => {
  const calls: Array<[string, number]> = [];
  const left = [5, 5, 2];
  const store = {
    pruneConnectorStatusHistory: async (olderThan: string, limit: number) => {
      calls.push([olderThan, limit]);
      return left.shift() ?? 0;
    },
  };
  const now = Date.parse('2026-06-01T00:00:00.000Z');
  t.equal(await pruneStatusHistory(store, 400, now, 5), 12);
  t.same(calls.map((c) => c[0]), Array(3).fill(new Date(now - 400 * 86_400_000).toISOString()));
  t.same(calls.map((c) => c[1]), [5, 5, 5]);
});

t.test('0 days keeps everything: the store is not asked', async (t) => {
  let asked = false;
  t.equal(await pruneStatusHistory({ pruneConnectorStatusHistory: async () => ((asked = true), 0) }, 0), 0);
  t.equal(asked, false);
});
