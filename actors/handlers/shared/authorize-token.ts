import { decide, type AuthorizationDecision } from '../../../core/authorization.js';
import type { IdTokenRef } from '../../../core/transaction-types.js';
import type { HandlerContext } from '../../handler-context.js';

export type AuthorizeContext = Pick<HandlerContext, 'session' | 'store' | 'events' | 'clock' | 'settings'>;

/**
 * The one place a token is judged, for Authorize and for the tokens inside transaction messages:
 * answered from the store under the unknown-token policy; accept-all records what it saw so an
 * operator can later block it.
 */
export async function authorizeToken(ctx: AuthorizeContext, token: IdTokenRef, trigger: string): Promise<AuthorizationDecision> {
  const { tenantId } = ctx.session;
  const policy = ctx.settings.unknownTokens ?? 'reject';
  const known = await ctx.store.findIdToken(tenantId, token.idToken);
  const decision = decide(known, policy, ctx.clock());
  if (!known && policy === 'accept-all') {
    await ctx.store.recordSeenIdToken({
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
  });
  return decision;
}
