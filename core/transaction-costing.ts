/**
 * Pricing a transaction inside the write that stores its message, so the cost commits with the
 * transaction in one group commit (issue #13: no second commit for a priced transaction).
 *
 * The plan is written once, as a generator that yields the reads it needs and gets their answers
 * back; each adapter drives it from inside its own write (SQLite synchronously, PostgreSQL with
 * awaits in the batch's transaction). Pure: no clock, no I/O.
 *
 * Reads, in order, and when:
 *   1. `start`: the transaction's pinned cost, and whether the tenant has any tariff assignment
 *      (one statement). A tenant without assignments and an unpriced transaction stop here.
 *   2. `tariff`: the tariff a 2.1 station reported (transactionInfo.tariffId), when it has one.
 *   3. `tokenGroup` and `assignments`: the tariff that applies (resolution order of
 *      core/tariff-assignment.ts), then its `tariff` record.
 *   4. `meterValues`: the transaction's stored readings, only once a tariff is known.
 * A redelivered message (duplicate) reads the pinned cost and nothing else.
 */
import {
  costUntil,
  pickAssignment,
  transactionCost,
  type CostTariffSource,
  type TariffAssignment,
  type TariffRecord,
  type TariffScope,
  type TransactionCost,
} from './tariff-assignment.js';
import type { MeterValueRecord, TransactionRecord } from './transaction-types.js';
import type { StationReportedCost } from './tariff-ocpp21.js';

/** Meter values read to price one transaction (a sample a minute for ~70 days). */
export const MAX_COST_METER_VALUES = 100_000;

export type CostRead =
  | { read: 'start' }
  | { read: 'tariff'; id: string }
  | { read: 'tokenGroup'; idToken: string; type: string | undefined }
  | { read: 'assignments'; scope: TariffScope }
  | { read: 'meterValues'; limit: number };

/** The answer to each read. */
export interface CostAnswers {
  start: { pinned: TransactionCost | undefined; tenantPriced: boolean };
  tariff: TariffRecord | undefined;
  tokenGroup: string | null;
  assignments: TariffAssignment[];
  meterValues: MeterValueRecord[];
}

type Answer = CostAnswers[keyof CostAnswers];

/** What a priced write yields: the cost to keep (`write`) and the one to answer with. */
export interface CostOutcome {
  cost: TransactionCost | undefined;
  /** Store it beside the transaction (false: a duplicate, or no tariff). */
  write: boolean;
}

/**
 * The plan for one transaction message: `at` is the time the message is priced up to (its
 * timestamp; the transaction's end once it ended), `computedAt` the CSMS's clock.
 */
export function* costPlan(record: TransactionRecord, duplicate: boolean, at: string, computedAt: string, stationReported?: StationReportedCost): Generator<CostRead, CostOutcome, Answer> {
  const { pinned, tenantPriced } = (yield { read: 'start' }) as CostAnswers['start'];
  if (duplicate) return { cost: pinned, write: false };
  let found: { tariff: TariffRecord; assignedBy: CostTariffSource } | undefined = pinned ? { tariff: pinned.tariff, assignedBy: pinned.assignedBy } : undefined;
  if (!found && tenantPriced) {
    const reported = record.tariffId ? ((yield { read: 'tariff', id: record.tariffId }) as CostAnswers['tariff']) : undefined;
    if (reported) found = { tariff: reported, assignedBy: 'transaction' };
    else {
      const token = record.idToken;
      const group = token ? ((yield { read: 'tokenGroup', idToken: token.idToken, type: record.protocol === 'ocpp1.6' ? undefined : token.type }) as CostAnswers['tokenGroup']) : null;
      const scope: TariffScope = { stationId: record.stationId, evseId: record.evseId, tokenGroupId: group };
      const picked = pickAssignment((yield { read: 'assignments', scope }) as CostAnswers['assignments'], scope);
      const tariff = picked ? ((yield { read: 'tariff', id: picked.tariffId }) as CostAnswers['tariff']) : undefined;
      if (picked && tariff) found = { tariff, assignedBy: picked.target.kind };
    }
  }
  if (!found) return { cost: undefined, write: false };
  const meterValues = (yield { read: 'meterValues', limit: MAX_COST_METER_VALUES }) as CostAnswers['meterValues'];
  const cost = transactionCost(found.tariff, found.assignedBy, record, meterValues, costUntil(record, at), computedAt);
  // The station's own cost (2.1), as it last reported it.
  const reported = stationReported ?? pinned?.stationReported;
  return { cost: reported ? { ...cost, stationReported: reported } : cost, write: true };
}

/** Drives a plan with synchronous reads (SQLite, inside its write). */
export function runCostPlan(plan: Generator<CostRead, CostOutcome, Answer>, answer: (read: CostRead) => Answer): CostOutcome {
  let step = plan.next(undefined as unknown as Answer);
  while (!step.done) step = plan.next(answer(step.value));
  return step.value;
}

/** Drives a plan with asynchronous reads (PostgreSQL, inside the batch's transaction). */
export async function runCostPlanAsync(plan: Generator<CostRead, CostOutcome, Answer>, answer: (read: CostRead) => Promise<Answer>): Promise<CostOutcome> {
  let step = plan.next(undefined as unknown as Answer);
  while (!step.done) step = plan.next(await answer(step.value));
  return step.value;
}
