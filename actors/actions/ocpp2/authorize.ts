import { idTokenInfo2 } from '../../../core/authorization.js';
import type { IdTokenRef } from '../../../core/transaction-types.js';
import { authorizeToken, type AuthorizeContext } from '../shared/authorize-token.js';

export async function authorize(ctx: AuthorizeContext, req: { idToken: IdTokenRef }) {
  const decision = await authorizeToken(ctx, { idToken: req.idToken.idToken, type: req.idToken.type }, 'Authorize', { starting: true });
  return { idTokenInfo: idTokenInfo2(decision) };
}
