/**
 * Prints a bench result file as Markdown (the summary table with ratios, then the notes),
 * for pasting into RESULTS.md or a pull request:
 *   node dist/bench/tools/results-md.js bench/results/latest.json
 */
import { readFileSync } from 'node:fs';
import { EXTRA_SCENARIOS, SCENARIOS } from '../scenarios/index.js';
import { formatRatio, formatValue, summaryRows, targetsOf, TARGET_LABEL, type BenchResult } from '../report/summary.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: node dist/bench/tools/results-md.js <result.json>');
  process.exit(2);
}
const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
const targets = targetsOf(result);
const ratios = targets.filter((t) => t === 'uws' || t === 'ws');
const m = result.meta;
console.log(`${m.date} · ${m.cpus}, ${m.memoryGb} GiB · Node ${m.node} · commit ${m.commit}`);
console.log(`\`${m.command}\` · other processes before start: ${m.backgroundCpuPct ?? '?'}% of a core\n`);
console.log(`| scenario | metric | ${targets.map((t) => TARGET_LABEL[t]).join(' | ')} | ${ratios.map((t) => `÷ ${t}`).join(' | ')} |`);
console.log(`|---|---|${targets.map(() => '--:').join('|')}|${ratios.map(() => '--:').join('|')}|`);
for (const r of summaryRows(result, [...SCENARIOS, ...EXTRA_SCENARIOS])) {
  const label = `${r.metric.label}${r.metric.unit ? ` (${r.metric.unit})` : ''} ${r.metric.better === 'higher' ? '↑' : '↓'}`;
  console.log(`| ${r.scenario} | ${label} | ${targets.map((t) => formatValue(r.values[t])).join(' | ')} | ${ratios.map((t) => formatRatio(r.ratios[t])).join(' | ')} |`);
}
console.log('');
for (const run of result.runs) {
  const notes = [...(run.error ? [`error: ${run.error.split('\n')[0]}`] : []), ...run.notes];
  const other = run.sim.otherCpuPct;
  if (notes.length === 0 && other === undefined) continue;
  console.log(`- ${run.scenario} / ${TARGET_LABEL[run.target]} (other CPU ${other ?? '?'}%): ${notes.filter((n) => !n.startsWith('other processes')).join('; ') || '—'}`);
}
// The cluster scenario measures many things besides its key metrics: list them all.
for (const run of result.runs.filter((r) => r.scenario === 'cluster')) {
  console.log(`\n| cluster metric | value |\n|---|--:|`);
  for (const [k, v] of Object.entries(run.metrics)) console.log(`| ${k} | ${formatValue(v)} |`);
}
