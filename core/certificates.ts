import { createHash, createPublicKey, createPrivateKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import {
  bitString,
  boolean,
  children,
  content,
  fromPem,
  nullValue,
  objectIdentifier,
  octetString,
  readObjectIdentifier,
  readTlv,
  sequence,
  set,
  tagged,
  time,
  toPem,
  unsignedInteger,
  utf8String,
  whole,
  type Tlv,
} from './der.js';

/**
 * Station certificates (OCPP 2.0.1 A02/A03/M, 1.6 security whitepaper): checking a station's CSR,
 * issuing its certificate from the CSMS's station CA, the CA's own certificate, and the
 * certificate hash data OCPP names certificates by. Pure (node:crypto computes, nothing is read
 * or written); the signing itself runs on the piscina pool (workers/cpu-tasks.ts).
 */

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecPublicKey: '1.2.840.10045.2.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  ecdsaSha512: '1.2.840.10045.4.3.4',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const SIGNATURE_HASH: Readonly<Record<string, string>> = {
  [OID.sha256WithRSA]: 'sha256',
  [OID.sha384WithRSA]: 'sha384',
  [OID.sha512WithRSA]: 'sha512',
  [OID.ecdsaSha256]: 'sha256',
  [OID.ecdsaSha384]: 'sha384',
  [OID.ecdsaSha512]: 'sha512',
};

/** Keys a station certificate may have: RSA of at least 2048 bits, or EC on P-256 / P-384. */
export const MIN_RSA_BITS = 2048;
export const ALLOWED_CURVES: readonly string[] = ['prime256v1', 'secp384r1'];

export type CsrRefusal = 'unparsable' | 'bad-algorithm' | 'bad-signature' | 'weak-key' | 'wrong-common-name' | 'wrong-organization';

/** What the CSMS read from a request it accepts. */
export interface CsrInfo {
  commonName: string;
  organization: string | undefined;
  /** rsa-2048, ec-prime256v1, … */
  key: string;
}

export type CsrCheck = { ok: true; csr: CsrInfo } | { ok: false; refusal: CsrRefusal; reason: string };

export interface CsrExpectations {
  stationId: string;
  /** The subject O every station certificate must carry (CSMS_CERT_ORGANIZATION); unset: not checked. */
  organization?: string | undefined;
}

interface ParsedCsr {
  info: Buffer;
  subject: Buffer;
  spki: Buffer;
  signatureOid: string;
  signature: Buffer;
}

function parseCsrDer(der: Buffer): ParsedCsr {
  const outer = readTlv(der, 0);
  const [info, algorithm, signature] = children(der, outer);
  if (!info || !algorithm || !signature || signature.tag !== 0x03) throw new Error('not a certification request');
  const [version, subject, spki] = children(der, info);
  if (!version || version.tag !== 0x02 || !subject || subject.tag !== 0x30 || !spki || spki.tag !== 0x30) throw new Error('not a certification request');
  const oid = children(der, algorithm)[0]!;
  return {
    info: whole(der, info),
    subject: whole(der, subject),
    spki: whole(der, spki),
    signatureOid: readObjectIdentifier(content(der, oid)),
    signature: content(der, signature).subarray(1),
  };
}

/** The attributes of a Name (RFC 5280 RDNSequence) by OID; the first value of each. */
function nameAttributes(der: Buffer, name: Tlv): Map<string, string> {
  const out = new Map<string, string>();
  for (const rdn of children(der, name)) {
    for (const atv of children(der, rdn)) {
      const [type, value] = children(der, atv);
      if (!type || !value) continue;
      const oid = readObjectIdentifier(content(der, type));
      if (!out.has(oid)) out.set(oid, content(der, value).toString(value.tag === 0x1e ? 'utf16le' : 'utf8'));
    }
  }
  return out;
}

function keyName(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return `rsa-${details.modulusLength ?? 0}`;
  if (key.asymmetricKeyType === 'ec') return `ec-${details.namedCurve ?? 'unknown'}`;
  return String(key.asymmetricKeyType);
}

