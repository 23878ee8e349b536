/** Where things are, relative to this compiled module (dist/bench/lib/paths.js). */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const benchDist = resolve(here, '..');
export const repoRoot = resolve(benchDist, '../..');
export const switchyardMain = resolve(repoRoot, 'dist/workers/main.js');
/**
 * The node flags `npm start` runs Switchyard with (package.json, Dockerfile and the systemd unit
 * use the same; test/deploy/deploy-files.test.ts checks they agree), so the bench measures what
 * users run. A 2 MB semi-space keeps the main thread's young generation from growing to 32 MB on
 * start-up (idle RSS −21 MB); the main thread serves the API, not the OCPP hot path (the worker
 * threads reset it: workers/hot-path-heap.ts). BENCH_NODE_FLAGS replaces them for an experiment
 * (space-separated; empty: none).
 */
export const switchyardNodeFlags = process.env.BENCH_NODE_FLAGS !== undefined
  ? process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean)
  : ['--max-semi-space-size=2'];
export const resultsDir = resolve(repoRoot, 'bench/results');
export const simChild = resolve(benchDist, 'sim/child.js');
export const uwsBaseline = resolve(benchDist, 'baselines/uws-server.js');
export const wsBaseline = resolve(benchDist, 'baselines/ws-server.js');
