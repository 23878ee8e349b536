import { idTagInfo16 } from '../../../core/authorization.js';
import { idTokenFrom16, type StartTransaction16 } from '../../../core/transaction-mapping-16.js';
import { authorizeToken, type AuthorizeContext } from '../shared/authorize-token.js';
import { emitTransaction } from '../shared/transaction-events.js';
import { reservationReported } from '../shared/reservations.js';
import { costInWrite, costStep } from '../shared/transaction-cost.js';

/**
 * The transaction is stored even when the idTag is not accepted: 1.6 has the station stop it
 * (reason DeAuthorized) after seeing idTagInfo, and that stop must find it. A reservationId
 * closes that reservation (used), in the same group commit as the token's record; so does the
 * reserved token starting on its connector without one. Another token on a connector reserved
 * for someone else (or outside the reservation's group) is answered Invalid. The cost step
 * pins the tariff that applies at the start (its session fee is the first running cost).
 */
export async function startTransaction(ctx: AuthorizeContext, req: StartTransaction16) {
  const outcome = await ctx.store.transactions.startTransaction16(ctx.session.tenantId, ctx.session.stationId, req, costInWrite(ctx, req.timestamp));
  const [decision] = await Promise.all([
    authorizeToken(ctx, idTokenFrom16(req.idTag), 'StartTransaction', {
      remoteStart: outcome.remoteStart,
      starting: true,
      reservations: { evseId: req.connectorId > 0 ? req.connectorId : undefined, reservationId: req.reservationId },
    }),
    req.reservationId !== undefined ? reservationReported(ctx, req.reservationId, { kind: 'used', transactionId: outcome.transaction.id }) : undefined,
  ]);
  // The reserved token started without naming its reservation (1.6 says it must): it is used all the same.
  if (req.reservationId === undefined && decision.ownReservationId !== undefined && !outcome.duplicate) {
    await reservationReported(ctx, decision.ownReservationId, { kind: 'used', transactionId: outcome.transaction.id });
  }
  await costStep(ctx, outcome, outcome.transaction.startedAt);
  emitTransaction(ctx, 'Started', outcome, [], { authorization: decision.status });
  return { idTagInfo: idTagInfo16(decision), transactionId: outcome.transaction.ocppTransactionId! };
}
