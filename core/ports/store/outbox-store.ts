import type { BusEvent } from '../../envelope.js';

/**
 * A write's events kept in the outbox in the same transaction as its data (rows of `owner`):
 * `build` is pure, called inside the write with what the write found (possibly more than once,
 * when the write is run again); a throw fails the write, and nothing of it is kept.
 */
export interface OutboxEventsOption<O = void> {
  owner: string;
  build: (outcome: O) => BusEvent[];
}

/** One event waiting in the outbox; `seq` orders an owner's events. */
export interface OutboxRecord {
  seq: number;
  event: BusEvent;
}

/**
 * The durable event outbox: events the store committed wait here until the bus (JetStream)
 * acknowledges them, then they are removed. Bounded by disk, not memory. Each node drains only
 * its own rows (`owner` = CSMS_NODE_ID), so a shared store keeps every node's order.
 */
export interface OutboxStore {
  /** Adds events in order; joins the group commit and settles once they are durable. */
  appendEvents(owner: string, events: BusEvent[]): Promise<void>;
  /** The owner's oldest events, at most `limit`, oldest first. */
  pendingEvents(owner: string, limit: number): Promise<OutboxRecord[]>;
  /** Removes the owner's events up to and including `throughSeq` (they were delivered or dropped). */
  removeEvents(owner: string, throughSeq: number): Promise<void>;
  countEvents(owner: string): Promise<number>;
}
