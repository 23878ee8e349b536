import type { CommandSpec } from '../command-spec.js';
import { deleteCertificateEffect, type DeleteCertificateInput } from '../shared/certificates.js';

export const command: CommandSpec<any, any> = { action: 'DeleteCertificate', onResult: deleteCertificateEffect };

/** The same shape in 2.x and the 1.6 whitepaper (ocpp16/delete-certificate.ts re-exports this file). */
export function toOcpp(input: DeleteCertificateInput): Record<string, unknown> {
  const { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber } = input.hashData;
  return { certificateHashData: { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber } };
}
