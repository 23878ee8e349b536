import { idTagInfo16 } from '../../../core/authorization.js';
import { idTokenFrom16 } from '../../../core/transaction-mapping-16.js';
import { authorizeToken, type AuthorizeContext } from '../shared/authorize-token.js';

export async function authorize(ctx: AuthorizeContext, req: { idTag: string }) {
  const decision = await authorizeToken(ctx, idTokenFrom16(req.idTag), 'Authorize', { starting: true, reservations: {} });
  return { idTagInfo: idTagInfo16(decision) };
}
