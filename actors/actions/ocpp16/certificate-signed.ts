import { certificateSignedSpec, type CertificateSignedInput } from '../shared/certificates.js';

export const command = certificateSignedSpec('ChargePointCertificate');

/** The whitepaper's CertificateSigned carries the chain only (the ChargePointCertificate). */
export function toOcpp(input: CertificateSignedInput): Record<string, unknown> {
  return { certificateChain: input.certificateChain };
}
