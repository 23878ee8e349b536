import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const heapModule = fileURLToPath(new URL('../../dist/workers/hot-path-heap.js', import.meta.url));

/**
 * Runs node with the flag `npm start` uses, starts one worker with the given young-generation
 * setting, lets both threads keep many young objects alive, and reports each new space in MB.
 */
function newSpaces(youngGenerationMb: number): { main: number; worker: number } {
  const script = `
    import { Worker } from 'node:worker_threads';
    import v8 from 'node:v8';
    import { hotPathWorkerLimits } from ${JSON.stringify(heapModule)};
    const fill = () => { const keep = []; for (let i = 0; i < 600000; i++) keep.push({ i, s: 'x' + i }); return keep.length; };
    const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
    const body = "import v8 from 'node:v8'; import { parentPort } from 'node:worker_threads';" +
      "const keep = []; for (let i = 0; i < 600000; i++) keep.push({ i, s: 'x' + i });" +
      "parentPort.postMessage(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576);";
    const worker = new Worker(new URL('data:text/javascript,' + encodeURIComponent(body)), { resourceLimits: hotPathWorkerLimits(${youngGenerationMb}) });
    worker.once('message', (w) => { fill(); console.log(JSON.stringify({ main: newSpace(), worker: w })); worker.terminate(); });
  `;
  const out = execFileSync(process.execPath, ['--max-semi-space-size=2', '--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out.trim()) as { main: number; worker: number };
}

t.test("npm start's semi-space cap stays on the main thread, not on the hot-path workers", async (t) => {
  const sizes = newSpaces(0);
  t.ok(sizes.main <= 4, `main new space ${sizes.main} MB: capped by --max-semi-space-size=2`);
  t.ok(sizes.worker > 8, `worker new space ${sizes.worker} MB: V8's own sizing`);
});

t.test('CSMS_WORKER_YOUNG_GEN_MB sizes the workers (the flag no longer overrides it)', async (t) => {
  const sizes = newSpaces(12);
  t.ok(sizes.worker > 4 && sizes.worker <= 12, `worker new space ${sizes.worker} MB with a 12 MB young generation`);
});
