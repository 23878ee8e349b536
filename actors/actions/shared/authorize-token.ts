import { decide, type AuthorizationDecision } from '../../../core/authorization.js';
import type { IdTokenRef } from '../../../core/transaction-types.js';
import type { HandlerContext } from '../../handler-context.js';
import { reservationHoldAt } from './reservations.js';

export type AuthorizeContext = Pick<HandlerContext, 'session' | 'store' | 'events' | 'clock' | 'settings'> & Partial<Pick<HandlerContext, 'roaming' | 'log'>>;

export interface AuthorizeOptions {
  /** The transaction was started by an operator through the API (it vouches for the token). */
  remoteStart?: boolean;
  /**
   * The token is presented to start charging (Authorize, 1.6 StartTransaction, a 2.x
   * TransactionEvent that is not Ended): it is refused with ConcurrentTx while it has an active
   * transaction on another station, unless its record allows concurrent transactions.
   */
  starting?: boolean;
  /**
   * The token starts charging here (Authorize, 1.6 StartTransaction, a 2.x TransactionEvent
   * that starts or authorizes): the station's reservations are checked. `evseId` is the EVSE
   * (1.6 connector) the message names, if any; `reservationId` the one it says it uses.
   */
  reservations?: { evseId?: number | undefined; reservationId?: number | undefined };
}

/** The decision, and the presenter's own reservation this start may use (to close it when the message did not name it). */
export type TokenDecision = AuthorizationDecision & { ownReservationId?: number };

/**
 * The station and id of an active transaction of this token on another station, if any: one
 * indexed read (transactions by token, case-insensitive), only when a token is presented to start charging.
 */
async function activeElsewhere(ctx: AuthorizeContext, token: IdTokenRef): Promise<string | undefined> {
  const { tenantId, stationId } = ctx.session;
  const page = await ctx.store.transactions.listTransactions(tenantId, { limit: 20, active: true, idToken: token.idToken });
  const other = page.items.find((tx) => tx.stationId !== stationId);
  return other ? `${other.stationId}/${other.id}` : undefined;
}

/**
 * The one place a token is judged, for Authorize and for the tokens inside transaction messages:
 * answered from the store under the unknown-token policy; accept-all records what it saw so an
 * operator can later block it. A token the store does not know is accepted for a transaction an
 * operator started through the API (`remoteStart`): the API call vouched for it. A known token
 * keeps its status (a blocked card stays blocked).
 */
export async function authorizeToken(
  ctx: AuthorizeContext,
  token: IdTokenRef,
  trigger: string,
  options: AuthorizeOptions = {},
): Promise<TokenDecision> {
  const { tenantId } = ctx.session;
  // 2.x type NoAuthorization (free vend, plug-and-charge without id) means: no authorization is done.
  if (token.type === 'NoAuthorization') return { status: 'Accepted' };
  const policy = ctx.settings.unknownTokens ?? 'reject';
  // Values compare case-insensitively (CiString); 2.x tokens are value and type, 1.6 idTags have no type.
  const known = await ctx.store.tokens.matchIdToken(tenantId, token.idToken, ctx.session.version === 'ocpp1.6' ? undefined : token.type);
  // A token of a roaming partner (OCPI), when the operator's table does not know it.
  const roamed = !known && !options.remoteStart && ctx.roaming ? await ctx.roaming.authorize(tenantId, token.idToken, { stationId: ctx.session.stationId }) : undefined;
  let decision: TokenDecision = roamed ?? (!known && options.remoteStart ? { status: 'Accepted' } : decide(known, policy, ctx.clock()));
  if (decision.status === 'Accepted' && options.starting && !known?.allowConcurrentTx) {
    const elsewhere = await activeElsewhere(ctx, token);
    if (elsewhere) decision = { ...decision, status: 'ConcurrentTx' };
  }
  let reservedFor: number | undefined;
  if (decision.status === 'Accepted' && options.reservations) {
    // H03 / 1.6 §3.13: an EVSE reserved for another token (outside its group) is not this token's.
    // 2.x NotAtThisTime (usable here, not now); 1.6 has no such status and answers Invalid.
    const { evseId, reservationId } = options.reservations;
    const hold = await reservationHoldAt(ctx.store, ctx.session, { idToken: token.idToken, groupId: decision.groupId ?? null }, evseId, ctx.clock(), reservationId);
    if (hold.blockedBy) {
      reservedFor = hold.blockedBy.reservationId;
      decision = { ...decision, status: 'NotAtThisTime' };
      ctx.log?.info(
        { tenantId, stationId: ctx.session.stationId, idToken: token.idToken, trigger, evseId, reservationId: reservedFor },
        'token refused: the EVSE is reserved for another token',
      );
    } else if (hold.owned) decision = { ...decision, ownReservationId: hold.owned.reservationId };
  }
  if (!known && !roamed && policy === 'accept-all') {
    await ctx.store.tokens.recordSeenIdToken({
      tenantId,
      idToken: token.idToken,
      type: token.type,
      status: 'Accepted',
      expiresAt: null,
      groupId: null,
      source: 'auto',
    });
  }
  ctx.events.emit('authorization.requested', ctx.session, {
    idToken: token.idToken,
    type: token.type,
    trigger,
    status: decision.status,
    known: Boolean(known),
    ...(roamed ? { roaming: true } : {}),
    remoteStart: options.remoteStart ?? false,
    ...(reservedFor !== undefined ? { reservedFor } : {}),
  });
  return decision;
}