function weakKey(key: KeyObject): boolean {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return (details.modulusLength ?? 0) < MIN_RSA_BITS;
  if (key.asymmetricKeyType === 'ec') return !ALLOWED_CURVES.includes(details.namedCurve ?? '');
  return true;
}

/** A CSR whose signature verifies with its own key, with its subject read; or why not. */
type ReadCsr = { ok: true; csr: ParsedCsr; key: KeyObject; name: string; attributes: Map<string, string> } | { ok: false; refusal: CsrRefusal; reason: string };

function readCsr(pem: string): ReadCsr {
  let csr: ParsedCsr;
  let key: KeyObject;
  try {
    const [der] = fromPem(pem, 'CERTIFICATE REQUEST');
    if (!der) return { ok: false, refusal: 'unparsable', reason: 'no PEM CERTIFICATE REQUEST block' };
    csr = parseCsrDer(der);
    key = createPublicKey({ key: csr.spki, format: 'der', type: 'spki' });
  } catch (error) {
    return { ok: false, refusal: 'unparsable', reason: `CSR unreadable: ${(error as Error).message}` };
  }
  const hash = SIGNATURE_HASH[csr.signatureOid];
  if (!hash) return { ok: false, refusal: 'bad-algorithm', reason: `signature algorithm ${csr.signatureOid} is not RSA PKCS#1 v1.5 or ECDSA with SHA-2` };
  let valid = false;
  try {
    valid = verify(hash, csr.info, key, csr.signature);
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, refusal: 'bad-signature', reason: 'the CSR signature does not verify with its own public key' };
  return { ok: true, csr, key, name: keyName(key), attributes: nameAttributes(csr.subject, readTlv(csr.subject, 0)) };
}

function checkOrganization(attributes: Map<string, string>, expected: string | undefined): { ok: false; refusal: CsrRefusal; reason: string } | undefined {
  const organization = attributes.get(OID.organization);
  if (expected !== undefined && organization !== expected) return { ok: false, refusal: 'wrong-organization', reason: `subject O '${organization ?? ''}' is not '${expected}'` };
  return undefined;
}

/**
 * Checks a station's CSR (PEM, PKCS#10): its signature, its key (RSA ≥ 2048 bits or EC P-256 /
 * P-384), its subject CN (= the station id) and O (as configured). Refusals say why, for the log.
 */
export function checkCsr(pem: string, expected: CsrExpectations): CsrCheck {
  const read = readCsr(pem);
  if (!read.ok) return read;
  const { key, name, attributes } = read;
  if (weakKey(key)) return { ok: false, refusal: 'weak-key', reason: `key ${name}: RSA needs ≥ ${MIN_RSA_BITS} bits, EC P-256 or P-384` };
  const commonName = attributes.get(OID.commonName);
  if (commonName !== expected.stationId) {
    return { ok: false, refusal: 'wrong-common-name', reason: `subject CN '${commonName ?? ''}' is not the station id '${expected.stationId}'` };
  }
  const wrongO = checkOrganization(attributes, expected.organization);
  if (wrongO) return wrongO;
  return { ok: true, csr: { commonName, organization: attributes.get(OID.organization), key: name } };
}

export interface V2gCsrExpectations {
  /**
   * The SECC ids the station reported (2.x device model ISO15118Ctrlr.SeccId, one per EVSE); the
   * CN must be one of them. Empty: the station reported none, so any CN of 1 to 64 characters.
   */
  seccIds: readonly string[];
  /** The subject O (CSMS_CERT_ORGANIZATION, the CPO); unset: not checked. */
  organization?: string | undefined;
}

/** The longest CN X.520 allows (ub-common-name); an SECC id (EVSE id) is far shorter. */
const MAX_COMMON_NAME = 64;

