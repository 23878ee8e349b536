/**
 * Batches writes into one transaction (group commit), so many small writes cost one commit.
 * Each write's promise settles only after its batch commits.
 *
 * Commits are paced: at most one per `intervalMs`, or at once when `maxBatch` writes wait. An
 * idle store commits a lone write on the next turn (no added latency at low load); under load
 * the batch grows with the traffic. Measured on SQLite: ~800 commits/s at ~2.5 writes each
 * became ~60/s, and WAL pages per message dropped from ~10 to ~2–3.
 */
export interface GroupCommitOptions {
  /** Runs the batch inside one transaction and returns per-write outcomes. */
  commit(batch: Array<() => unknown>): Array<{ ok: true; value: unknown } | { ok: false; error: unknown }>;
  /** Writes waiting that force an immediate commit (default 256). */
  maxBatch?: number;
  /** Least time between two commits in ms (default 0: one commit per event-loop turn). */
  intervalMs?: number;
  /** Told after every commit (metrics): writes in it and its duration in ms. */
  onCommit?: (writes: number, ms: number) => void;
}

interface Pending {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled: 'immediate' | 'timer' | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly maxBatch: number;
  private readonly intervalMs: number;
  private lastCommitAt = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: GroupCommitOptions) {
    this.maxBatch = options.maxBatch ?? 256;
    this.intervalMs = options.intervalMs ?? 0;
  }

  enqueue<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length >= this.maxBatch) this.flushFull();
      else this.schedule();
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Resolves once everything queued so far has been committed. */
  drain(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    this.flushSoon();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    const wait = this.intervalMs - (performance.now() - this.lastCommitAt);
    if (wait <= 0) return this.flushSoon();
    this.scheduled = 'timer';
    this.timer = setTimeout(() => this.run(), wait);
  }

  /** A full batch commits at once, bounding both the batch and the wait. */
  private flushFull(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.scheduled === 'timer') this.scheduled = undefined;
    this.flushNow();
  }

  /** Commits on the next turn: writes enqueued in this turn still join the batch. */
  private flushSoon(): void {
    if (this.scheduled === 'immediate') return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.scheduled = 'immediate';
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = undefined;
    this.timer = undefined;
    this.flushNow();
    // Writes enqueued while this batch ran (none in practice: commit is synchronous) wait their turn.
    if (this.queue.length > 0) this.schedule();
  }

  private flushNow(): void {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, Math.max(this.maxBatch, 1));
      const started = performance.now();
      let outcomes: ReturnType<GroupCommitOptions['commit']>;
      try {
        outcomes = this.options.commit(batch.map((p) => p.write));
      } catch (error) {
        for (const p of batch) p.reject(error);
        continue;
      } finally {
        this.lastCommitAt = performance.now();
      }
      this.options.onCommit?.(batch.length, this.lastCommitAt - started);
      batch.forEach((p, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) p.resolve(outcome.value);
        else p.reject(outcome.error);
      });
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
