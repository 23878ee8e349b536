/**
 * Entry point: `npm run bench -- <scenario|all> [options]` (node dist/bench/cli.js).
 * For each scenario it runs the primary target (Switchyard, started here, or an
 * external --target) and then each baseline, back to back, so ratios come from one run.
 * Writes bench/results/<stamp>.json and .html and prints a summary table.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseCli, USAGE, type CliOptions } from './cli-args.js';
import { SCENARIOS, findScenario } from './scenarios/index.js';
import { runScenario, type RunResult } from './orchestrator/runner.js';
import type { Params } from './orchestrator/context.js';
import type { TargetKind } from './orchestrator/server-process.js';
import type { Scenario } from './scenarios/scenario.js';
import { probeFdLimit } from './lib/fd-limit.js';
import { machine } from './lib/machine.js';
import { backgroundCpuPct } from './lib/background.js';
import { resultsDir, switchyardMain } from './lib/paths.js';
import { summaryTable } from './report/table.js';
import { writeResult } from './report/write.js';
import { formatValue, TARGET_LABEL, type BenchResult } from './report/summary.js';

function paramsFor(sc: Scenario, o: CliOptions): Params {
  const base: Params = {
    profile: o.profile,
    stations: 1000,
    rate: 1000,
    duration: 10,
    ramp: 0,
    maxInflight: o.profile === 'full' ? 2000 : 1000,
    stallSeconds: o.profile === 'full' ? 15 : 8,
    register: false,
    mix: o.mix,
    nodes: 1,
    heartbeatSec: 300,
  };
  const p = { ...base, ...sc.defaults[o.profile] };
  if (o.stations !== undefined) p.stations = o.stations;
  if (o.rate !== undefined) p.rate = o.rate;
  if (o.duration !== undefined) p.duration = o.duration;
  if (o.ramp !== undefined) p.ramp = o.ramp;
  if (o.register !== undefined) p.register = o.register;
  if (o.nodes !== undefined) p.nodes = o.nodes;
  if (o.heartbeat !== undefined) p.heartbeatSec = o.heartbeat;
  return p;
}

function oneLine(r: RunResult, sc: Scenario): string {
  const head = `  ${TARGET_LABEL[r.target].padEnd(12)} ${r.seconds.toFixed(0).padStart(4)} s`;
  if (r.error && Object.keys(r.metrics).length === 0) return `${head}  ERROR ${r.error.split('\n')[0]}`;
  const vals = sc.keyMetrics.map((k) => `${k.label} ${formatValue(r.metrics[k.key])}${k.unit ? ` ${k.unit}` : ''}`).join(', ');
  return `${head}  ${vals}${r.error ? `  (error: ${r.error.split('\n')[0]})` : ''}`;
}

async function main(): Promise<void> {
  let o: CliOptions | 'help';
  try {
    o = parseCli(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (o === 'help') return console.log(USAGE);
  const scenarios = o.scenarios.includes('all') ? SCENARIOS : o.scenarios.map((n) => findScenario(n) ?? fail(`unknown scenario "${n}"`));
  const targets: TargetKind[] = [...(o.primary ? [o.primary] : []), ...o.baselines];
  const fd = probeFdLimit();
  const m = machine();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const background = await backgroundCpuPct();
  const result: BenchResult = {
    meta: {
      date: new Date().toISOString(),
      ...m,
      command: `npm run bench -- ${o.argv.join(' ')}`.trim(),
      profile: o.profile,
      fdLimit: fd.message,
      backgroundCpuPct: background ?? null,
      targets,
    },
    runs: [],
  };
  const outDir = o.out ?? resultsDir;
  console.log(`Switchyard bench — ${m.cpus}, ${m.memoryGb} GiB, Node ${m.node}, profile ${o.profile}`);
  console.log(`open files: ${fd.message}`);
  if (background !== undefined && background > 20) {
    console.log(`warning: other processes use ${background}% of a core right now (load ${os.loadavg()[0].toFixed(1)}); absolute numbers will be noisy, ratios less so`);
  }
  if (o.primary === 'switchyard' && !existsSync(switchyardMain)) console.log(`note: ${switchyardMain} is missing; Switchyard runs will fail (build with: npx tsc -p tsconfig.json)`);
  let subnet = 1;
  for (const sc of scenarios) {
    const params = paramsFor(sc, o);
    console.log(`\n▶ ${sc.name}: ${sc.title} — ${params.stations} stations${['steady', 'transactions', 'commands', 'max-throughput'].includes(sc.name) ? `, rate ${params.rate}/s` : ''}, ${params.duration} s`);
    // A cluster is Switchyard's: the baselines have no cluster mode to compare with.
    const scTargets = sc.cluster || sc.switchyardOnly ? targets.filter((t) => t === 'switchyard') : targets;
    if (scTargets.length === 0) console.log(`  (skipped: the ${sc.name} scenario runs against Switchyard only; not with --no-switchyard)`);
    if ((sc.cluster || sc.switchyardOnly) && targets.length > scTargets.length) console.log(`  (baselines skipped: they have no ${sc.cluster ? 'cluster mode' : 'load management'})`);
    for (const target of scTargets) {
      const r = await runScenario(sc, target, params, {
        perChild: o.perChild,
        minChildren: o.children,
        subnet: subnet++ % 250,
        server: {
          workers: o.workers,
          externalOcppUrl: o.target,
          externalApiUrl: o.api,
          externalPid: o.targetPid,
          externalApiKey: o.apiKey,
          cpuProfileDir: o.cpuProf ? join(outDir, 'profiles', stamp, `${sc.name}-${target}`) : undefined,
        },
      });
      console.log(oneLine(r, sc));
      for (const n of r.notes.slice(0, 4)) console.log(`      · ${n.split('\n')[0].slice(0, 200)}`);
      result.runs.push(r);
      writeResult(outDir, `bench-${stamp}`, result, scenarios, false); // keep partial results
    }
  }
  const files = writeResult(outDir, `bench-${stamp}`, result, scenarios);
  console.log(`\n${summaryTable(result, scenarios)}\n`);
  console.log(`results: ${files.json}\nreport:  ${files.html}`);
}

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
