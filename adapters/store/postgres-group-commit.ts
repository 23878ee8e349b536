import type { Sql } from 'postgres';

/**
 * Group commit for PostgreSQL: the async sibling of `GroupCommit`. Writes queued while the
 * previous batch commits (or within `intervalMs` of it) run in one transaction on one pooled
 * connection, and each write's promise settles only after that transaction's COMMIT.
 *
 * - One batch at a time, in queue order: writes are applied in the order they were accepted
 *   (a later status never lands before an earlier one), like the SQLite writer.
 * - Pipelining: a `pipelined` write issues all its statements before it first waits, so a run of
 *   them goes out without a round trip each; BEGIN rides along with the first write. A write
 *   that reads before it writes (`sequential`) waits for the writes before it.
 * - No savepoint per write: beyond 64 subtransactions in one transaction PostgreSQL's subxid
 *   cache overflows and every session's snapshots get slower. Instead, when a write fails, the
 *   transaction is rolled back, that write alone is rejected, and the rest run again in a new
 *   transaction (writes are functions of what they read, so running one again is safe).
 *   Deadlocks, serialization failures and unique violations are retried a few times first
 *   (another node may have written the same row at the same moment).
 * - If BEGIN or COMMIT fails, or the connection drops, every write of the batch is rejected
 *   (a batch that failed before COMMIT was sent is retried first: it cannot have committed).
 */
export type Tx = Sql;

interface Pending {
  run: (tx: Tx) => Promise<unknown>;
  pipelined: boolean;
  attempts: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface PgGroupCommitOptions {
  /** Writes waiting that force a commit at once (default 256). */
  maxBatch?: number;
  /** Least time between the end of one commit and the start of the next, ms (default 0). */
  intervalMs?: number;
  /** Told after every commit (metrics): writes in it and its duration in ms. */
  onCommit?: (writes: number, ms: number) => void;
  /**
   * Told when a batch failed because the server or the connection went away (the owner may
   * replace the pool), with the pool generation the batch started on.
   */
  onConnectionLost?: (generation: number | undefined) => void;
  /** Which pool the batch runs on: lets the owner ignore a late failure from a pool it already replaced. */
  poolGeneration?: () => number;
  /** Longest wait for a pooled connection before the batch counts as failed (ms, default 5000). */
  reserveTimeoutMs?: number;
}

type Attempt =
  | { kind: 'committed'; values: unknown[] }
  | { kind: 'write-failed'; index: number; error: unknown }
  | { kind: 'batch-failed'; error: unknown; beforeCommit: boolean };

const RETRIES = 3;

/** Worth running again: another transaction got in the way (deadlock, serialization, unique race). */
export function isRetryable(error: unknown): boolean {
  const code = sqlState(error);
  return code === '40001' || code === '40P01' || code === '23505';
}

/** The connection (or the server) is gone: nothing in this transaction can be trusted to commit. */
export function isConnectionError(error: unknown): boolean {
  const code = sqlState(error);
  if (code === undefined) return false;
  return code.startsWith('08') || code.startsWith('57P') || code.startsWith('CONNECT') || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE';
}

function sqlState(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

export class PgGroupCommit {
  /** Told after every batch: undefined when it committed, else the error that failed the whole batch (server or connection gone). */
  onCommitOutcome: ((fault: unknown) => void) | undefined;
  private queue: Pending[] = [];
  private running = false;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private lastCommitAt = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly maxBatch: number;
  private readonly intervalMs: number;

  constructor(
    private readonly sql: Sql,
    private readonly options: PgGroupCommitOptions = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 256);
    this.intervalMs = options.intervalMs ?? 0;
  }

  /**
   * A write whose statements are all issued before it first awaits (no read it depends on):
   * it is sent without waiting for the writes before it. Return the statements' results.
   */
  pipelined<T>(run: (tx: Tx) => Promise<T>): Promise<T> {
    return this.enqueue(run, true);
  }

  /** A read-then-write: runs after every write before it has answered, on the batch's transaction. */
  sequential<T>(run: (tx: Tx) => Promise<T>): Promise<T> {
    return this.enqueue(run, false);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Resolves once everything queued so far has been committed (or rejected). */
  drain(): Promise<void> {
    if (this.queue.length === 0 && !this.running) return Promise.resolve();
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    if (!this.running) this.start();
    return idle;
  }

  private enqueue<T>(run: (tx: Tx) => Promise<T>, pipelined: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, pipelined, attempts: 0, resolve: resolve as (v: unknown) => void, reject });
      if (this.running) return; // picked up when the running batch ends
      if (this.queue.length >= this.maxBatch) this.start();
      else this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    const wait = this.intervalMs - (performance.now() - this.lastCommitAt);
    // setImmediate: writes enqueued in this turn still join the batch.
    if (wait <= 0) setImmediate(() => this.start());
    else this.timer = setTimeout(() => this.start(), wait);
  }

