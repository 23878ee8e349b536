import { idTokenInfo2 } from '../../../core/authorization.js';
import { transactionEventFrom2, type TransactionEventRequest } from '../../../core/transaction-mapping-2.js';
import { authorizeToken, type AuthorizeContext } from '../shared/authorize-token.js';
import { emitTransaction } from '../shared/transaction-events.js';

/**
 * Started/Updated/Ended, in any order and any number of times: the store keeps every event once
 * (by seqNo) and folds them in seqNo order. idTokenInfo is answered whenever an idToken is sent.
 */
export async function transactionEvent(ctx: AuthorizeContext, req: TransactionEventRequest) {
  const event = transactionEventFrom2(ctx.session.version, req);
  const outcome = await ctx.store.transactions.applyTransactionEvent(ctx.session.tenantId, ctx.session.stationId, event);
  emitTransaction(ctx, req.eventType, outcome, event.meterValues, {
    seqNo: req.seqNo,
    triggerReason: req.triggerReason,
    offline: req.offline ?? false,
  });
  if (!event.idToken) return {};
  const decision = await authorizeToken(ctx, event.idToken, 'TransactionEvent', {
    remoteStart: outcome.remoteStart,
    starting: req.eventType !== 'Ended',
  });
  return { idTokenInfo: idTokenInfo2(decision) };
}
