import { idTagInfo16 } from '../../../core/authorization.js';
import { idTokenFrom16, stopEvent16, type StopTransaction16 } from '../../../core/transaction-mapping-16.js';
import { authorizeToken, type AuthorizeContext } from '../shared/authorize-token.js';
import { transactionEvents, transactionPublication } from '../shared/transaction-events.js';
import { costInWrite, costStep } from '../shared/transaction-cost.js';
import type { HandlerContext } from '../../handler-context.js';

/**
 * Always answered with a CALLRESULT: an unknown transactionId is stored and flagged, not refused.
 * The cost step prices it under its tariff: the final cost goes into transaction.ended.
 */
export async function stopTransaction(ctx: AuthorizeContext & Partial<Pick<HandlerContext, 'outbox'>>, req: StopTransaction16) {
  const event = stopEvent16(req);
  const events = transactionPublication(ctx, (outcome, cost) => transactionEvents('Ended', outcome, cost, event.meterValues));
  const outcome = await ctx.store.transactions.applyTransactionEvent(ctx.session.tenantId, ctx.session.stationId, event, {
    ...costInWrite(ctx, event.timestamp),
    ...events.inWrite(),
  });
  events.afterWrite(outcome, await costStep(ctx, outcome, event.timestamp));
  if (req.idTag === undefined) return {};
  const decision = await authorizeToken(ctx, idTokenFrom16(req.idTag), 'StopTransaction');
  return { idTagInfo: idTagInfo16(decision) };
}
