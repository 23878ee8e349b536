import { X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
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
  /**
   * The V2G sub-CA that signs V2GCertificate requests (ISO 15118-2 SECC certificates), when this
   * node has one (`withV2g`): the chain sent after each leaf, and the V2G root when it is ours
   * (built in; to install on stations as V2GRootCertificate). Absent: V2G CSRs are refused.
   */
  readonly v2g?: { chain: string; root: string | undefined };
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

/** An EC key and a CA certificate for it, written once (key 0600) into `dir`. */
function writeNewCa(
  files: { certFile: string; keyFile: string },
  input: { curve: string; commonName: string; organization: string | undefined; pathLength: number; days: number; issuer?: { certPem: string; keyPem: string } },
  now: Date,
): { certPem: string; keyPem: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: input.curve });
  const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const certPem = createCaCertificate({
    keyPem,
    commonName: input.commonName,
    organization: input.organization,
    serialNumber: randomSerial(),
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + input.days * DAY),
    pathLength: input.pathLength,
    ...(input.issuer ? { issuer: input.issuer } : {}),
  });
  writeFileSync(files.keyFile, keyPem, { mode: 0o600 });
  chmodSync(files.keyFile, 0o600);
  writeFileSync(files.certFile, certPem);
  return { certPem, keyPem };
}

/** The V2G sub-CA of this node: what `withV2g` signs SECC certificates with. */
export interface V2gAuthority {
  /** The sub-CA certificate(s) sent after each leaf (PEM, the signing sub-CA first). */
  chain: string;
  /** The V2G root, when it is the built-in one; undefined with configured files (the root is your V2G PKI's). */
  root: string | undefined;
  sign(request: SignRequest): Promise<string>;
}

/**
 * The V2G (ISO 15118-2) sub-CA that signs SECC certificates, on the piscina pool:
 * - files (CSMS_V2G_CA_CERT_FILE + CSMS_V2G_CA_KEY_FILE): your CPO sub-CA (EC P-256, as ISO 15118-2
 *   requires of the whole V2G PKI); the file may hold further sub-CAs after it, never the root;
 * - builtin: a private V2G root (`v2g-root.{pem,key}`, pathLen 1) and a CPO sub-CA under it
 *   (`v2g-sub-ca.{pem,key}`, pathLen 0), EC P-256, generated on the first start in `<data dir>/ca/`.
 *   Not under the station CA: that one is EC P-384 with pathLen 0, and a V2G chain must be P-256
 *   throughout. Vehicles trust only the V2G roots they carry, so the built-in root serves test
 *   benches and private deployments; production uses the files from a V2G PKI.
 * - none: undefined (V2G CSRs are refused with `no-v2g-ca`).
 */
export function openV2gCa(
  config: CertificateConfig,
  dataDir: string,
  run: (task: CpuTask) => Promise<unknown>,
  log: Pick<Logger, 'info'>,
  clock: () => Date = () => new Date(),
): V2gAuthority | undefined {
  const v2g = config.v2g;
  if (v2g.kind === 'none') return undefined;
  let certFile: string;
  let keyFile: string;
  let root: string | undefined;
  if (v2g.kind === 'files') {
    ({ certFile, keyFile } = v2g);
  } else {
    const dir = join(dataDir, 'ca');
    const rootFiles = { certFile: join(dir, 'v2g-root.pem'), keyFile: join(dir, 'v2g-root.key') };
    certFile = join(dir, 'v2g-sub-ca.pem');
    keyFile = join(dir, 'v2g-sub-ca.key');
    if (![rootFiles.certFile, rootFiles.keyFile, certFile, keyFile].every((f) => existsSync(f))) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const now = clock();
      const madeRoot = writeNewCa(rootFiles, { curve: 'prime256v1', commonName: 'Switchyard V2G Root (private)', organization: config.organization, pathLength: 1, days: 3650 }, now);
      writeNewCa({ certFile, keyFile }, { curve: 'prime256v1', commonName: 'Switchyard CPO Sub-CA', organization: config.organization, pathLength: 0, days: 1460, issuer: madeRoot }, now);
      log.info({ certFile, rootFile: rootFiles.certFile }, 'built-in V2G root and CPO sub-CA created');
    }
    root = splitChain(readFileSync(rootFiles.certFile, 'utf8'))[0];
  }
  const chainPem = readFileSync(certFile, 'utf8');
  const keyPem = readFileSync(keyFile, 'utf8');
  const subCa = splitChain(chainPem)[0];
  if (!subCa) throw new Error(`${certFile} holds no PEM certificate`);
  const key = createPrivateKey(keyPem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error(`${keyFile}: a V2G sub-CA key must be EC P-256 (ISO 15118-2)`);
  if (!new X509Certificate(subCa).checkPrivateKey(key)) throw new Error(`${keyFile} is not the key of ${certFile}`);
  const facts = certificateFacts(subCa);
  log.info({ certFile, subject: facts.subject, notAfter: facts.notAfter }, 'V2G sub-CA loaded');
  const chain = splitChain(chainPem).join('');
  return {
    chain,
    root,
    async sign(request) {
      const now = clock();
      const leaf = (await run({
        task: 'issueCertificate',
        profile: 'v2g',
        csrPem: request.csrPem,
        caCertPem: subCa,
        caKeyPem: keyPem,
        serialNumber: randomSerial(),
        notBefore: new Date(now.getTime() - 5 * 60_000).toISOString(),
        notAfter: new Date(now.getTime() + config.v2gValidityDays * DAY).toISOString(),
      })) as string;
      // ISO 15118-2: the SECC presents its leaf and sub-CAs; the EV holds the root.
      return leaf + chain;
    },
  };
}

/** The station CA, with V2GCertificate requests going to the V2G sub-CA (when there is one). */
export function withV2g(ca: CertificateAuthority, v2g: V2gAuthority | undefined): CertificateAuthority {
  if (!v2g) return ca;
  return {
    kind: ca.kind,
    certificate: ca.certificate,
    v2g: { chain: v2g.chain, root: v2g.root },
    sign: (request) => (request.certificateType === 'V2GCertificate' ? v2g.sign(request) : ca.sign(request)),
  };
}
