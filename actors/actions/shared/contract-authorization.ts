import type { X509Certificate } from 'node:crypto';
import { judgeContractChain, readCertificates, type AuthorizeCertificateStatus } from '../../../core/contract-certificate.js';
import { certificateHashData, ocspResponderUrl, trustedVerdict, type OcspRequestData } from '../../../core/ocsp.js';
import type { CertificateStatusOutcome } from '../../../core/ports/plug-and-charge.js';
import type { HandlerContext } from '../../handler-context.js';

export interface ContractAuthorizeRequest {
  idToken: { idToken: string; type: string };
  certificate?: string;
  iso15118CertificateHashData?: OcspRequestData[];
}

export interface ContractCertificateVerdict {
  status: AuthorizeCertificateStatus;
  reason: string | undefined;
}

/**
 * C07 (Authorization using contract certificates): the contract certificate's status for an
 * Authorize that carries `certificate` (a PEM chain: checked to a configured root, then each link
 * by OCSP at the responder its Authority Information Access names) or
 * `iso15118CertificateHashData` (each entry by OCSP at its responderURL). Undefined when the
 * request carries neither. Revoked anywhere → CertificateRevoked; an answer that cannot be had or
 * trusted (unreachable responder, unknown certificate, a delegated responder whose issuer is not
 * configured) → CertChainError: a contract is accepted only on a checked "good".
 */
export async function contractCertificateStatus(
  ctx: Pick<HandlerContext, 'pnc' | 'clock'>,
  req: ContractAuthorizeRequest,
): Promise<ContractCertificateVerdict | undefined> {
  if (!req.certificate && !req.iso15118CertificateHashData) return undefined;
  const pnc = ctx.pnc;
  if (!pnc) return { status: 'CertChainError', reason: 'Plug & Charge is not configured on this node' };
  const lookups: { request: OcspRequestData; issuers: readonly X509Certificate[] }[] = [];
  let chain: X509Certificate[] = [];
  if (req.certificate) {
    const judged = judgeContractChain(req.certificate, pnc.trustedIssuers, ctx.clock(), req.idToken.idToken);
    if (judged.status !== 'Accepted') return { status: judged.status, reason: judged.reason };
    chain = readCertificates(req.certificate);
    for (const [i, link] of judged.links.entries()) {
      const url = ocspResponderUrl(link.cert);
      if (!url) {
        if (i === 0) return { status: 'CertChainError', reason: 'the contract certificate names no OCSP responder' };
        continue; // a sub-CA without OCSP: its revocation is its CA's CRL business
      }
      lookups.push({ request: { ...certificateHashData(link.cert, link.issuer), responderURL: url }, issuers: [link.issuer] });
    }
  }
  for (const entry of req.iso15118CertificateHashData ?? []) {
    const { customData: _customData, ...request } = entry as OcspRequestData & { customData?: unknown };
    lookups.push({ request, issuers: chain });
  }
  const outcomes: CertificateStatusOutcome[] = await Promise.all(lookups.map((l) => pnc.certificateStatus.check(l.request, { issuers: l.issuers })));
  let problem: string | undefined;
  for (const [i, outcome] of outcomes.entries()) {
    const serial = lookups[i]!.request.serialNumber;
    if (!outcome.ok) problem ??= `serial ${serial}: ${outcome.reason}: ${outcome.message}`;
    else if (outcome.verdict.status === 'revoked') return { status: 'CertificateRevoked', reason: `serial ${serial} revoked at ${outcome.verdict.revokedAt}` };
    else if (outcome.verdict.status === 'unknown') problem ??= `serial ${serial}: unknown to its OCSP responder`;
    else if (!trustedVerdict(outcome.verdict)) problem ??= `serial ${serial}: answered by a delegated responder whose issuer is not configured (CSMS_PNC_CA_FILE)`;
  }
  if (problem) return { status: 'CertChainError', reason: problem };
  return { status: 'Accepted', reason: undefined };
}
