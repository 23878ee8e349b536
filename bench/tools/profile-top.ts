/**
 * Summarises V8 .cpuprofile files (from `npm run bench -- … --cpu-prof`): the functions
 * with the most self time, per file and merged. `--skip S` ignores the first S seconds of
 * each profile (the server's start-up: schema compilation, migrations). Usage:
 *   node dist/bench/tools/profile-top.js <file.cpuprofile>… [--top N] [--skip S]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
const skipAt = args.indexOf('--skip');
const skipUs = skipAt >= 0 ? Number(args[skipAt + 1]) * 1e6 : 0;
const files = args.filter((a) => a.endsWith('.cpuprofile'));
if (files.length === 0) {
  console.error('usage: node dist/bench/tools/profile-top.js <file.cpuprofile>… [--top N] [--skip S]');
  process.exit(2);
}

const merged = new Map<string, number>();
let mergedTotal = 0;

function label(n: Node): string {
  const f = n.callFrame;
  const where = f.url ? `${f.url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
}

for (const file of files) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  let at = 0;
  // Self time of a node = sum of the time deltas of the samples taken in it.
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    at += dt;
    if (at < skipUs) return;
    const node = byId.get(id);
    if (!node) return;
    const key = label(node);
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  const idle = self.get('(idle)') ?? 0;
  console.log(`\n${basename(file)}: ${(total / 1e6).toFixed(1)} s sampled, ${(((total - idle) / Math.max(1, total)) * 100).toFixed(0)}% busy`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
  for (const [k, v] of self) merged.set(k, (merged.get(k) ?? 0) + v);
  mergedTotal += total;
}
if (files.length > 1) {
  console.log(`\nall files (${(mergedTotal / 1e6).toFixed(1)} s):`);
  for (const [k, v] of [...merged].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${((v / mergedTotal) * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
}
