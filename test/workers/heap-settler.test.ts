import { test } from 'tap';
import { getHeapStatistics } from 'node:v8';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHeapSettler } from '../../workers/heap-settler.js';

test('an idle thread whose heap grew gets one full collection, and its garbage is gone', async (t) => {
  const settler = startHeapSettler({ everyMs: 50, growthBytes: 4 * 2 ** 20, quietUtilization: 0.5 });
  t.teardown(() => settler.stop());
  // Garbage that survives scavenges (held while more is allocated, then dropped), like a boot
  // storm's. Allocated in one turn: a settler tick in the middle of it would collect while it is
  // still held and take that as its new baseline.
  let held: string[][] = [];
  for (let turn = 0; turn < 20; turn++) held.push(Array.from({ length: 20_000 }, (_, i) => `station-${turn}-${i}-${'x'.repeat(20)}`));
  const grown = getHeapStatistics().used_heap_size;
  held = [];
  for (let i = 0; i < 600 && settler.collections() === 0; i++) await sleep(50);
  t.ok(settler.collections() >= 1, 'collected once the thread was quiet');
  t.ok(getHeapStatistics().used_heap_size < grown - 8 * 2 ** 20, 'the dropped garbage was returned');
  t.equal(held.length, 0);
});

test('a busy thread is left alone', async (t) => {
  const settler = startHeapSettler({ everyMs: 30, growthBytes: 1, quietUtilization: 0.000001 });
  t.teardown(() => settler.stop());
  const until = Date.now() + 300;
  while (Date.now() < until) {
    // Busy: the event loop never idles long enough for utilization to fall below the bar.
    const spin = Date.now() + 5;
    while (Date.now() < spin);
    await new Promise((r) => setImmediate(r));
  }
  t.equal(settler.collections(), 0);
});
