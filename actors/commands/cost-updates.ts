import { busEvent, type BusEvent } from '../../core/envelope.js';
import type { Store } from '../../core/ports/store/store.js';
import { costUntil, transactionCost, type TransactionCost } from '../../core/tariff-assignment.js';
import { costEventPayload } from '../actions/shared/transaction-cost.js';
import { costUpdated } from './cost-updated.js';
import type { StationCommands } from './station-commands.js';
import { startPeriodicSweep } from './periodic-sweep.js';

export interface CostUpdateDeps {
  store: Pick<Store, 'tariffs' | 'transactions'>;
  commands: Pick<StationCommands, 'run'>;
  /** This node holds the station's connection: only that node sends it CostUpdated. */
  holds(stationId: string): boolean;
  publish(event: BusEvent): void;
  clock?: () => Date;
  log?: { info(fields: Record<string, unknown>, message: string): void; warn(fields: Record<string, unknown>, message: string): void };
}

/** Running costs read per store query; a backlog drains over consecutive pages of one sweep. */
const BATCH = 200;
const MAX_METER_VALUES = 100_000;

export interface CostSweepResult {
  /** Running costs recomputed (stations held here). */
  updated: number;
  /** CostUpdated calls the station answered. */
  sent: number;
  /** Costs made final for transactions that ended without a station message (the CSMS closed them). */
  finalized: number;
}

/**
 * Every `CSMS_COST_UPDATE_INTERVAL_SEC`: recomputes the running cost of each active transaction
 * with a tariff whose station this node holds, keeps it, publishes `cost.updated` and sends a 2.x
 * station CostUpdated (1.6 has no such message: its cost is only kept and published). A running
 * cost whose transaction has ended without a station message (closed by the CSMS as a ghost or
 * after a timeout) is made final here, wherever the station is.
 */
export async function sweepCosts(deps: CostUpdateDeps): Promise<CostSweepResult> {
  const clock = deps.clock ?? (() => new Date());
  const result: CostSweepResult = { updated: 0, sent: 0, finalized: 0 };
  let after: TransactionCost | undefined;
  for (;;) {
    const page = await deps.store.tariffs.listRunningCosts(BATCH, after && { stationId: after.stationId, transactionId: after.transactionId });
    for (const running of page) {
      await costOne(deps, running, clock(), result).catch((error: unknown) =>
        deps.log?.warn({ tenantId: running.tenantId, stationId: running.stationId, transactionId: running.transactionId, err: String(error) }, 'running cost not updated'),
      );
    }
    if (page.length < BATCH) return result;
    after = page[page.length - 1];
  }
}

async function costOne(deps: CostUpdateDeps, running: TransactionCost, now: Date, result: CostSweepResult): Promise<void> {
  const { tenantId, stationId, transactionId } = running;
  const held = deps.holds(stationId);
  const tx = await deps.store.transactions.getTransaction(tenantId, transactionId, stationId);
  if (!tx || (tx.isActive && !held)) return;
  const meterValues = await deps.store.transactions.listMeterValues(tenantId, stationId, transactionId, MAX_METER_VALUES);
  const nowIso = now.toISOString();
  const computed = transactionCost(running.tariff, running.assignedBy, tx, meterValues, costUntil(tx, nowIso), nowIso);
  // A 2.1 station's own cost stays beside the recomputed one.
  const cost = running.stationReported ? { ...computed, stationReported: running.stationReported } : computed;
  // False: the station's own end was costed meanwhile (its final cost stays).
  if (!(await deps.store.tariffs.putCost(cost))) return;
  deps.publish(busEvent('cost.updated', tenantId, stationId, costEventPayload(cost), now));
  if (cost.final) {
    result.finalized++;
    deps.log?.info({ tenantId, stationId, transactionId, totalInclTax: cost.totalInclTax, currency: cost.cost.currency, flags: tx.flags }, 'transaction cost final (closed by the CSMS)');
    return;
  }
  result.updated++;
  if (tx.protocol === 'ocpp1.6') return;
  const { reply } = await deps.commands.run(tenantId, stationId, costUpdated, { transactionId, totalCost: cost.totalInclTax });
  if (reply.status === 'result') result.sent++;
  else deps.log?.warn({ tenantId, stationId, transactionId, reply }, 'CostUpdated not taken');
}

/** Runs `sweepCosts` every `everySec` seconds (never two at once); stop() waits for a running one. */
export function startCostUpdates(deps: CostUpdateDeps, everySec: number): { stop(): Promise<void> } {
  return startPeriodicSweep(() => sweepCosts(deps), everySec * 1000, (error) => deps.log?.warn({ err: String(error) }, 'cost update sweep failed; retried next time'));
}
