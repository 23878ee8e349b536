import t from 'tap';
import { busEvent, type BusEvent } from '../../core/envelope.js';
import type { OutboxRecord, OutboxStore } from '../../core/ports/store/outbox-store.js';
import type { PublishOutcome } from '../../core/ports/bus.js';
import { EventOutbox } from '../../workers/event-outbox.js';

/** The outbox slice in memory: enough to drive the drain loop (the adapters pass the contract). */
class MemoryOutbox implements OutboxStore {
  rows: Array<OutboxRecord & { owner: string }> = [];
  private seq = 0;
  async appendEvents(owner: string, events: BusEvent[]) {
    for (const event of events) this.rows.push({ owner, seq: ++this.seq, event });
  }
  async pendingEvents(owner: string, limit: number) {
    return this.rows.filter((r) => r.owner === owner).slice(0, limit);
  }
  async removeEvents(owner: string, throughSeq: number) {
    this.rows = this.rows.filter((r) => r.owner !== owner || r.seq > throughSeq);
  }
  async countEvents(owner: string) {
    return this.rows.filter((r) => r.owner === owner).length;
  }
}

const events = (n: number, from = 0) => Array.from({ length: n }, (_, i) => busEvent('transaction.updated', 't', 'CS', { n: from + i }));
const counters = () => {
  const c = { pending: -1, retried: 0, dropped: 0 };
  return { c, metrics: { pending: (n: number) => (c.pending = n), retried: (n: number) => (c.retried += n), dropped: (n: number) => (c.dropped += n) } };
};

t.test('unacknowledged events are retried until the bus takes them, in order, once each; retries are not losses', async (t) => {
  const store = new MemoryOutbox();
  const delivered: number[] = [];
  let refuse = 3; // the first three rounds: the broker takes only part, then nothing
  const publish = async (batch: BusEvent[]): Promise<PublishOutcome> => {
    if (refuse-- > 0) {
      const taken = refuse === 2 ? 2 : 0;
      for (const e of batch.slice(0, taken)) delivered.push((e.payload as { n: number }).n);
      return { done: taken, dropped: 0 };
    }
    for (const e of batch) delivered.push((e.payload as { n: number }).n);
    return { done: batch.length, dropped: 0 };
  };
  const { c, metrics } = counters();
  const outbox = new EventOutbox({ store, owner: 'node-a', publish, metrics, batch: 4, minBackoffMs: 1, maxBackoffMs: 4 });
  t.teardown(() => outbox.stop());
  await store.appendEvents('node-b', events(1, 100)); // another node's row: never ours to send
  await outbox.start();
  await outbox.append(events(5));
  await outbox.append(events(3, 5));
  await outbox.whenEmpty();
  t.same(delivered, [0, 1, 2, 3, 4, 5, 6, 7], 'every event once, in order');
  t.equal(c.pending, 0);
  t.ok(c.retried > 0, `retried attempts counted (${c.retried})`);
  t.equal(c.dropped, 0, 'nothing counted as lost');
  t.equal(await store.countEvents('node-b'), 1, "another node's events stay");
});

t.test('events the bus refuses for good are removed and counted as dropped', async (t) => {
  const store = new MemoryOutbox();
  const { c, metrics } = counters();
  const outbox = new EventOutbox({ store, owner: 'n', publish: async (batch) => ({ done: batch.length, dropped: 1 }), metrics, minBackoffMs: 1 });
  t.teardown(() => outbox.stop());
  await outbox.start();
  await outbox.append(events(3));
  await outbox.whenEmpty();
  t.equal(c.dropped, 1);
  t.equal(await store.countEvents('n'), 0);
});

t.test('events left by an earlier run are sent at start', async (t) => {
  const store = new MemoryOutbox();
  await store.appendEvents('n', events(2));
  const sent: BusEvent[] = [];
  const outbox = new EventOutbox({ store, owner: 'n', publish: async (batch) => (sent.push(...batch), { done: batch.length, dropped: 0 }) });
  t.teardown(() => outbox.stop());
  await outbox.start();
  await outbox.whenEmpty();
  t.equal(sent.length, 2);
});

t.test('rows a write committed itself (committed(n)) are counted and drained like appended ones', async (t) => {
  const store = new MemoryOutbox();
  const delivered: number[] = [];
  const publish = async (batch: BusEvent[]): Promise<PublishOutcome> => {
    for (const e of batch) delivered.push((e.payload as { n: number }).n);
    return { done: batch.length, dropped: 0 };
  };
  const { c, metrics } = counters();
  const outbox = new EventOutbox({ store, owner: 'node-a', publish, metrics, batch: 2 });
  t.teardown(() => outbox.stop());
  await outbox.start();
  t.equal(outbox.owner, 'node-a');
  // A transaction write put these rows into the store in its own transaction: the outbox only hears of them.
  await store.appendEvents('node-a', events(3));
  outbox.committed(3);
  t.equal(c.pending, 3, 'pending counts them at once');
  await outbox.whenEmpty();
  t.same(delivered, [0, 1, 2], 'published in order');
  t.equal(await store.countEvents('node-a'), 0, 'and removed');
  outbox.committed(0);
  t.equal(c.pending, 0, 'nothing committed, nothing pending');
});
