import type { CommandSpec } from '../command-spec.js';
import { installCertificateEffect, rootTypeFor, type InstallCertificateInput } from '../shared/certificates.js';

export const command: CommandSpec<any, any> = { action: 'InstallCertificate', onResult: installCertificateEffect };

export function toOcpp(input: InstallCertificateInput): Record<string, unknown> {
  return { certificateType: rootTypeFor('2', input.certificateType), certificate: input.certificate };
}