  private start(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.scheduled = false;
    if (this.running) return;
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return this.notifyIdle();
    this.running = true;
    void this.commit(batch).finally(() => {
      this.running = false;
      this.lastCommitAt = performance.now();
      if (this.queue.length === 0) this.notifyIdle();
      else if (this.queue.length >= this.maxBatch || this.idleWaiters.length > 0) this.start();
      else this.schedule();
    });
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Commits a batch, dropping (rejecting) failing writes one by one until the rest commits. */
  private async commit(batch: Pending[]): Promise<void> {
    let pending = batch;
    let batchAttempts = 0;
    while (pending.length > 0) {
      const started = performance.now();
      const generation = this.options.poolGeneration?.();
      const attempt = await this.attempt(pending, generation);
      if (attempt.kind === 'committed') {
        this.options.onCommit?.(pending.length, performance.now() - started);
        this.onCommitOutcome?.(undefined);
        pending.forEach((p, i) => p.resolve(attempt.values[i]));
        return;
      }
      if (attempt.kind === 'write-failed' && !isConnectionError(attempt.error)) {
        const failed = pending[attempt.index]!;
        if (isRetryable(attempt.error) && ++failed.attempts < RETRIES) continue;
        failed.reject(attempt.error);
        pending = pending.filter((_, i) => i !== attempt.index);
        continue;
      }
      // BEGIN, COMMIT or the connection failed. Before COMMIT was sent nothing can have
      // committed, so the batch may run again; after, the outcome is unknown: reject all.
      const beforeCommit = attempt.kind === 'write-failed' || attempt.beforeCommit;
      if (isConnectionError(attempt.error)) this.options.onConnectionLost?.(generation);
      if (beforeCommit && ++batchAttempts < RETRIES) continue;
      this.onCommitOutcome?.(attempt.error);
      for (const p of pending) p.reject(attempt.error);
      return;
    }
  }

  /**
   * A pooled connection, or an error: a reserve that never settles (postgres.js can strand one
   * when connections die, porsager/postgres#1195) must not stall every write behind it.
   */
  private reserve(): Promise<Awaited<ReturnType<Sql['reserve']>>> {
    const reserving = this.sql.reserve();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('no PostgreSQL connection within the reserve timeout'), { code: 'CONNECT_TIMEOUT' })), this.options.reserveTimeoutMs ?? 5_000);
    });
    // A reserve that settles after its timeout gives its connection straight back.
    reserving.then((late) => timer === undefined && late.release(), () => {});
    return Promise.race([reserving, timeout]).finally(() => {
      clearTimeout(timer);
      timer = undefined;
    });
  }

  /** One try: BEGIN, every write in order (pipelined where allowed), COMMIT. */
  private async attempt(pending: Pending[], generation: number | undefined): Promise<Attempt> {
    let tx: Awaited<ReturnType<Sql['reserve']>>;
    try {
      tx = await this.reserve();
    } catch (error) {
      this.options.onConnectionLost?.(generation);
      return { kind: 'batch-failed', error, beforeCommit: true };
    }
    try {
      const begin = tx`BEGIN`.execute();
      begin.catch(() => {});
      const values = new Array<unknown>(pending.length);
      let inflight: Array<{ index: number; promise: Promise<unknown> }> = [];
      /** Waits for the pipelined writes sent so far; the first to fail (in order) is the culprit. */
      const settle = async (): Promise<{ index: number; error: unknown } | undefined> => {
        const results = await Promise.allSettled(inflight.map((w) => w.promise));
        const sent = inflight;
        inflight = [];
        for (let k = 0; k < results.length; k++) {
          const r = results[k]!;
          if (r.status === 'rejected') return { index: sent[k]!.index, error: r.reason };
          values[sent[k]!.index] = r.value;
        }
        return undefined;
      };
      let failure: { index: number; error: unknown } | undefined;
      for (let i = 0; i < pending.length && !failure; i++) {
        const write = pending[i]!;
        if (write.pipelined) {
          let promise: Promise<unknown>;
          try {
            promise = write.run(tx);
          } catch (error) {
            promise = Promise.reject(error);
          }
          promise.catch(() => {});
          inflight.push({ index: i, promise });
          continue;
        }
        failure = await settle();
        if (failure) break;
        try {
          values[i] = await write.run(tx);
        } catch (error) {
          failure = { index: i, error };
        }
      }
      if (!failure) failure = await settle();
      try {
        await begin;
      } catch (error) {
        await tx`ROLLBACK`.catch(() => {});
        return { kind: 'batch-failed', error, beforeCommit: true };
      }
      if (failure) {
        await tx`ROLLBACK`.catch(() => {});
        return { kind: 'write-failed', ...failure };
      }
      let done: { command: string };
      try {
        done = await tx`COMMIT`;
      } catch (error) {
        await tx`ROLLBACK`.catch(() => {});
        return { kind: 'batch-failed', error, beforeCommit: false };
      }
      // COMMIT of a transaction that failed is answered ROLLBACK, not an error: never resolve on it.
      if (done.command !== 'COMMIT') {
        return { kind: 'batch-failed', error: new Error(`COMMIT answered ${done.command}`), beforeCommit: false };
      }
      return { kind: 'committed', values };
    } finally {
      tx.release();
    }
  }
}
