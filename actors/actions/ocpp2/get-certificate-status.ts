import type { OcspRequestData } from '../../../core/ocsp.js';
import type { HandlerContext } from '../../handler-context.js';
import { additionalInfo, OCSP_REASON_CODE } from '../shared/certificate-status.js';

/** GetCertificateStatusResponse.ocspResult holds at most 5500 characters (base64 DER). */
const MAX_OCSP_RESULT = 5500;

/**
 * GetCertificateStatus (2.0.1 M06, 2.1): the station asks for the OCSP response of a certificate
 * (to pass to the EV, ISO 15118 OCSP stapling). A real OCSP request goes to the responder the
 * request names (adapters/pki/ocsp-http.ts; answers cached per CSMS_OCSP_CACHE_SEC); Accepted
 * carries the DER response whatever it says (good, revoked, unknown: the station and the EV read
 * it); Failed when no checked response came back. A response signed by a delegated responder
 * whose issuer is not configured is passed on too: its signature verified, its authority is the
 * EV's to check against its root.
 */
export async function getCertificateStatus(ctx: Pick<HandlerContext, 'session' | 'pnc' | 'log'>, req: { ocspRequestData: OcspRequestData }) {
  const { stationId, tenantId } = ctx.session;
  const data = req.ocspRequestData;
  if (!ctx.pnc) return { status: 'Failed', statusInfo: { reasonCode: 'NotConfigured' } };
  const outcome = await ctx.pnc.certificateStatus.check(data);
  if (!outcome.ok) {
    ctx.log?.info({ tenantId, stationId, responder: data.responderURL, serialNumber: data.serialNumber, reason: outcome.reason, detail: outcome.message }, 'certificate status lookup failed');
    return { status: 'Failed', statusInfo: { reasonCode: OCSP_REASON_CODE[outcome.reason], additionalInfo: additionalInfo(outcome.message) } };
  }
  if (outcome.ocspResult.length > MAX_OCSP_RESULT) {
    ctx.log?.info({ tenantId, stationId, responder: data.responderURL, bytes: outcome.ocspResult.length }, 'certificate status lookup failed: OCSP response too large for OCPP');
    return { status: 'Failed', statusInfo: { reasonCode: 'ResponseTooLarge', additionalInfo: `OCSP response of ${outcome.ocspResult.length} base64 characters; OCPP allows ${MAX_OCSP_RESULT}` } };
  }
  ctx.log?.info(
    { tenantId, stationId, responder: data.responderURL, serialNumber: data.serialNumber, certStatus: outcome.verdict.status, signer: outcome.verdict.signer, cached: outcome.cached },
    'certificate status looked up',
  );
  return { status: 'Accepted', ocspResult: outcome.ocspResult };
}
