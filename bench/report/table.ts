/** The terminal summary: one line per key metric, values per target and ratios. */
import type { Scenario } from '../scenarios/scenario.js';
import { formatRatio, formatValue, summaryRows, targetsOf, TARGET_LABEL, type BenchResult } from './summary.js';

export function summaryTable(result: BenchResult, scenarios: Scenario[]): string {
  const targets = targetsOf(result);
  const hasPrimary = targets.includes('switchyard') || targets.includes('external');
  const ratioCols = hasPrimary ? targets.filter((t) => t === 'uws' || t === 'ws') : [];
  const header = ['scenario', 'metric', ...targets.map((t) => TARGET_LABEL[t]), ...ratioCols.map((t) => `÷ ${t}`)];
  const rows = summaryRows(result, scenarios).map((r) => [
    r.scenario,
    `${r.metric.label}${r.metric.unit ? ` (${r.metric.unit})` : ''} ${r.metric.better === 'higher' ? '↑' : '↓'}`,
    ...targets.map((t) => formatValue(r.values[t])),
    ...ratioCols.map((t) => formatRatio(r.ratios[t])),
  ]);
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => [...row[i]].length)));
  const line = (row: string[]) => row.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
  out.push('', '↑ higher is better, ↓ lower is better; ÷ columns: primary target ÷ baseline, measured in this same run.');
  return out.join('\n');
}
