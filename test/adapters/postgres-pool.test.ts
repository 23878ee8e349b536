import t from 'tap';
import type { Sql } from 'postgres';
import { renewablePool } from '../../adapters/store/postgres-pool.js';

// The replaceable pool without a server: which pool the stable handle reaches, when a
// replacement happens, and how the replaced pool is ended.
interface FakePool {
  name: string;
  ends: Array<number | undefined>;
  settle?: () => void;
}

function fakes() {
  const made: FakePool[] = [];
  const create = () => {
    const pool: FakePool = { name: `pool${made.length}`, ends: [] };
    made.push(pool);
    const sql = Object.assign(() => pool.name, {
      end: (options?: { timeout?: number }) => {
        pool.ends.push(options?.timeout);
        return new Promise<void>((resolve) => (pool.settle = resolve));
      },
      which: () => pool.name,
    });
    return sql as unknown as Sql;
  };
  return { made, create };
}

t.test('the handle follows the current pool; a replaced pool gets a grace, not an instant destroy', async (t) => {
  const { made, create } = fakes();
  const pool = renewablePool(create, 0);
  const handle = pool.sql as unknown as { (): string; which(): string };
  t.equal(handle(), 'pool0');
  t.equal(pool.generation, 0);
  t.ok(pool.renew(0), 'a failure on the current pool replaces it');
  t.equal(handle(), 'pool1');
  t.equal(handle.which(), 'pool1', 'methods are bound to the current pool');
  t.equal(pool.generation, 1);
  t.same(made[0]!.ends, [5], 'the old pool is ended with a grace for its running queries');
});

t.test('a late failure from a replaced pool does not replace the healthy one', async (t) => {
  const { made, create } = fakes();
  const pool = renewablePool(create, 0);
  t.ok(pool.renew(0));
  t.notOk(pool.renew(0), 'generation 0 is already gone');
  t.equal(made.length, 2, 'no third pool');
  t.same(made[1]!.ends, [], 'the current pool keeps running');
  t.ok(pool.renew(1));
  t.ok(pool.renew(), 'without a generation it always may');
});

t.test('replacements are spaced by the minimum interval', async (t) => {
  const { made, create } = fakes();
  const pool = renewablePool(create, 60_000);
  t.ok(pool.renew());
  t.notOk(pool.renew(), 'a second failure right after does not replace the fresh pool');
  t.equal(made.length, 2);
});

t.test('end closes the current pool and destroys the ones still in their grace', async (t) => {
  const { made, create } = fakes();
  const pool = renewablePool(create, 0);
  pool.renew();
  const ended = pool.end({ timeout: 3 });
  t.same(made[1]!.ends, [3]);
  t.same(made[0]!.ends, [5, 0], 'the retiring pool is ended without waiting');
  made[0]!.settle!();
  made[1]!.settle!();
  await ended;
});
