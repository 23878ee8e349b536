import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CertificateConfig } from '../core/certificate-config.js';
import { certificateFacts, createCaCertificate, splitChain } from '../core/certificates.js';
import type { CpuTask } from './cpu-tasks.js';

/** What the signer asks of a CA: a chain (PEM, leaf first) for a CSR already checked by the handler. */
export interface SignRequest {
  tenantId: string;
  stationId: string;
  certificateType: string;
  csrPem: string;
}

/**
 * The station certificate authority: built in (a key and certificate of our own, the signing on
 * the piscina pool) or external (your PKI behind an HTTP hook). Runs on the main thread.
 */
export interface CertificateAuthority {
  readonly kind: 'builtin' | 'external';
  /** The built-in CA's certificate (PEM); undefined for an external CA. */
  readonly certificate: string | undefined;
  sign(request: SignRequest): Promise<string>;
}

/** A random positive serial of 16 bytes (RFC 5280: ≤ 20 octets, unpredictable). */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

const DAY = 86_400_000;

/**
 * The built-in CA: CSMS_CA_CERT_FILE + CSMS_CA_KEY_FILE, or else `<data dir>/ca/station-ca.{pem,key}`,
 * generated (EC P-384, 10 years) on the first start and reused after; certificates are signed on the pool.
 */
export async function openBuiltinCa(
  config: CertificateConfig,
  dataDir: string,
  run: (task: CpuTask) => Promise<unknown>,
  log: Pick<Logger, 'info'>,
  clock: () => Date = () => new Date(),
): Promise<CertificateAuthority> {
  if (config.ca.kind !== 'builtin') throw new Error('not a built-in CA');
  let certFile = config.ca.certFile;
  let keyFile = config.ca.keyFile;
  if (!certFile || !keyFile) {
    const dir = join(dataDir, 'ca');
    certFile = join(dir, 'station-ca.pem');
    keyFile = join(dir, 'station-ca.key');
    if (!existsSync(certFile) || !existsSync(keyFile)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Once, at the first start, before anything listens (an EC key and one signature: ~2 ms):
      // done here rather than on the pool, whose first thread costs more to start than the work.
      const now = clock();
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
      const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      const made = {
        keyPem,
        certPem: createCaCertificate({
          keyPem,
          commonName: 'Switchyard Station CA',
          organization: config.organization,
          serialNumber: randomSerial(),
          notBefore: new Date(now.getTime() - 5 * 60_000),
          notAfter: new Date(now.getTime() + 3650 * DAY),
        }),
      };
      writeFileSync(keyFile, made.keyPem, { mode: 0o600 });
      chmodSync(keyFile, 0o600);
      writeFileSync(certFile, made.certPem);
      log.info({ certFile, keyFile, notAfter: certificateFacts(made.certPem).notAfter }, 'built-in station CA created');
    }
  }
  const certPem = readFileSync(certFile, 'utf8');
  const keyPem = readFileSync(keyFile, 'utf8');
  const caCert = splitChain(certPem)[0];
  if (!caCert) throw new Error(`${certFile} holds no PEM certificate`);
  const facts = certificateFacts(caCert);
  log.info({ certFile, subject: facts.subject, notAfter: facts.notAfter }, 'station CA loaded');
  return {
    kind: 'builtin',
    certificate: caCert,
    async sign(request) {
      const now = clock();
      const leaf = (await run({
        task: 'issueCertificate',
        csrPem: request.csrPem,
        caCertPem: caCert,
        caKeyPem: keyPem,
        serialNumber: randomSerial(),
        notBefore: new Date(now.getTime() - 5 * 60_000).toISOString(),
        notAfter: new Date(now.getTime() + config.validityDays * DAY).toISOString(),
      })) as string;
      // The chain up to (and with) the CA certificate(s) the file holds, so the station can present it whole.
      return leaf + certPem.trim() + '\n';
    },
  };
}

/**
 * An external CA (CSMS_CA_SIGN_URL): `POST <url>` with JSON `{ tenantId, stationId,
 * certificateType, csr }` (and `Authorization: <CSMS_CA_SIGN_AUTHORIZATION>` when set); the answer
 * is 200 with either JSON `{ "certificateChain": "<PEM, leaf first>" }` or the PEM chain as text.
 * Anything else fails the signing (the request reads `failed`, error SigningFailed).
 */
export function externalCa(config: CertificateConfig): CertificateAuthority {
  if (config.ca.kind !== 'external') throw new Error('not an external CA');
  const { url, authorization, timeoutMs } = config.ca;
  return {
    kind: 'external',
    certificate: undefined,
    async sign(request) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ tenantId: request.tenantId, stationId: request.stationId, certificateType: request.certificateType, csr: request.csrPem }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`external CA answered ${res.status}: ${text.slice(0, 200)}`);
      let chain = text;
      if ((res.headers.get('content-type') ?? '').includes('json')) {
        const body = JSON.parse(text) as { certificateChain?: unknown };
        chain = typeof body.certificateChain === 'string' ? body.certificateChain : '';
      }
      if (splitChain(chain).length === 0) throw new Error('external CA answered no PEM certificate');
      return chain;
    },
  };
}
