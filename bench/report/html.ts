/**
 * The self-contained HTML report: summary with ratios, then per scenario the charts
 * (all targets overlaid, so differences are visible at a glance), every metric per
 * target, notes and errors. No scripts, no external assets.
 */
import type { RunResult } from '../orchestrator/runner.js';
import type { TimelinePoint } from '../orchestrator/sampler.js';
import type { TargetKind } from '../orchestrator/server-process.js';
import type { Scenario } from '../scenarios/scenario.js';
import { lineChart, type Series } from './svg-chart.js';
import { formatRatio, formatValue, summaryRows, targetsOf, TARGET_LABEL, type BenchResult } from './summary.js';

const COLORS: Record<TargetKind, string> = { switchyard: '#1f6feb', external: '#1f6feb', uws: '#2da44e', ws: '#cf222e' };
const esc = (s: unknown) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const CHARTS: Array<{ title: string; unit: string; pick: (p: TimelinePoint) => number | undefined }> = [
  { title: 'Latency p99', unit: 'ms', pick: (p) => (p.answeredPerSec > 0 ? p.p99 : undefined) },
  { title: 'Latency p50', unit: 'ms', pick: (p) => (p.answeredPerSec > 0 ? p.p50 : undefined) },
  { title: 'Answered calls', unit: 'msg/s', pick: (p) => p.answeredPerSec },
  { title: 'Booted stations', unit: '', pick: (p) => p.booted },
  { title: 'Server memory (RSS)', unit: 'MB', pick: (p) => p.serverRssMb },
  { title: 'Server CPU', unit: '% of one core', pick: (p) => p.serverCpuPct },
  { title: 'Simulator CPU', unit: '% of one core', pick: (p) => p.simCpuPct },
  { title: 'Other processes CPU', unit: '% of one core', pick: (p) => p.otherCpuPct },
  { title: 'Failures', unit: '/s', pick: (p) => p.errorsPerSec },
];

function charts(runs: RunResult[]): string {
  return CHARTS.map((c) => {
    const series: Series[] = runs.map((r) => ({
      name: TARGET_LABEL[r.target],
      color: COLORS[r.target],
      points: r.timeline.flatMap((p) => {
        const y = c.pick(p);
        return y === undefined ? [] : [[p.t, y] as [number, number]];
      }),
    }));
    return `<figure>${lineChart({ title: c.title, unit: c.unit, series })}</figure>`;
  }).join('');
}

function metricsTable(runs: RunResult[]): string {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))];
  const head = `<tr><th>metric</th>${runs.map((r) => `<th>${esc(TARGET_LABEL[r.target])}</th>`).join('')}</tr>`;
  const rows = keys.map((k) => `<tr><td>${esc(k)}</td>${runs.map((r) => `<td class="v">${esc(formatValue(r.metrics[k]))}</td>`).join('')}</tr>`);
  const sim = `<tr><td>simulator (children / peak RSS MB / CPU s / max loop delay ms)</td>${runs
    .map((r) => `<td class="v">${r.sim.children} / ${r.sim.peakRssMb} / ${r.sim.cpuSeconds} / ${r.sim.maxLoopDelayMs}</td>`)
    .join('')}</tr>`;
  const srv = `<tr><td>server (fd limit / start s / stop s)</td>${runs
    .map((r) => `<td class="v">${r.server.fdLimit || '?'} / ${r.server.startSeconds} / ${r.server.stopSeconds ?? '?'}</td>`)
    .join('')}</tr>`;
  return `<table>${head}${rows.join('')}${sim}${srv}</table>`;
}

function stepsTable(r: RunResult): string {
  const steps = r.details.steps as Array<Record<string, unknown>> | undefined;
  if (!steps?.length) return '';
  const cols = Object.keys(steps[0]);
  return `<h4>${esc(TARGET_LABEL[r.target])}: load steps</h4><table><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>${steps
    .map((s) => `<tr>${cols.map((c) => `<td class="v">${esc(typeof s[c] === 'number' ? formatValue(s[c] as number) : s[c])}</td>`).join('')}</tr>`)
    .join('')}</table>`;
}

function notes(runs: RunResult[]): string {
  const items = runs.flatMap((r) => [
    ...(r.error ? [`<li class="err"><b>${esc(TARGET_LABEL[r.target])}</b>: ${esc(r.error)}${r.server.logTail ? `<pre>${esc(r.server.logTail)}</pre>` : ''}</li>`] : []),
    ...r.notes.map((n) => `<li><b>${esc(TARGET_LABEL[r.target])}</b>: ${esc(n)}</li>`),
  ]);
  return items.length ? `<ul>${items.join('')}</ul>` : '';
}

export function htmlReport(result: BenchResult, scenarios: Scenario[]): string {
  const m = result.meta;
  const targets = targetsOf(result);
  const ratioCols = targets.filter((t) => t === 'uws' || t === 'ws');
  const summary = summaryRows(result, scenarios)
    .map(
      (r) =>
        `<tr><td>${esc(r.scenario)}</td><td>${esc(r.metric.label)}${r.metric.unit ? ` (${esc(r.metric.unit)})` : ''} ${r.metric.better === 'higher' ? '↑' : '↓'}</td>${targets
          .map((t) => `<td class="v">${esc(formatValue(r.values[t]))}</td>`)
          .join('')}${ratioCols.map((t) => `<td class="v">${esc(formatRatio(r.ratios[t]))}</td>`).join('')}</tr>`,
    )
    .join('');
  const sections = scenarios
    .map((sc) => {
      const runs = result.runs.filter((r) => r.scenario === sc.name);
      if (runs.length === 0) return '';
      const p = runs[0].params;
      return `<section><h2>${esc(sc.name)} — ${esc(sc.title)}</h2>
<p class="params">stations ${p.stations}, rate ${p.rate}, duration ${p.duration} s, ramp ${p.ramp || 'max'}, register ${p.register}</p>
<div class="charts">${charts(runs)}</div><p class="params">x axis: seconds since the run started (server start-up excluded)</p>${metricsTable(runs)}${runs.map(stepsTable).join('')}${notes(runs)}</section>`;
    })
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Switchyard bench ${esc(m.date)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1500px}
table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
td.v{text-align:right;font-variant-numeric:tabular-nums}th{background:#f5f5f5}
.charts{display:flex;flex-wrap:wrap;gap:6px}figure{margin:0;border:1px solid #eee}
.err{color:#b00}pre{background:#f7f7f7;padding:6px;overflow:auto;max-height:200px;color:#333}
.meta td:first-child{color:#666}.params{color:#666}section{margin-top:28px}
</style></head><body>
<h1>Switchyard bench report</h1>
<table class="meta">${Object.entries(m)
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(Array.isArray(v) ? v.join(', ') : v)}</td></tr>`)
    .join('')}</table>
<h2>Summary</h2>
<table><tr><th>scenario</th><th>metric</th>${targets.map((t) => `<th>${esc(TARGET_LABEL[t])}</th>`).join('')}${ratioCols
    .map((t) => `<th>÷ ${esc(TARGET_LABEL[t])}</th>`)
    .join('')}</tr>${summary}</table>
<p>↑ higher is better, ↓ lower is better. Ratios are the primary target divided by each baseline, measured in this same run; they travel between machines better than absolute numbers.</p>
${sections}
</body></html>`;
}
