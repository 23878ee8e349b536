import type { Test } from 'tap';
import { busEvent } from '../../core/envelope.js';
import type { Store } from '../../core/ports/store/store.js';
import type { StoreContractOptions } from './store.js';

/**
 * The event outbox slice (`store.outbox`): events come back in the order they were appended,
 * per owner, unchanged (id included), survive a reopen, and go only when removed.
 */
export function outboxStoreContract(t: Test, name: string, options: StoreContractOptions): void {
  async function fresh(tt: Test): Promise<Store> {
    const store = await options.open();
    tt.teardown(() => store.close().catch(() => {}));
    return store;
  }
  const event = (n: number) => busEvent('transaction.updated', 't1', 'CS1', { n }, new Date(Date.UTC(2026, 0, 1, 0, 0, n)));

  t.test(`${name}: outbox store contract`, async (t) => {
    t.test('appended events come back in order, per owner, unchanged', async (t) => {
      const store = await fresh(t);
      const first = [event(1), event(2), event(3)];
      await Promise.all([store.outbox.appendEvents('node-a', first), store.outbox.appendEvents('node-b', [event(9)]), store.outbox.appendEvents('node-a', [event(4)])]);
      const pending = await store.outbox.pendingEvents('node-a', 10);
      t.same(pending.map((r) => (r.event.payload as { n: number }).n), [1, 2, 3, 4], 'append order');
      t.same(pending[0]!.event, first[0], 'the event as appended, id and CloudEvents attributes included');
      t.ok(pending.every((r, i) => i === 0 || r.seq > pending[i - 1]!.seq), 'seq grows');
      t.equal(await store.outbox.countEvents('node-a'), 4);
      t.same((await store.outbox.pendingEvents('node-b', 10)).map((r) => r.event.id), [(await store.outbox.pendingEvents('node-b', 1))[0]!.event.id]);
      t.same((await store.outbox.pendingEvents('node-a', 2)).map((r) => (r.event.payload as { n: number }).n), [1, 2], 'limit');
    });

    t.test('removal through a seq leaves the rest, and other owners alone', async (t) => {
      const store = await fresh(t);
      await store.outbox.appendEvents('node-a', [event(1), event(2), event(3)]);
      await store.outbox.appendEvents('node-b', [event(7)]);
      const pending = await store.outbox.pendingEvents('node-a', 10);
      await store.outbox.removeEvents('node-a', pending[1]!.seq);
      t.same((await store.outbox.pendingEvents('node-a', 10)).map((r) => (r.event.payload as { n: number }).n), [3]);
      t.equal(await store.outbox.countEvents('node-a'), 1);
      t.equal(await store.outbox.countEvents('node-b'), 1, 'another owner keeps its events');
      await store.outbox.appendEvents('node-a', [event(4)]);
      const after = await store.outbox.pendingEvents('node-a', 10);
      t.ok(after[1]!.seq > pending[2]!.seq, 'a later append sorts after what was there');
    });

    if (options.reopen) {
      const reopen = options.reopen;
      t.test('appended events survive a reopen', async (t) => {
        const store = await options.open();
        const events = [event(1), event(2)];
        await store.outbox.appendEvents('node-a', events);
        await store.close();
        const again = await reopen(store);
        t.teardown(() => again.close().catch(() => {}));
        t.same((await again.outbox.pendingEvents('node-a', 10)).map((r) => r.event.id), events.map((e) => e.id));
      });
    }
  });
}
