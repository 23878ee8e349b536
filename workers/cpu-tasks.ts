import { generateKeyPairSync } from 'node:crypto';
import { hashPassword } from '../core/password.js';
import { createCaCertificate, issueCertificate } from '../core/certificates.js';

/** Tasks run on the piscina pool; the pool calls the default export with { task, ... }. */
export type CpuTask =
  | { task: 'hashPassword'; password: string; cost: number }
  /** A station certificate from its (already checked) CSR; dates as ISO strings. Returns the leaf PEM. */
  | { task: 'issueCertificate'; csrPem: string; caCertPem: string; caKeyPem: string; serialNumber: string; notBefore: string; notAfter: string }
  /** A new CA: an EC P-384 key and its self-signed certificate. Returns { keyPem, certPem }. */
  | { task: 'createCa'; commonName: string; organization: string | undefined; serialNumber: string; notBefore: string; notAfter: string };

export default async function run(input: CpuTask): Promise<unknown> {
  switch (input.task) {
    case 'hashPassword':
      return hashPassword(input.password, input.cost);
    case 'issueCertificate':
      return issueCertificate({ ...input, notBefore: new Date(input.notBefore), notAfter: new Date(input.notAfter) });
    case 'createCa': {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
      const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      const certPem = createCaCertificate({ ...input, keyPem, notBefore: new Date(input.notBefore), notAfter: new Date(input.notAfter) });
      return { keyPem, certPem };
    }
    default:
      throw new Error(`Unknown CPU task ${(input as { task: string }).task}`);
  }
}
