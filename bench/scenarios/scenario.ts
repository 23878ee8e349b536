/** The shape of a bench scenario. Scenarios measure and report; they never assert. */
import type { Params, RunContext } from '../orchestrator/context.js';

export interface KeyMetric {
  key: string;
  label: string;
  unit: string;
  /** Which direction is better, so ratios to the baselines read the right way. */
  better: 'higher' | 'lower';
}

export interface Scenario {
  name: string;
  title: string;
  /** Per-profile defaults; CLI flags override them. */
  defaults: Record<'quick' | 'full', Partial<Params>>;
  keyMetrics: KeyMetric[];
  /** Stations reconnect after a failure or an unexpected close (real stations do). */
  reconnect: boolean;
  /** Idle booted stations heartbeat at the interval the CSMS gave them. */
  heartbeats?: boolean;
  /** Runs against a cluster of Switchyard nodes (orchestrator/cluster.ts), not one server. */
  cluster?: boolean;
  /** Measures something only Switchyard has (load management): baselines are skipped. */
  switchyardOnly?: boolean;
  /** Simulator processes to use at least: one process tops out near 55k msg/s. */
  minChildren?: number;
  /** Upper bound of the scenario's own run time, for the runner's hard stop. */
  budgetSec(p: Params): number;
  run(ctx: RunContext): Promise<void>;
}
