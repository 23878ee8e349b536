import { trustedVerdict, type CertificateHashData } from '../../../core/ocsp.js';
import type { HandlerContext } from '../../handler-context.js';

interface StatusRequest {
  certificateHashData: CertificateHashData;
  source: 'OCSP' | 'CRL';
  urls: string[];
}

type ChainStatus = 'Good' | 'Revoked' | 'Unknown' | 'Failed';

const STATUS: Record<'good' | 'revoked' | 'unknown', ChainStatus> = { good: 'Good', revoked: 'Revoked', unknown: 'Unknown' };

/**
 * GetCertificateChainStatus (2.1 M07): the status of up to four certificates of a chain, each by
 * OCSP from its URLs in order until one gives a checked answer. Unlike GetCertificateStatus the
 * CSMS states the status itself (no response is passed on), so an answer counts only when its
 * signer's authority was checked (issuer itself, or a delegate of a configured issuer,
 * CSMS_PNC_CA_FILE); otherwise Failed. CRL sources answer Failed for now (not implemented).
 */
export async function getCertificateChainStatus(ctx: Pick<HandlerContext, 'session' | 'pnc' | 'log' | 'clock'>, req: { certificateStatusRequests: StatusRequest[] }) {
  const { stationId, tenantId } = ctx.session;
  const certificateStatus = [];
  for (const item of req.certificateStatusRequests) {
    const { certificateHashData: hash, source } = item;
    const { customData: _customData, ...certificateHashData } = hash as CertificateHashData & { customData?: unknown };
    let status: ChainStatus = 'Failed';
    let nextUpdate = ctx.clock().toISOString();
    let reason = source === 'CRL' ? 'CRL sources are not supported' : 'no OCSP URL answered';
    if (source === 'OCSP' && ctx.pnc) {
      for (const url of item.urls) {
        const outcome = await ctx.pnc.certificateStatus.check({ ...certificateHashData, responderURL: url });
        if (!outcome.ok) {
          reason = `${outcome.reason}: ${outcome.message}`;
          continue;
        }
        if (!trustedVerdict(outcome.verdict)) {
          reason = 'delegated responder whose issuer is not configured (CSMS_PNC_CA_FILE)';
          continue;
        }
        status = STATUS[outcome.verdict.status];
        nextUpdate = outcome.verdict.nextUpdate ?? nextUpdate;
        break;
      }
    }
    if (status === 'Failed') ctx.log?.info({ tenantId, stationId, serialNumber: hash.serialNumber, source, reason }, 'certificate chain status lookup failed');
    certificateStatus.push({ certificateHashData, source, status, nextUpdate });
  }
  return { certificateStatus };
}
