import { idTokenInfo2 } from '../../../core/authorization.js';
import type { IdTokenRef } from '../../../core/transaction-types.js';
import { authorizeToken, type AuthorizeContext } from '../shared/authorize-token.js';
import { personalMessageField } from '../shared/transaction-cost.js';

export async function authorize(ctx: AuthorizeContext, req: { idToken: IdTokenRef }) {
  const decision = await authorizeToken(ctx, { idToken: req.idToken.idToken, type: req.idToken.type }, 'Authorize', { starting: true });
  // An accepted driver is told the tariff that applies here (the EVSE is not known yet).
  const tariff = decision.status === 'Accepted'
    ? await ctx.store.tariffs.resolveTariff(ctx.session.tenantId, { stationId: ctx.session.stationId, tokenGroupId: decision.groupId ?? null })
    : undefined;
  return { idTokenInfo: { ...idTokenInfo2(decision), ...personalMessageField(tariff?.tariff) } };
}
