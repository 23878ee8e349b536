import { decide, type AuthorizationDecision } from '../../../core/authorization.js';
import type { IdTokenRef } from '../../../core/transaction-types.js';
import type { HandlerContext } from '../../handler-context.js';

export type AuthorizeContext = Pick<HandlerContext, 'session' | 'store' | 'events' | 'clock' | 'settings'>;

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
  options: { remoteStart?: boolean } = {},
): Promise<AuthorizationDecision> {
  const { tenantId } = ctx.session;
  // 2.x type NoAuthorization (free vend, plug-and-charge without id) means: no authorization is done.
  if (token.type === 'NoAuthorization') return { status: 'Accepted' };
  const policy = ctx.settings.unknownTokens ?? 'reject';
  const known = await ctx.store.tokens.findIdToken(tenantId, token.idToken);
  const decision = !known && options.remoteStart ? { status: 'Accepted' } : decide(known, policy, ctx.clock());
  if (!known && policy === 'accept-all') {
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
    remoteStart: options.remoteStart ?? false,
  });
  return decision;
}
