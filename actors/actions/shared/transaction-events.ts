import type { TransactionOutcome } from '../../../core/ports/store/transaction-store.js';
import type { MeterSample, TransactionRecord } from '../../../core/transaction-types.js';
import type { HandlerContext } from '../../handler-context.js';

/** What bus subscribers get about a transaction: the record minus storage bookkeeping. */
export function transactionSummary(r: TransactionRecord): Record<string, unknown> {
  return {
    transactionId: r.id,
    ocppTransactionId: r.ocppTransactionId,
    evseId: r.evseId,
    connectorId: r.connectorId,
    idToken: r.idToken,
    isActive: r.isActive,
    chargingState: r.chargingState,
    totalKwh: r.totalKwh,
    timeSpentChargingSec: r.timeSpentChargingSec,
    stoppedReason: r.stoppedReason,
    remoteStartId: r.remoteStartId,
    reservationId: r.reservationId,
    triggerReason: r.triggerReason,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    flags: r.flags,
  };
}

const TYPE = { Started: 'transaction.started', Updated: 'transaction.updated', Ended: 'transaction.ended' } as const;

/**
 * Publishes what a stored transaction message changed. A redelivered message changed nothing,
 * so it publishes nothing: subscribers see each fact once.
 */
export function emitTransaction(
  ctx: Pick<HandlerContext, 'session' | 'events'>,
  eventType: keyof typeof TYPE,
  outcome: TransactionOutcome,
  samples: MeterSample[],
  extra: Record<string, unknown> = {},
): void {
  if (outcome.duplicate) return;
  ctx.events.emit(TYPE[eventType], ctx.session, { ...transactionSummary(outcome.transaction), ...extra, outOfOrder: outcome.outOfOrder });
  if (samples.length > 0) {
    ctx.events.emit('meter.values', ctx.session, {
      transactionId: outcome.transaction.id,
      evseId: outcome.transaction.evseId,
      meterValue: samples,
    });
  }
}
