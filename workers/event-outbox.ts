import type { BusEvent } from '../core/envelope.js';
import type { OutboxStore } from '../core/ports/store/outbox-store.js';
import type { PublishOutcome } from '../core/ports/bus.js';


export interface EventOutboxOptions {
  store: OutboxStore;
  /** This node's rows (CSMS_NODE_ID). */
  owner: string;
  /**
   * Publishes events in order and says how many from the start are finished: acknowledged by the
   * broker, or refused for good (counted as dropped). Never throws for a broker fault.
   */
  publish(events: BusEvent[]): Promise<PublishOutcome>;
  metrics?: { pending(n: number): void; retried(n: number): void; dropped(n: number): void };
  onError?: (error: unknown) => void;
  /** Events read and published per round (default 256): the only events held in memory. */
  batch?: number;
  /** Back-off after a round the broker did not fully acknowledge: doubles from min to max. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * The durable event outbox of a node: `append` writes committed events to the store (joining
 * the group commit), then a single drain loop, off the hot path, publishes them in order and
 * removes what the broker acknowledged. Unacknowledged events are retried with back-off until
 * the broker takes them: the outbox is bounded by disk, never by memory, and an event is only
 * ever counted as dropped when the broker refuses it for good (e.g. larger than its max payload).
 */
export class EventOutbox {
  private pendingCount = 0;
  private running = false;
  private again = false;
  private stopped = false;
  private backoffMs = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private idle: Array<() => void> = [];
  private readonly batch: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly options: EventOutboxOptions) {
    this.batch = options.batch ?? 256;
    this.minBackoffMs = options.minBackoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
  }

  /** Counts what an earlier run left and starts draining it. */
  async start(): Promise<void> {
    this.setPending(await this.options.store.countEvents(this.options.owner));
    this.kick();
  }

  /** Durable once this resolves (the group commit that holds the events); published afterwards. */
  async append(events: BusEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.options.store.appendEvents(this.options.owner, events);
    this.setPending(this.pendingCount + events.length);
    this.kick();
  }

  /**
   * Another write committed `count` events into the store itself (a transaction message's write,
   * TransactionWriteOptions.events): counted and drained like appended ones.
   */
  committed(count: number): void {
    if (count <= 0) return;
    this.setPending(this.pendingCount + count);
    this.kick();
  }

  get owner(): string {
    return this.options.owner;
  }

  get pending(): number {
    return this.pendingCount;
  }

  /** Resolves when nothing is pending (tests, shutdown with a live broker). */
  whenEmpty(): Promise<void> {
    if (this.pendingCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private setPending(n: number): void {
    this.pendingCount = n;
    this.options.metrics?.pending(n);
    if (n === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  private kick(): void {
    if (this.stopped || this.retryTimer) return; // a retry is scheduled: it picks these up, in order
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      if (this.again && !this.retryTimer) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    const { store, owner } = this.options;
    while (!this.stopped) {
      this.again = false;
      let rows;
      try {
        rows = await store.pendingEvents(owner, this.batch);
      } catch (error) {
        this.options.onError?.(error);
        return this.retryLater();
      }
      if (rows.length === 0) return;
      let outcome: PublishOutcome;
      try {
        outcome = await this.options.publish(rows.map((r) => r.event));
      } catch (error) {
        this.options.onError?.(error);
        outcome = { done: 0, dropped: 0 };
      }
      const done = Math.max(0, Math.min(outcome.done, rows.length));
      if (done > 0) {
        try {
          await store.removeEvents(owner, rows[done - 1]!.seq);
        } catch (error) {
          // Still in the store: published again later, and JetStream de-duplicates them by id.
          this.options.onError?.(error);
          return this.retryLater();
        }
        if (outcome.dropped > 0) this.options.metrics?.dropped(outcome.dropped);
        this.setPending(Math.max(0, this.pendingCount - done));
      }
      if (done < rows.length) {
        this.options.metrics?.retried(rows.length - done);
        return this.retryLater();
      }
      this.backoffMs = 0;
    }
  }

  private retryLater(): void {
    if (this.stopped) return;
    this.backoffMs = this.backoffMs === 0 ? this.minBackoffMs : Math.min(this.backoffMs * 2, this.maxBackoffMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, this.backoffMs);
  }
}
