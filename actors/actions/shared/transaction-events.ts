import type { TransactionOutcome } from '../../../core/ports/store/transaction-store.js';
import type { MeterSample } from '../../../core/transaction-types.js';
import type { HandlerContext } from '../../handler-context.js';
import { transactionSummary } from '../../../core/transaction-summary.js';

export { transactionSummary };

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
  // Ghosts this Started closed end first, like any other end, flagged (via the outbox with NATS).
  for (const ghost of outcome.closed ?? []) {
    ctx.events.emit('transaction.ended', ctx.session, {
      ...transactionSummary(ghost),
      closedBy: 'superseded-by-new-transaction',
      supersededBy: outcome.transaction.id,
      outOfOrder: false,
    });
  }
  ctx.events.emit(TYPE[eventType], ctx.session, { ...transactionSummary(outcome.transaction), ...extra, outOfOrder: outcome.outOfOrder });
  if (samples.length > 0) {
    ctx.events.emit('meter.values', ctx.session, {
      transactionId: outcome.transaction.id,
      evseId: outcome.transaction.evseId,
      meterValue: samples,
    });
  }
}