/**
 * Checks an SECC (V2GCertificate) CSR against ISO 15118-2's certificate profile: a valid signature,
 * key EC secp256r1 signed with ECDSA-SHA256 ([V2G2-006/007]: every certificate of the V2G PKI), and
 * a CN that names the SECC: the station asks for its SECC id (ISO15118Ctrlr.SeccId), not its
 * station id, so the CN must be one the station reported, or any plausible one when it reported
 * none; O as configured.
 */
export function checkV2gCsr(pem: string, expected: V2gCsrExpectations): CsrCheck {
  const read = readCsr(pem);
  if (!read.ok) return read;
  const { csr, key, name, attributes } = read;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    return { ok: false, refusal: 'weak-key', reason: `key ${name}: ISO 15118-2 SECC certificates need EC secp256r1 (P-256)` };
  }
  if (csr.signatureOid !== OID.ecdsaSha256) return { ok: false, refusal: 'bad-algorithm', reason: 'ISO 15118-2 SECC CSRs are signed with ECDSA-SHA256' };
  const commonName = attributes.get(OID.commonName) ?? '';
  if (commonName.length === 0 || commonName.length > MAX_COMMON_NAME) {
    return { ok: false, refusal: 'wrong-common-name', reason: `subject CN '${commonName}' is not an SECC id (1 to ${MAX_COMMON_NAME} characters)` };
  }
  if (expected.seccIds.length > 0 && !expected.seccIds.includes(commonName)) {
    return { ok: false, refusal: 'wrong-common-name', reason: `subject CN '${commonName}' is not an SECC id the station reported (${expected.seccIds.join(', ')})` };
  }
  const wrongO = checkOrganization(attributes, expected.organization);
  if (wrongO) return wrongO;
  return { ok: true, csr: { commonName, organization: attributes.get(OID.organization), key: name } };
}

/** The parts of a certificate the issuer and hash data need. */
interface ParsedCertificate {
  issuer: Buffer;
  subject: Buffer;
  /** subjectPublicKey's bits (BIT STRING content without the unused-bits byte). */
  publicKeyBits: Buffer;
  serial: Buffer;
}

function parseCertificateDer(der: Buffer): ParsedCertificate {
  const outer = readTlv(der, 0);
  const tbs = children(der, outer)[0]!;
  const fields = children(der, tbs);
  const at = fields[0]!.tag === 0xa0 ? 1 : 0;
  const [serial, , issuer, , subject, spki] = fields.slice(at);
  if (!serial || !issuer || !subject || !spki) throw new Error('not a certificate');
  const bits = children(der, spki)[1]!;
  return { issuer: whole(der, issuer), subject: whole(der, subject), publicKeyBits: content(der, bits).subarray(1), serial: content(der, serial) };
}

function signatureAlgorithm(key: KeyObject): { oid: string; hash: string; params: boolean } {
  if (key.asymmetricKeyType === 'rsa') return { oid: OID.sha256WithRSA, hash: 'sha256', params: true };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'secp384r1') return { oid: OID.ecdsaSha384, hash: 'sha384', params: false };
    if (curve === 'secp521r1') return { oid: OID.ecdsaSha512, hash: 'sha512', params: false };
    return { oid: OID.ecdsaSha256, hash: 'sha256', params: false };
  }
  throw new Error(`CA key type ${String(key.asymmetricKeyType)} is not supported (RSA or EC)`);
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** keyUsage bits, most significant first: digitalSignature (0), keyEncipherment (2), keyAgreement (4), keyCertSign (5), cRLSign (6). */
function keyUsage(bits: number[]): Buffer {
  let value = 0;
  for (const bit of bits) value |= 0x8000 >> bit;
  const bytes = value & 0xff ? Buffer.from([value >> 8, value & 0xff]) : Buffer.from([value >> 8]);
  const last = bytes[bytes.length - 1]!;
  let unused = 0;
  while (unused < 7 && !(last & (1 << unused))) unused++;
  return bitString(bytes, unused);
}

function keyIdentifier(publicKeyBits: Buffer): Buffer {
  return createHash('sha1').update(publicKeyBits).digest();
}

