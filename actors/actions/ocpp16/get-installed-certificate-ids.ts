import type { CertificateHashData } from '../../../core/certificates.js';
import { CsmsError } from '../../../core/errors.js';
import type { CommandSpec } from '../command-spec.js';
import { applyInstalledReport, rootTypeFor, type InstalledCertificatesInput } from '../shared/certificates.js';

/** The whitepaper asks for one type at a time, and the answer carries no type: the one asked for. */
export const command: CommandSpec<{ certificateType: string }, { status: string; certificateHashData?: CertificateHashData[] }> = {
  action: 'GetInstalledCertificateIds',
  async onResult(ctx, req, res) {
    if (typeof req.certificateType !== 'string') return;
    const reported = (res.certificateHashData ?? []).map((hashData) => ({ certificateType: req.certificateType, hashData }));
    await applyInstalledReport(ctx, [req.certificateType], res.status, reported);
  },
};

export function toOcpp(input: InstalledCertificatesInput): Record<string, unknown> {
  const types = input.certificateTypes ?? [];
  if (types.length !== 1) {
    throw new CsmsError('VALIDATION_FAILED', 'OCPP 1.6 lists one certificate type per GetInstalledCertificateIds: name exactly one (CentralSystemRootCertificate or ManufacturerRootCertificate)');
  }
  return { certificateType: rootTypeFor('16', types[0]!) };
}
