/**
 * Turns run results into comparison rows: for each scenario's key metrics, the value on
 * each target and Switchyard's ratio to each baseline. Ratios are what to compare
 * between machines; absolute numbers are noisy on a shared 2-core box.
 */
import type { RunResult } from '../orchestrator/runner.js';
import type { Scenario, KeyMetric } from '../scenarios/scenario.js';
import type { TargetKind } from '../orchestrator/server-process.js';

export interface BenchMeta {
  date: string;
  host: string;
  cpus: string;
  memoryGb: number;
  node: string;
  os: string;
  commit: string;
  command: string;
  profile: string;
  fdLimit: string;
  /** % of one core other processes used just before the run. */
  backgroundCpuPct: number | null;
  targets: TargetKind[];
}

export interface BenchResult {
  meta: BenchMeta;
  runs: RunResult[];
}

export interface SummaryRow {
  scenario: string;
  metric: KeyMetric;
  values: Partial<Record<TargetKind, number | string | null>>;
  /** primary ÷ baseline, for numeric values on both sides. */
  ratios: Partial<Record<TargetKind, number | null>>;
}

export const PRIMARY: TargetKind[] = ['switchyard', 'external'];
export const TARGET_LABEL: Record<TargetKind, string> = { switchyard: 'Switchyard', external: 'target', uws: 'uWS baseline', ws: 'ws baseline' };

export function summaryRows(result: BenchResult, scenarios: Scenario[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const sc of scenarios) {
    const runs = result.runs.filter((r) => r.scenario === sc.name);
    if (runs.length === 0) continue;
    for (const metric of sc.keyMetrics) {
      const values: SummaryRow['values'] = {};
      for (const r of runs) values[r.target] = r.error && r.metrics[metric.key] === undefined ? 'error' : (r.metrics[metric.key] ?? null);
      const primary = PRIMARY.map((k) => values[k]).find((v) => v !== undefined);
      const ratios: SummaryRow['ratios'] = {};
      for (const b of ['uws', 'ws'] as TargetKind[]) {
        const base = values[b];
        if (base === undefined) continue;
        ratios[b] = typeof primary === 'number' && typeof base === 'number' && base !== 0 ? primary / base : null;
      }
      rows.push({ scenario: sc.name, metric, values, ratios });
    }
  }
  return rows;
}

export function formatValue(v: number | string | null | undefined): string {
  if (v === undefined) return '—';
  if (v === null) return 'n/a';
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return Math.abs(v) >= 1000 ? v.toLocaleString('en-US') : String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function formatRatio(r: number | null | undefined): string {
  if (r === undefined) return '—';
  if (r === null) return 'n/a';
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
}

export function targetsOf(result: BenchResult): TargetKind[] {
  const order: TargetKind[] = ['switchyard', 'external', 'uws', 'ws'];
  return order.filter((t) => result.runs.some((r) => r.target === t));
}
