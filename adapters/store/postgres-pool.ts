import type { Sql } from 'postgres';

/**
 * A postgres.js pool that can be replaced while in use.
 *
 * Why: postgres.js 3.4.9 does not always recover its pool after the server went away: a
 * `reserve()` that failed or was queued when connections died never settles, and later queries on
 * that pool hang (porsager/postgres#1195, #1199; reproduced here with a fast shutdown and
 * restart: every write after the restart hung). So on a connection-level failure the pool is
 * retired and a fresh one takes its place; `sql` is a stable handle that always delegates to the
 * current pool, so the adapter's slices keep their reference. The old pool is ended at once,
 * which rejects what was stranded on it.
 */
export interface RenewablePool {
  /** Always the current pool. */
  readonly sql: Sql;
  /** Replaces the pool (at most once per `minIntervalMs`); resolves true when it did. */
  renew(): boolean;
  /** How many times the pool was replaced. */
  readonly renewals: number;
  end(options?: { timeout?: number }): Promise<void>;
}

export function renewablePool(create: () => Sql, minIntervalMs = 100): RenewablePool {
  let current = create();
  let renewedAt = -Infinity;
  let renewals = 0;
  const handle = new Proxy(function sqlHandle() {} as unknown as Sql, {
    apply: (_target, _this, args: unknown[]) => (current as unknown as (...a: unknown[]) => unknown)(...args),
    get: (_target, prop) => {
      const value = (current as unknown as Record<PropertyKey, unknown>)[prop];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
  });
  return {
    sql: handle,
    get renewals() {
      return renewals;
    },
    renew() {
      const now = performance.now();
      if (now - renewedAt < minIntervalMs) return false;
      renewedAt = now;
      renewals++;
      const old = current;
      current = create();
      old.end({ timeout: 0 }).catch(() => {});
      return true;
    },
    end: (options) => current.end(options),
  };
}
