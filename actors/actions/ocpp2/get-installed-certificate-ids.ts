import type { CertificateHashData } from '../../../core/certificates.js';
import type { CommandSpec } from '../command-spec.js';
import { applyInstalledReport, rootTypeFor, type InstalledCertificatesInput } from '../shared/certificates.js';

/** GetCertificateIdUseEnumType (2.0.1): what a request without types lists. */
export const ALL_TYPES_2 = ['V2GRootCertificate', 'MORootCertificate', 'CSMSRootCertificate', 'V2GCertificateChain', 'ManufacturerRootCertificate'];

interface Answer {
  status: string;
  certificateHashDataChain?: Array<{ certificateType: string; certificateHashData: CertificateHashData; childCertificateHashData?: CertificateHashData[] }>;
}

/** The answer replaces the inventory of the types asked for (all of them when none was named); child certificates of a V2G chain are not listed separately. */
export const command: CommandSpec<{ certificateType?: string[] }, Answer> = {
  action: 'GetInstalledCertificateIds',
  async onResult(ctx, req, res) {
    const types = req.certificateType && req.certificateType.length > 0 ? req.certificateType : ALL_TYPES_2;
    const reported = (res.certificateHashDataChain ?? []).map((c) => ({ certificateType: c.certificateType, hashData: c.certificateHashData }));
    await applyInstalledReport(ctx, types, res.status, reported);
  },
};

export function toOcpp(input: InstalledCertificatesInput): Record<string, unknown> {
  return input.certificateTypes && input.certificateTypes.length > 0 ? { certificateType: input.certificateTypes.map((t) => rootTypeFor('2', t)) } : {};
}
