// Hand-run measurement (not a test): memory and time for one thread to load the validators of all
// three OCPP versions, precompiled (the build's generated modules) vs compiled by ajv at run time.
// Usage: npm run build && node --expose-gc scripts/measure-validators.mjs [runs]
// Each sample runs in a fresh worker thread of a fresh process, so nothing is shared or cached.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const mode = process.argv[2];

if (mode === 'precompiled' || mode === 'runtime' || mode === 'baseline') {
  const { Worker } = await import('node:worker_threads');
  const schemasUrl = new URL('../dist/core/schemas.js', import.meta.url).href;
  const code = `
    const { parentPort } = require('node:worker_threads');
    const collect = globalThis.gc ?? (() => {});
    (async () => {
      const mod = await import(${JSON.stringify(schemasUrl)});
      collect(); collect();
      const before = process.memoryUsage();
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const versions = ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'];
      let loaded = [];
      if (${JSON.stringify(mode)} === 'precompiled') loaded = versions.map((v) => mod.loadPrecompiledVersionSchemas(v));
      if (${JSON.stringify(mode)} === 'runtime') loaded = versions.map((v) => mod.compileVersionSchemasAtRuntime(v));
      if (loaded.some((s) => !s)) throw new Error('precompiled validators missing: run npm run build first');
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      collect(); collect();
      const after = process.memoryUsage();
      parentPort.postMessage({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rss: after.rss - before.rss,
        heap: after.heapUsed - before.heapUsed, rssTotal: after.rss, actions: loaded.reduce((n, s) => n + s.actions.size, 0) });
    })();`;
  const worker = new Worker(code, { eval: true });
  worker.once('message', (m) => { console.log(JSON.stringify(m)); worker.terminate(); });
  worker.once('error', (e) => { console.error(e); process.exit(1); });
} else {
  const runs = Number(process.argv[2] ?? 3);
  const mb = (b) => (b / 1024 / 1024).toFixed(1);
  for (const m of ['baseline', 'precompiled', 'runtime']) {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      samples.push(JSON.parse(execFileSync(process.execPath, ['--expose-gc', self, m], { encoding: 'utf8' })));
    }
    const med = (k) => samples.map((s) => s[k]).sort((a, b) => a - b)[Math.floor(samples.length / 2)];
    console.log(`${m.padEnd(11)} load ${med('ms').toFixed(0).padStart(5)} ms (cpu ${med('cpuMs').toFixed(0)} ms)  ` +
      `RSS +${mb(med('rss'))} MB  heap +${mb(med('heap'))} MB  process RSS ${mb(med('rssTotal'))} MB  actions ${samples[0].actions}  (median of ${runs})`);
  }
}
