import { hashPassword } from '../core/password.js';
import { issueCertificate } from '../core/certificates.js';

/** Tasks run on the piscina pool; the pool calls the default export with { task, ... }. */
export type CpuTask =
  | { task: 'hashPassword'; password: string; cost: number }
  /** A station certificate from its (already checked) CSR; dates as ISO strings. Returns the leaf PEM. */
  | { task: 'issueCertificate'; csrPem: string; caCertPem: string; caKeyPem: string; serialNumber: string; notBefore: string; notAfter: string; profile?: 'station' | 'v2g' };

export default async function run(input: CpuTask): Promise<unknown> {
  switch (input.task) {
    case 'hashPassword':
      return hashPassword(input.password, input.cost);
    case 'issueCertificate':
      return issueCertificate({ ...input, notBefore: new Date(input.notBefore), notAfter: new Date(input.notAfter) });
    default:
      throw new Error(`Unknown CPU task ${(input as { task: string }).task}`);
  }
}
