import { idTagInfo16 } from '../../../core/authorization.js';
import { idTokenFrom16, type StartTransaction16 } from '../../../core/transaction-mapping-16.js';
import type { HandlerContext } from '../../handler-context.js';
import { authorizeToken, type AuthorizeContext } from '../shared/authorize-token.js';
import { transactionEvents, transactionPublication } from '../shared/transaction-events.js';
import { reservationReported } from '../shared/reservations.js';
import { costInWrite, costStep } from '../shared/transaction-cost.js';

/**
 * The transaction is stored even when the idTag is not accepted: 1.6 has the station stop it
 * (reason DeAuthorized) after seeing idTagInfo, and that stop must find it. The idTag is judged
 * before the write, so `transaction.started` (built inside the write when the outbox is on)
 * carries the decision; whether the start is a remote start is read first, as the write will
 * find it (the station's messages are handled one at a time). A reservationId closes that
 * reservation (used); so does the reserved token starting on its connector without one. Another
 * token on a connector reserved for someone else (or outside the reservation's group) is
 * answered Invalid. The cost step pins the tariff that applies at the start (its session fee is
 * the first running cost).
 */
export async function startTransaction(ctx: AuthorizeContext & Partial<Pick<HandlerContext, 'outbox'>>, req: StartTransaction16) {
  const { tenantId, stationId } = ctx.session;
  const remoteStart = await ctx.store.transactions.remoteStart16(tenantId, stationId, req);
  const decision = await authorizeToken(ctx, idTokenFrom16(req.idTag), 'StartTransaction', {
    remoteStart,
    starting: true,
    reservations: { evseId: req.connectorId > 0 ? req.connectorId : undefined, reservationId: req.reservationId },
  });
  const events = transactionPublication(ctx, (outcome, cost) => transactionEvents('Started', outcome, cost, [], { authorization: decision.status }));
  const outcome = await ctx.store.transactions.startTransaction16(tenantId, stationId, req, { ...costInWrite(ctx, req.timestamp), ...events.inWrite() });
  events.afterWrite(outcome, await costStep(ctx, outcome, outcome.transaction.startedAt));
  // The reserved token started without naming its reservation (1.6 says it must): it is used all the same.
  const reservationId = req.reservationId ?? (outcome.duplicate ? undefined : decision.ownReservationId);
  if (reservationId !== undefined) await reservationReported(ctx, reservationId, { kind: 'used', transactionId: outcome.transaction.id });
  return { idTagInfo: idTagInfo16(decision), transactionId: outcome.transaction.ocppTransactionId! };
}
