import { costUntil, transactionCost } from '../../../core/tariff-assignment.js';
import type { CommandContext } from '../command-spec.js';

/** Meter values read to reprice one transaction. */
const MAX_METER_VALUES = 100_000;

/**
 * 2.1 SetDefaultTariff accepted: the station shows and computes with that tariff at the EVSE (0:
 * every EVSE), so the CSMS bills with it too: the station's (or EVSE's) assignment names it, when
 * it is one of the tenant's tariffs (a tariff sent raw through the generic endpoint is not ours to assign).
 */
export async function defaultTariffSet(ctx: CommandContext, evseId: number, tariffId: string): Promise<void> {
  if (!(await ctx.store.tariffs.getTariff(ctx.tenantId, tariffId))) return;
  const target = evseId > 0 ? { kind: 'evse' as const, stationId: ctx.stationId, evseId } : { kind: 'station' as const, stationId: ctx.stationId };
  await ctx.store.tariffs.putAssignment({ tenantId: ctx.tenantId, target, tariffId, updatedAt: ctx.clock().toISOString() });
}

/** 2.1 ClearTariffs: a tariff the station cleared at the EVSE (or station) is no longer assigned there. */
export async function tariffsCleared(ctx: CommandContext, evseId: number | undefined, tariffIds: string[]): Promise<void> {
  const cleared = new Set(tariffIds);
  const mine = (await ctx.store.tariffs.listAssignments(ctx.tenantId)).filter(
    (a) =>
      cleared.has(a.tariffId) &&
      ((a.target.kind === 'station' && a.target.stationId === ctx.stationId && !evseId) ||
        (a.target.kind === 'evse' && a.target.stationId === ctx.stationId && (evseId === undefined || evseId === 0 || a.target.evseId === evseId))),
  );
  for (const a of mine) await ctx.store.tariffs.deleteAssignment(ctx.tenantId, a.target);
}

/**
 * 2.1 ChangeTransactionTariff accepted: the transaction is priced under the new tariff from now on
 * (the whole transaction is repriced with it: the CSMS keeps one tariff per transaction), when it
 * is one of the tenant's tariffs.
 */
export async function transactionTariffChanged(ctx: CommandContext, transactionId: string, tariffId: string): Promise<void> {
  const [tariff, tx] = await Promise.all([
    ctx.store.tariffs.getTariff(ctx.tenantId, tariffId),
    ctx.store.transactions.getTransaction(ctx.tenantId, transactionId, ctx.stationId),
  ]);
  if (!tariff || !tx) return;
  const meterValues = await ctx.store.transactions.listMeterValues(ctx.tenantId, ctx.stationId, tx.id, MAX_METER_VALUES);
  const now = ctx.clock().toISOString();
  await ctx.store.tariffs.putCost(transactionCost(tariff, 'transaction', tx, meterValues, costUntil(tx, now), now));
}
