import { idTokenInfo2 } from '../../../core/authorization.js';
import { transactionEventFrom2, type TransactionEventRequest } from '../../../core/transaction-mapping-2.js';
import { authorizeToken, type AuthorizeContext } from '../shared/authorize-token.js';
import { transactionEvents, transactionPublication } from '../shared/transaction-events.js';
import { reservationReported } from '../shared/reservations.js';
import { costInWrite, costStep, personalMessageField, stationCostCompared, totalCostField, updatedPersonalMessageField } from '../shared/transaction-cost.js';
import { stationCostFrom21 } from '../../../core/tariff-ocpp21.js';
import type { HandlerContext } from '../../handler-context.js';

/**
 * Started/Updated/Ended, in any order and any number of times: the store keeps every event once
 * (by seqNo) and folds them in seqNo order. idTokenInfo is answered whenever an idToken is sent.
 * A reservationId closes that reservation (used by this transaction), and so does the reserved
 * token starting on its EVSE without one; another token on an EVSE reserved for someone else
 * (outside the reservation's group) is answered NotAtThisTime. The cost step prices it
 * under its tariff (running: answered as totalCost on Updated; final on Ended, also in
 * transaction.ended); a tariff's display text goes to the driver as idTokenInfo.personalMessage.
 * 2.1: the running/final cost also as updatedPersonalMessage, and the station's own costDetails
 * are kept beside the CSMS's cost (and in the transaction events as stationCost).
 */
export async function transactionEvent(ctx: AuthorizeContext & Partial<Pick<HandlerContext, 'outbox'>>, req: TransactionEventRequest) {
  const event = transactionEventFrom2(ctx.session.version, req);
  // 2.1: the station's own cost (local cost calculation), kept beside the CSMS's.
  const stationCost = ctx.session.version === 'ocpp2.1' ? stationCostFrom21(req.costDetails, event.timestamp) : undefined;
  const extra = { seqNo: req.seqNo, triggerReason: req.triggerReason, offline: req.offline ?? false, ...(stationCost ? { stationCost } : {}) };
  const events = transactionPublication(ctx, (outcome, cost) => transactionEvents(req.eventType, outcome, cost, event.meterValues, extra));
  const outcome = await ctx.store.transactions.applyTransactionEvent(ctx.session.tenantId, ctx.session.stationId, event, {
    ...costInWrite(ctx, event.timestamp, stationCost),
    ...events.inWrite(),
  });
  const cost = await costStep(ctx, outcome, event.timestamp, stationCost);
  if (stationCost && cost && !outcome.duplicate) stationCostCompared(ctx, cost, stationCost);
  events.afterWrite(outcome, cost);
  const totalCost = req.eventType === 'Started' ? {} : { ...totalCostField(cost), ...updatedPersonalMessageField(ctx.session.version, req.eventType, cost) };
  const reserved = req.reservationId !== undefined ? reservationReported(ctx, req.reservationId, { kind: 'used', transactionId: req.transactionInfo.transactionId }) : undefined;
  if (!event.idToken) {
    await reserved;
    return { ...totalCost };
  }
  // The token starts or authorizes the transaction: an EVSE reserved for another token is not its.
  const authorizing = req.eventType === 'Started' || (req.eventType === 'Updated' && req.triggerReason === 'Authorized');
  const evseId = event.evseId ?? outcome.transaction.evseId ?? undefined;
  const [decision] = await Promise.all([
    authorizeToken(ctx, event.idToken, 'TransactionEvent', {
      remoteStart: outcome.remoteStart,
      starting: req.eventType !== 'Ended',
      ...(authorizing ? { reservations: { evseId, reservationId: req.reservationId } } : {}),
    }),
    reserved,
  ]);
  if (req.reservationId === undefined && decision.ownReservationId !== undefined && !outcome.duplicate) {
    await reservationReported(ctx, decision.ownReservationId, { kind: 'used', transactionId: req.transactionInfo.transactionId });
  }
  const personal = decision.status === 'Accepted' ? personalMessageField(cost?.tariff) : {};
  return { ...totalCost, idTokenInfo: { ...idTokenInfo2(decision), ...personal } };
}
