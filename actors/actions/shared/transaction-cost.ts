import { costSummary, costUntil, tariffPersonalMessage, transactionCost, type CostTariffSource, type TariffRecord, type TransactionCost } from '../../../core/tariff-assignment.js';
import type { TransactionOutcome, TransactionWriteOptions } from '../../../core/ports/store/transaction-store.js';
import type { TransactionRecord } from '../../../core/transaction-types.js';
import type { HandlerContext } from '../../handler-context.js';
import { MAX_COST_METER_VALUES } from '../../../core/transaction-costing.js';
import { costPersonalMessage, type StationReportedCost } from '../../../core/tariff-ocpp21.js';
import { toMicros } from '../../../core/tariff.js';

export type CostContext = Pick<HandlerContext, 'session' | 'store' | 'events' | 'clock'> & Partial<Pick<HandlerContext, 'log'>>;


/**
 * The tariff of a transaction: the one pinned at its first costing (later edits or assignments
 * do not reprice a running session); else the tariff a 2.1 station reported it uses
 * (transactionInfo.tariffId), when it is one of the tenant's; else the one that applies now to its
 * station, EVSE and the group of its id token (core/tariff-assignment.ts, resolution order).
 */
async function tariffOf(ctx: CostContext, record: TransactionRecord, pinned: TransactionCost | undefined): Promise<{ tariff: TariffRecord; assignedBy: CostTariffSource } | undefined> {
  if (pinned) return { tariff: pinned.tariff, assignedBy: pinned.assignedBy };
  const { tenantId, stationId, version } = ctx.session;
  const reported = record.tariffId ? await ctx.store.tariffs.getTariff(tenantId, record.tariffId) : undefined;
  if (reported) return { tariff: reported, assignedBy: 'transaction' };
  const token = record.idToken ? await ctx.store.tokens.matchIdToken(tenantId, record.idToken.idToken, version === 'ocpp1.6' ? undefined : record.idToken.type) : undefined;
  return ctx.store.tariffs.resolveTariff(tenantId, { stationId, evseId: record.evseId, tokenGroupId: token?.groupId ?? null });
}

/**
 * What a transaction message's write is asked to do besides: price the transaction up to `at` in
 * the same write, so its cost commits with it (core/transaction-costing.ts); one commit, and a
 * tenant without tariff assignments costs one in-write read.
 */
export function costInWrite(ctx: Pick<CostContext, 'clock'>, at: string, stationReported?: StationReportedCost): TransactionWriteOptions {
  return { cost: { at, computedAt: ctx.clock().toISOString(), ...(stationReported ? { stationReported } : {}) } };
}

/**
 * The cost step of a transaction message (called after the store applied it). When the store
 * priced it inside that write (`outcome.costed`, see `costInWrite`), that cost is used; else
 * (an adapter that does not, or pricing failed there) it prices the transaction from its stored
 * meter values up to `at` (its end, once ended: the final cost) and keeps the cost in a write of
 * its own. The caller's events carry it (`transactionEvents`: `cost.updated` for a running one,
 * the final one in `transaction.ended`); a final one is logged here. A redelivered message
 * re-reads the stored cost. No tariff: undefined. Never fails the message: a cost that cannot be
 * computed is logged and left out.
 */
export async function costStep(ctx: CostContext, outcome: TransactionOutcome, at: string, stationReported?: StationReportedCost): Promise<TransactionCost | undefined> {
  if (outcome.costed) return outcome.duplicate ? outcome.cost : announced(ctx, outcome.cost);
  const record = outcome.transaction;
  const { tenantId, stationId } = ctx.session;
  try {
    const pinned = await ctx.store.tariffs.getCost(tenantId, stationId, record.id);
    if (outcome.duplicate) return pinned;
    const found = await tariffOf(ctx, record, pinned);
    if (!found) return undefined;
    const meterValues = await ctx.store.transactions.listMeterValues(tenantId, stationId, record.id, MAX_COST_METER_VALUES);
    const computed = transactionCost(found.tariff, found.assignedBy, record, meterValues, costUntil(record, at), ctx.clock().toISOString());
    const reported = stationReported ?? pinned?.stationReported;
    const cost = reported ? { ...computed, stationReported: reported } : computed;
    await ctx.store.tariffs.putCost(cost);
    return announced(ctx, cost);
  } catch (error) {
    ctx.log?.info({ tenantId, stationId, transactionId: record.id, err: String(error) }, 'transaction cost not computed');
    return undefined;
  }
}

/** A cost just kept: an operator's log line for the final one (the events carry it, see `transactionEvents`). */
function announced(ctx: CostContext, cost: TransactionCost | undefined): TransactionCost | undefined {
  if (!cost) return undefined;
  const { tenantId, stationId } = ctx.session;
  if (cost.final) ctx.log?.info({ tenantId, stationId, transactionId: cost.transactionId, tariffId: cost.tariff.id, totalInclTax: cost.totalInclTax, currency: cost.cost.currency }, 'transaction cost final');
  return cost;
}

/** `cost.updated` payload: the transaction and its cost summary. */
export function costEventPayload(cost: TransactionCost): Record<string, unknown> {
  return { transactionId: cost.transactionId, cost: costSummary(cost) };
}

/** Extra fields of `transaction.ended` (the final cost), empty when no tariff applied. */
export function endedCostFields(cost: TransactionCost | undefined): Record<string, unknown> {
  return cost?.final ? { cost: costSummary(cost) } : {};
}

/** 2.x TransactionEventResponse.totalCost: the running or final cost incl. tax, in the tariff's currency. */
export function totalCostField(cost: TransactionCost | undefined): { totalCost?: number } {
  return cost ? { totalCost: Number(cost.totalInclTax) } : {};
}

/**
 * 2.1 TransactionEventResponse.updatedPersonalMessage: the running (Updated) or final (Ended) cost
 * for the driver, from the same cost record as totalCost. 2.0.1 has no such field.
 */
export function updatedPersonalMessageField(version: string, eventType: string, cost: TransactionCost | undefined): { updatedPersonalMessage?: Record<string, unknown> } {
  return version === 'ocpp2.1' && eventType !== 'Started' && cost ? { updatedPersonalMessage: costPersonalMessage(cost) } : {};
}

/** IdTokenInfo.personalMessage for the driver, from a tariff with a display text. */
export function personalMessageField(tariff: TariffRecord | undefined): { personalMessage?: Record<string, unknown> } {
  const message = tariffPersonalMessage(tariff);
  return message ? { personalMessage: message } : {};
}

/**
 * A 2.1 station that computes its own cost (costDetails) and the CSMS disagree on the total incl.
 * tax: one log line an operator can search for (the two are kept side by side either way).
 */
export function stationCostCompared(ctx: CostContext, cost: TransactionCost, station: StationReportedCost): void {
  if (station.failure !== undefined || station.totalInclTax === undefined) return;
  if (station.currency === cost.cost.currency && sameAmount(station.totalInclTax, cost.totalInclTax)) return;
  const { tenantId, stationId } = ctx.session;
  ctx.log?.info(
    { tenantId, stationId, transactionId: cost.transactionId, csmsTotalInclTax: cost.totalInclTax, stationTotalInclTax: station.totalInclTax, currency: cost.cost.currency, stationCurrency: station.currency },
    'station-reported cost differs from the CSMS cost',
  );
}

/** Two decimal strings name the same amount (exactly, in micro-units; unreadable ones never do). */
function sameAmount(a: string, b: string): boolean {
  try {
    return toMicros(a, 'amount') === toMicros(b, 'amount');
  } catch {
    return false;
  }
}
