import type { ContractCertificateRequest } from '../../../core/ports/plug-and-charge.js';
import type { HandlerContext } from '../../handler-context.js';
import { additionalInfo } from '../shared/certificate-status.js';

type Request = Omit<ContractCertificateRequest, 'tenantId' | 'stationId'> & { customData?: unknown };

/**
 * Get15118EVCertificate (2.0.1 M01/M02, 2.1): the EV's EXI CertificateInstallationReq /
 * CertificateUpdateReq goes, untouched, to the contract-certificate provider
 * (CSMS_CONTRACT_CERT_PROVIDER: http or local; adapters/pki/); its answer comes back as is:
 * Accepted with the exiResponse, or Failed (exiResponse is required by the schema: the provider's
 * EXI failure response when it gave one, else empty).
 */
export async function get15118EVCertificate(ctx: Pick<HandlerContext, 'session' | 'pnc' | 'log'>, req: Request) {
  const { tenantId, stationId, version } = ctx.session;
  if (!ctx.pnc) return { status: 'Failed', exiResponse: '', statusInfo: { reasonCode: 'NotConfigured' } };
  const provider = ctx.pnc.contractCertificates;
  const answer = await provider.get15118EVCertificate({
    tenantId,
    stationId,
    iso15118SchemaVersion: req.iso15118SchemaVersion,
    action: req.action,
    exiRequest: req.exiRequest,
    ...(req.maximumContractCertificateChains !== undefined ? { maximumContractCertificateChains: req.maximumContractCertificateChains } : {}),
    ...(req.prioritizedEMAIDs ? { prioritizedEMAIDs: req.prioritizedEMAIDs } : {}),
  });
  const limit = version === 'ocpp2.1' ? 17_000 : 5_600;
  if (answer.status === 'Accepted' && answer.exiResponse.length > limit) {
    ctx.log?.info({ tenantId, stationId, provider: provider.name, bytes: answer.exiResponse.length }, 'contract certificate refused: exiResponse too large for OCPP');
    return { status: 'Failed', exiResponse: '', statusInfo: { reasonCode: 'ResponseTooLarge', additionalInfo: `exiResponse of ${answer.exiResponse.length} characters; OCPP allows ${limit}` } };
  }
  ctx.log?.info(
    { tenantId, stationId, provider: provider.name, action: req.action, schema: req.iso15118SchemaVersion, status: answer.status, ...(answer.status === 'Failed' ? { reason: answer.reason } : {}) },
    'contract certificate requested',
  );
  if (answer.status === 'Accepted') {
    return {
      status: 'Accepted',
      exiResponse: answer.exiResponse,
      ...(version === 'ocpp2.1' && answer.remainingContracts !== undefined ? { remainingContracts: answer.remainingContracts } : {}),
    };
  }
  const exi = answer.exiResponse && answer.exiResponse.length <= limit ? answer.exiResponse : '';
  return { status: 'Failed', exiResponse: exi, statusInfo: { reasonCode: 'ProviderFailed', additionalInfo: additionalInfo(answer.reason) } };
}
