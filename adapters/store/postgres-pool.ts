import type { Sql } from 'postgres';

/**
 * A postgres.js pool that can be replaced while in use.
 *
 * Why: postgres.js 3.4.9 does not always recover its pool after the server went away: a
 * `reserve()` that failed or was queued when connections died never settles, and later queries on
 * that pool hang (porsager/postgres#1195, #1199; reproduced here with a fast shutdown and
 * restart: every write after the restart hung). So on a connection-level failure the pool is
 * retired and a fresh one takes its place; `sql` is a stable handle that always delegates to the
 * current pool, so the adapter's slices keep their reference. The old pool is ended with a
 * grace: queries running on its healthy connections finish, what is stranded on it is rejected
 * when the grace is over. A failure reported from a pool already replaced replaces nothing: it
 * would otherwise retire the healthy pool (and its reads) that took its place.
 */
export interface RenewablePool {
  /** Always the current pool. */
  readonly sql: Sql;
  /**
   * Replaces the pool (at most once per `minIntervalMs`); true when it did. With `failedOn`
   * (the pool's generation when the failing work started), only if that pool is still current.
   */
  renew(failedOn?: number): boolean;
  /** Counts replacements: the current pool's generation. */
  readonly generation: number;
  end(options?: { timeout?: number }): Promise<void>;
}

/** Seconds a replaced pool's running queries get to finish before it is destroyed. */
const RETIRE_GRACE_S = 5;

export function renewablePool(create: () => Sql, minIntervalMs = 100): RenewablePool {
  let current = create();
  let renewedAt = -Infinity;
  let generation = 0;
  /** Replaced pools still in their grace: closing the store ends them too. */
  const retiring = new Set<Sql>();
  const handle = new Proxy(function sqlHandle() {} as unknown as Sql, {
    apply: (_target, _this, args: unknown[]) => (current as unknown as (...a: unknown[]) => unknown)(...args),
    get: (_target, prop) => {
      const value = (current as unknown as Record<PropertyKey, unknown>)[prop];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
  });
  return {
    sql: handle,
    get generation() {
      return generation;
    },
    renew(failedOn) {
      if (failedOn !== undefined && failedOn !== generation) return false;
      const now = performance.now();
      if (now - renewedAt < minIntervalMs) return false;
      renewedAt = now;
      generation++;
      const old = current;
      current = create();
      retiring.add(old);
      old
        .end({ timeout: RETIRE_GRACE_S })
        .catch(() => {})
        .finally(() => retiring.delete(old));
      return true;
    },
    end: async (options) => {
      await Promise.all([current.end(options), ...[...retiring].map((old) => old.end({ timeout: 0 }).catch(() => {}))]);
    },
  };
}
