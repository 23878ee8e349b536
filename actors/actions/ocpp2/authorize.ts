import { idTokenInfo2 } from '../../../core/authorization.js';
import type { IdTokenRef } from '../../../core/transaction-types.js';
import type { HandlerContext } from '../../handler-context.js';
import { authorizeToken, type AuthorizeContext } from '../shared/authorize-token.js';
import { personalMessageField } from '../shared/transaction-cost.js';
import { contractCertificateStatus, type ContractAuthorizeRequest } from '../shared/contract-authorization.js';

/**
 * Authorize (C01, and C07 with a contract certificate): the token is judged as always; when the
 * request carries a contract `certificate` or `iso15118CertificateHashData`, its status is checked
 * (OCSP, actions/shared/contract-authorization.ts) and answered in `certificateStatus`, and a
 * contract whose certificate is not Accepted does not authorize: idTokenInfo.status becomes
 * Invalid (unless the token was refused for its own reason, which stays).
 */
export async function authorize(ctx: AuthorizeContext & Pick<HandlerContext, 'pnc' | 'log'>, req: { idToken: IdTokenRef } & Omit<ContractAuthorizeRequest, 'idToken'>) {
  const decision = await authorizeToken(ctx, { idToken: req.idToken.idToken, type: req.idToken.type }, 'Authorize', { starting: true, reservations: {} });
  // An accepted driver is told the tariff that applies here (the EVSE is not known yet).
  const tariff = decision.status === 'Accepted'
    ? await ctx.store.tariffs.resolveTariff(ctx.session.tenantId, { stationId: ctx.session.stationId, tokenGroupId: decision.groupId ?? null })
    : undefined;
  const idTokenInfo: Record<string, unknown> = { ...idTokenInfo2(decision), ...personalMessageField(tariff?.tariff) };
  const certificate = await contractCertificateStatus(ctx, { ...req, idToken: { idToken: req.idToken.idToken, type: req.idToken.type ?? '' } });
  if (!certificate) return { idTokenInfo };
  const { tenantId, stationId } = ctx.session;
  ctx.log?.info(
    { tenantId, stationId, idToken: req.idToken.idToken, tokenStatus: idTokenInfo.status, certificateStatus: certificate.status, ...(certificate.reason ? { reason: certificate.reason } : {}) },
    'contract certificate checked',
  );
  if (certificate.status !== 'Accepted' && idTokenInfo.status === 'Accepted') return { idTokenInfo: { ...idTokenInfo, status: 'Invalid' }, certificateStatus: certificate.status };
  return { idTokenInfo, certificateStatus: certificate.status };
}
