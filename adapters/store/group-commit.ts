/**
 * Batches writes into one transaction per turn of the event loop (group commit), so many
 * small writes cost one commit. Each write's promise settles only after its batch commits.
 */
export interface GroupCommitOptions {
  /** Runs the batch inside one transaction and returns per-write outcomes. */
  commit(batch: Array<() => unknown>): Array<{ ok: true; value: unknown } | { ok: false; error: unknown }>;
  /** Largest batch before an immediate flush. */
  maxBatch?: number;
}

interface Pending {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly maxBatch: number;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: GroupCommitOptions) {
    this.maxBatch = options.maxBatch ?? 5000;
  }

  enqueue<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length >= this.maxBatch) this.flushNow();
      else this.schedule();
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Resolves once everything queued so far has been committed. */
  drain(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushNow();
    });
  }

  private flushNow(): void {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      let outcomes: ReturnType<GroupCommitOptions['commit']>;
      try {
        outcomes = this.options.commit(batch.map((p) => p.write));
      } catch (error) {
        for (const p of batch) p.reject(error);
        continue;
      }
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
