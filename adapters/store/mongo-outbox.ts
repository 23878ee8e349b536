import type { Db } from 'mongodb';
import type { BusEvent } from '../../core/envelope.js';
import type { OutboxRecord, OutboxStore } from '../../core/ports/store/outbox-store.js';
import { nextCounter } from './mongo-collections.js';

interface OutboxDoc {
  _id: string;
  owner: string;
  seq: number;
  event: BusEvent;
}

/**
 * The event outbox on MongoDB: one document per event, `seq` from a per-owner counter (one
 * round trip per batch, not per event), inserted in order with the journaled write concern.
 * Untested on our machines (no MongoDB server); runs the outbox contract when MONGODB_URL is set.
 */
export class MongoOutbox implements OutboxStore {
  private indexed: Promise<unknown> | undefined;

  constructor(
    private readonly db: Db,
    private readonly ready: Promise<void>,
  ) {}

  private get docs() {
    return this.db.collection<OutboxDoc>('eventOutbox');
  }

  private async prepared(): Promise<void> {
    await this.ready;
    this.indexed ??= this.docs.createIndex({ owner: 1, seq: 1 }, { unique: true });
    await this.indexed;
  }

  async appendEvents(owner: string, events: BusEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.prepared();
    const last = await nextCounter(this.db, `outbox:${owner}`, events.length);
    const first = last - events.length + 1;
    await this.docs.insertMany(
      events.map((event, i) => ({ _id: `${owner}|${first + i}`, owner, seq: first + i, event })),
      { ordered: true },
    );
  }

  async pendingEvents(owner: string, limit: number): Promise<OutboxRecord[]> {
    await this.prepared();
    const docs = await this.docs.find({ owner }, { sort: { seq: 1 }, limit }).toArray();
    return docs.map((d) => ({ seq: d.seq, event: d.event }));
  }

  async removeEvents(owner: string, throughSeq: number): Promise<void> {
    await this.prepared();
    await this.docs.deleteMany({ owner, seq: { $lte: throughSeq } });
  }

  async countEvents(owner: string): Promise<number> {
    await this.prepared();
    return this.docs.countDocuments({ owner });
  }
}