interface TbsInput {
  serialNumber: string;
  issuer: Buffer;
  subject: Buffer;
  spki: Buffer;
  notBefore: Date;
  notAfter: Date;
  extensions: Buffer[];
}

function signCertificate(tbs: TbsInput, signingKey: KeyObject): string {
  const algorithm = signatureAlgorithm(signingKey);
  const algorithmId = sequence(objectIdentifier(algorithm.oid), ...(algorithm.params ? [nullValue()] : []));
  const body = sequence(
    tagged(0, unsignedInteger(Buffer.from([2]))),
    unsignedInteger(Buffer.from(tbs.serialNumber.length % 2 ? `0${tbs.serialNumber}` : tbs.serialNumber, 'hex')),
    algorithmId,
    tbs.issuer,
    sequence(time(tbs.notBefore), time(tbs.notAfter)),
    tbs.subject,
    tbs.spki,
    tagged(3, sequence(...tbs.extensions)),
  );
  const signature = sign(algorithm.hash, body, signingKey);
  return toPem(sequence(body, algorithmId, bitString(signature)), 'CERTIFICATE');
}

export interface IssueInput {
  csrPem: string;
  caCertPem: string;
  caKeyPem: string;
  /** Hex, at most 20 bytes (RFC 5280); random from the caller. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /**
   * station (default): a charging station's client certificate (profile 3). v2g: an ISO 15118-2
   * SECC certificate: `CA:FALSE`, digitalSignature + keyAgreement (the SECC is the TLS server of
   * ECDH(E) suites), no extendedKeyUsage, key identifiers.
   */
  profile?: 'station' | 'v2g';
}

/**
 * Issues a station (client) certificate for a CSR already checked with `checkCsr`: the CSR's
 * subject and key, the CA as issuer, `CA:FALSE`, digitalSignature + keyAgreement (EC) or
 * keyEncipherment (RSA), extendedKeyUsage clientAuth (not for `v2g`), key identifiers. Returns the leaf (PEM).
 */
export function issueCertificate(input: IssueInput): string {
  const [csrDer] = fromPem(input.csrPem, 'CERTIFICATE REQUEST');
  const [caDer] = fromPem(input.caCertPem, 'CERTIFICATE');
  if (!csrDer || !caDer) throw new Error('CSR or CA certificate missing');
  const csr = parseCsrDer(csrDer);
  const ca = parseCertificateDer(caDer);
  const subjectKey = createPublicKey({ key: csr.spki, format: 'der', type: 'spki' });
  const spkiBits = content(csr.spki, children(csr.spki, readTlv(csr.spki, 0))[1]!).subarray(1);
  return signCertificate(
    {
      serialNumber: input.serialNumber,
      issuer: ca.subject,
      subject: csr.subject,
      spki: csr.spki,
      notBefore: input.notBefore,
      notAfter: input.notAfter,
      extensions: [
        extension(OID.basicConstraints, true, sequence()),
        extension(OID.keyUsage, true, keyUsage(subjectKey.asymmetricKeyType === 'rsa' ? [0, 2] : [0, 4])),
        ...(input.profile === 'v2g' ? [] : [extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.clientAuth)))]),
        extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spkiBits))),
        extension(OID.authorityKeyIdentifier, false, sequence(tagged(0, keyIdentifier(ca.publicKeyBits), false))),
      ],
    },
    createPrivateKey(input.caKeyPem),
  );
}

export interface CaInput {
  keyPem: string;
  commonName: string;
  organization?: string | undefined;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** How many CAs may follow this one below it (basicConstraints pathLenConstraint); default 0. */
  pathLength?: number;
  /** The CA that signs this one (a sub-CA); absent: self-signed (a root). */
  issuer?: { certPem: string; keyPem: string };
}

