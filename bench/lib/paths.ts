/** Where things are, relative to this compiled module (dist/bench/lib/paths.js). */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const benchDist = resolve(here, '..');
export const repoRoot = resolve(benchDist, '../..');
export const switchyardMain = resolve(repoRoot, 'dist/workers/main.js');
export const resultsDir = resolve(repoRoot, 'bench/results');
export const simChild = resolve(benchDist, 'sim/child.js');
export const uwsBaseline = resolve(benchDist, 'baselines/uws-server.js');
export const wsBaseline = resolve(benchDist, 'baselines/ws-server.js');
