import { certificateSignedSpec, type CertificateSignedInput } from '../shared/certificates.js';
import { defined } from '../payload-helpers.js';

export const command = certificateSignedSpec('ChargingStationCertificate');

export function toOcpp(input: CertificateSignedInput): Record<string, unknown> {
  return defined({ certificateChain: input.certificateChain, certificateType: input.certificateType ?? 'ChargingStationCertificate' });
}