/** A CA certificate (CA:TRUE, pathLen 0 unless given, keyCertSign + cRLSign): self-signed, or a sub-CA of `issuer`. */
export function createCaCertificate(input: CaInput): string {
  const key = createPrivateKey(input.keyPem);
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const spkiBits = content(spki, children(spki, readTlv(spki, 0))[1]!).subarray(1);
  const rdn = (oid: string, value: string) => set(sequence(objectIdentifier(oid), utf8String(value)));
  const name = sequence(...(input.organization ? [rdn(OID.organization, input.organization)] : []), rdn(OID.commonName, input.commonName));
  const [issuerDer] = input.issuer ? fromPem(input.issuer.certPem, 'CERTIFICATE') : [];
  if (input.issuer && !issuerDer) throw new Error('issuer certificate missing');
  const issuer = issuerDer ? parseCertificateDer(issuerDer) : undefined;
  return signCertificate(
    {
      serialNumber: input.serialNumber,
      issuer: issuer ? issuer.subject : name,
      subject: name,
      spki,
      notBefore: input.notBefore,
      notAfter: input.notAfter,
      extensions: [
        extension(OID.basicConstraints, true, sequence(boolean(true), unsignedInteger(Buffer.from([input.pathLength ?? 0])))),
        extension(OID.keyUsage, true, keyUsage([5, 6])),
        extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spkiBits))),
        ...(issuer ? [extension(OID.authorityKeyIdentifier, false, sequence(tagged(0, keyIdentifier(issuer.publicKeyBits), false)))] : []),
      ],
    },
    input.issuer ? createPrivateKey(input.issuer.keyPem) : key,
  );
}

/** OCPP CertificateHashDataType (2.x; 1.6 whitepaper the same), hashes as lowercase hex. */
export interface CertificateHashData {
  hashAlgorithm: 'SHA256' | 'SHA384' | 'SHA512';
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
}

/**
 * The hash data of a certificate as OCPP (and OCSP, RFC 6960) define it: the hash of the DER
 * issuer name and of the issuer's public key bits. `issuerPem` is the certificate of its issuer;
 * absent for a self-signed one (a root). Serial as uppercase hex without leading zeros.
 */
export function certificateHashData(certPem: string, issuerPem?: string, hashAlgorithm: CertificateHashData['hashAlgorithm'] = 'SHA256'): CertificateHashData {
  const [der] = fromPem(certPem, 'CERTIFICATE');
  if (!der) throw new Error('no PEM CERTIFICATE block');
  const cert = parseCertificateDer(der);
  const [issuerDer] = issuerPem ? fromPem(issuerPem, 'CERTIFICATE') : [der];
  const issuer = issuerDer ? parseCertificateDer(issuerDer) : cert;
  const hash = (data: Buffer) => createHash(hashAlgorithm.toLowerCase()).update(data).digest('hex');
  return {
    hashAlgorithm,
    issuerNameHash: hash(cert.issuer),
    issuerKeyHash: hash(issuer.publicKeyBits),
    serialNumber: normalSerial(cert.serial.toString('hex')),
  };
}

/** Serial numbers compare case-insensitively and without leading zeros. */
export function normalSerial(hex: string): string {
  return hex.replace(/^0+(?=.)/, '').toUpperCase();
}

/**
 * One identity per certificate of a station, from its hash data (serial and issuer hashes as
 * given): 32 hex characters of their SHA-256, short enough for a URL path segment.
 */
export function certificateId(hash: Pick<CertificateHashData, 'issuerNameHash' | 'issuerKeyHash' | 'serialNumber'>): string {
  const key = `${hash.issuerNameHash.toLowerCase()}.${hash.issuerKeyHash.toLowerCase()}.${normalSerial(hash.serialNumber)}`;
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/** What the inventory keeps of a certificate we can read: its subject, serial and validity. */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
}

export function certificateFacts(pem: string): CertificateFacts {
  const cert = new X509Certificate(pem);
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: normalSerial(cert.serialNumber),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}

/** The PEM certificates of a chain (leaf first), each as its own PEM block. */
export function splitChain(pem: string): string[] {
  return fromPem(pem, 'CERTIFICATE').map((der) => toPem(der, 'CERTIFICATE'));
}
