import { createHash, verify, X509Certificate } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, ExtendedKeyUsage, id_ce_extKeyUsage } from '@peculiar/asn1-x509';
import {
  BasicOCSPResponse,
  CertID,
  id_kp_OCSPSigning,
  id_pkix_ocsp_basic,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  Request,
  TBSRequest,
} from '@peculiar/asn1-ocsp';

/**
 * OCSP (RFC 6960) for ISO 15118 Plug & Charge: the request built from OCPP's OCSPRequestDataType
 * (issuerNameHash, issuerKeyHash, serialNumber, hashAlgorithm, all hex) and the response read and
 * checked. Pure: no I/O (the HTTP exchange is adapters/pki/ocsp-http.ts).
 *
 * Why @peculiar/asn1-ocsp (with asn1-schema, asn1-x509): the OCSP ASN.1 is declared once, typed,
 * by a maintained project (PeculiarVentures, also behind @peculiar/x509 and webcrypto); node:crypto
 * has no OCSP, and node-forge / pkijs would each bring a second, larger ASN.1 stack. Signatures are
 * checked with node:crypto (`verify`), as core/crl.ts does.
 */

export type OcspHashAlgorithm = 'SHA256' | 'SHA384' | 'SHA512';

/** OCPP's OCSPRequestDataType / CertificateHashDataType: hashes and serial in hex. */
export interface CertificateHashData {
  hashAlgorithm: OcspHashAlgorithm;
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
}

export interface OcspRequestData extends CertificateHashData {
  responderURL: string;
}

const HASH_OID: Record<OcspHashAlgorithm, string> = {
  SHA256: '2.16.840.1.101.3.4.2.1',
  SHA384: '2.16.840.1.101.3.4.2.2',
  SHA512: '2.16.840.1.101.3.4.2.3',
};
const NODE_HASH: Record<OcspHashAlgorithm, string> = { SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };

/** Serial numbers compare as uppercase hex without leading zeros (OCPP's representation). */
export function normalizeHex(hex: string): string {
  return hex.toUpperCase().replace(/^0+(?=.)/, '');
}

function hexBytes(hex: string): Buffer {
  const h = hex.length % 2 ? `0${hex}` : hex;
  if (!/^[0-9a-fA-F]*$/.test(h)) throw new OcspError('bad-hash-data', 'hash data must be hexadecimal');
  return Buffer.from(h, 'hex');
}

/** A positive INTEGER's content octets from hex (a leading zero octet when the top bit is set). */
function serialBytes(hex: string): Buffer {
  const bytes = hexBytes(normalizeHex(hex));
  return bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

export class OcspError extends Error {
  constructor(
    readonly reason: OcspFailure,
    message: string,
  ) {
    super(message);
    this.name = 'OcspError';
  }
}

export type OcspFailure =
  | 'bad-hash-data'
  | 'unreachable'
  | 'http-status'
  | 'malformed-response'
  | 'responder-refused'
  | 'no-matching-response'
  | 'bad-signature'
  | 'responder-unauthorised'
  | 'stale-response';

/** The DER OCSPRequest for one certificate (unsigned, no nonce: responders may then pre-produce and cache). */
export function ocspRequestDer(data: CertificateHashData): Buffer {
  const request = new OCSPRequest({
    tbsRequest: new TBSRequest({ requestList: [new Request({ reqCert: certId(data) })] }),
  });
  return Buffer.from(AsnConvert.serialize(request));
}

function certId(data: CertificateHashData): CertID {
  const oid = HASH_OID[data.hashAlgorithm];
  if (!oid) throw new OcspError('bad-hash-data', `unknown hash algorithm ${String(data.hashAlgorithm)}`);
  return new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: oid, parameters: null }),
    issuerNameHash: new OctetString(hexBytes(data.issuerNameHash)),
    issuerKeyHash: new OctetString(hexBytes(data.issuerKeyHash)),
    serialNumber: new Uint8Array(serialBytes(data.serialNumber)).buffer,
  });
}

function parsed(cert: X509Certificate): Certificate {
  return AsnConvert.parse(cert.raw, Certificate);
}

/** SHA-x of the DER subjectPublicKey bits (RFC 6960 issuerKeyHash), hex uppercase. */
export function publicKeyHash(cert: X509Certificate, algorithm: OcspHashAlgorithm): string {
  const key = parsed(cert).tbsCertificate.subjectPublicKeyInfo.subjectPublicKey;
  return createHash(NODE_HASH[algorithm]).update(Buffer.from(key)).digest('hex').toUpperCase();
}

/** SHA-x of the DER subject name (RFC 6960 issuerNameHash when cert is the issuer), hex uppercase. */
export function subjectNameHash(cert: X509Certificate, algorithm: OcspHashAlgorithm): string {
  const name = AsnConvert.serialize(parsed(cert).tbsCertificate.subject);
  return createHash(NODE_HASH[algorithm]).update(Buffer.from(name)).digest('hex').toUpperCase();
}

/** The OCPP hash data of `cert` as issued by `issuer`. */
export function certificateHashData(cert: X509Certificate, issuer: X509Certificate, algorithm: OcspHashAlgorithm = 'SHA256'): CertificateHashData {
  return {
    hashAlgorithm: algorithm,
    issuerNameHash: subjectNameHash(issuer, algorithm),
    issuerKeyHash: publicKeyHash(issuer, algorithm),
    serialNumber: normalizeHex(cert.serialNumber),
  };
}

/** The OCSP responder URL from a certificate's Authority Information Access, if any. */
export function ocspResponderUrl(cert: X509Certificate): string | undefined {
  const match = /OCSP - URI:(\S+)/.exec(cert.infoAccess ?? '');
  return match?.[1];
}

export type CertStatus = 'good' | 'revoked' | 'unknown';

/** What a checked response says about the one certificate asked for. */
export interface OcspVerdict {
  status: CertStatus;
  thisUpdate: string;
  /** Absent: the responder gives no validity (newer information is always available). */
  nextUpdate: string | undefined;
  revokedAt: string | undefined;
  producedAt: string;
  /**
   * Who signed: the issuer's own key, a delegated responder the issuer authorised, or a delegated
   * responder whose issuer is not known here (signature valid, authority unchecked: good enough
   * to pass the response on to a station, whose EV checks it; never enough to decide on).
   */
  signer: 'issuer' | 'delegate' | 'unverified-delegate';
}

/** Clock skew tolerated on thisUpdate / nextUpdate. */
const SKEW_MS = 5 * 60_000;

/**
 * Reads a DER OCSPResponse for `asked` and checks it: a successful basic response, a
 * SingleResponse for the same CertID, current (thisUpdate not in the future, nextUpdate not
 * passed, beyond a 5-minute skew), signed by the issuer itself (its key hash is the CertID's) or
 * by a delegated responder (OCSPSigning EKU) that the issuer signed. The issuer certificate is
 * found among `issuers` (configured trust anchors and the chain a station sent) by its key hash;
 * without it a delegated responder's response comes back as `unverified-delegate`.
 * Throws OcspError with the reason otherwise.
 */
export function checkOcspResponse(der: Uint8Array, asked: CertificateHashData, now: Date, issuers: readonly X509Certificate[] = []): OcspVerdict {
  let response: OCSPResponse;
  let basic: BasicOCSPResponse;
  try {
    response = AsnConvert.parse(der, OCSPResponse);
  } catch (error) {
    throw new OcspError('malformed-response', `not an OCSP response: ${(error as Error).message}`);
  }
  if (response.responseStatus !== OCSPResponseStatus.successful) {
    throw new OcspError('responder-refused', `responder answered ${OCSPResponseStatus[response.responseStatus] ?? response.responseStatus}`);
  }
  if (!response.responseBytes || response.responseBytes.responseType !== id_pkix_ocsp_basic) throw new OcspError('malformed-response', 'no basic OCSP response');
  try {
    basic = AsnConvert.parse(response.responseBytes.response, BasicOCSPResponse);
  } catch (error) {
    throw new OcspError('malformed-response', `bad basic OCSP response: ${(error as Error).message}`);
  }
  const algorithm = asked.hashAlgorithm;
  const single = basic.tbsResponseData.responses.find((r) => {
    const id = r.certID;
    return (
      id.hashAlgorithm.algorithm === HASH_OID[algorithm] &&
      Buffer.from(id.issuerNameHash.buffer).toString('hex').toUpperCase() === asked.issuerNameHash.toUpperCase() &&
      Buffer.from(id.issuerKeyHash.buffer).toString('hex').toUpperCase() === asked.issuerKeyHash.toUpperCase() &&
      normalizeHex(Buffer.from(id.serialNumber).toString('hex')) === normalizeHex(asked.serialNumber)
    );
  });
  if (!single) throw new OcspError('no-matching-response', 'the response is about another certificate');
  const signer = verifySigner(basic, asked, issuers);
  const t = now.getTime();
  if (single.thisUpdate.getTime() > t + SKEW_MS) throw new OcspError('stale-response', 'thisUpdate is in the future');
  if (single.nextUpdate && single.nextUpdate.getTime() < t - SKEW_MS) throw new OcspError('stale-response', 'nextUpdate has passed');
  // CertStatus is a CHOICE of NULLs and RevokedInfo: the chosen member is the one present.
  const status: CertStatus = single.certStatus.revoked ? 'revoked' : single.certStatus.good !== undefined ? 'good' : 'unknown';
  return {
    status,
    thisUpdate: single.thisUpdate.toISOString(),
    nextUpdate: single.nextUpdate?.toISOString(),
    revokedAt: single.certStatus.revoked?.revocationTime.toISOString(),
    producedAt: basic.tbsResponseData.producedAt.toISOString(),
    signer,
  };
}

function signatureHash(oid: string): string | null | undefined {
  const table: Record<string, string | null> = {
    '1.2.840.113549.1.1.11': 'sha256',
    '1.2.840.113549.1.1.12': 'sha384',
    '1.2.840.113549.1.1.13': 'sha512',
    '1.2.840.10045.4.3.2': 'sha256',
    '1.2.840.10045.4.3.3': 'sha384',
    '1.2.840.10045.4.3.4': 'sha512',
    '1.3.101.112': null, // Ed25519
  };
  return table[oid];
}

function verifySigner(basic: BasicOCSPResponse, asked: CertificateHashData, issuers: readonly X509Certificate[]): OcspVerdict['signer'] {
  const tbs = basic.tbsResponseDataRaw ?? AsnConvert.serialize(basic.tbsResponseData);
  const hash = signatureHash(basic.signatureAlgorithm.algorithm);
  if (hash === undefined) throw new OcspError('bad-signature', `unsupported signature algorithm ${basic.signatureAlgorithm.algorithm}`);
  const signedBy = (cert: X509Certificate) => {
    try {
      return verify(hash, Buffer.from(tbs), cert.publicKey, Buffer.from(basic.signature));
    } catch {
      return false;
    }
  };
  const algorithm = asked.hashAlgorithm;
  const isIssuer = (cert: X509Certificate) =>
    publicKeyHash(cert, algorithm) === asked.issuerKeyHash.toUpperCase() && subjectNameHash(cert, algorithm) === asked.issuerNameHash.toUpperCase();
  const carried = (basic.certs ?? []).map((c) => new X509Certificate(Buffer.from(AsnConvert.serialize(c))));
  const issuer = [...issuers, ...carried].find(isIssuer);
  // The issuer signed the response itself.
  if (issuer && signedBy(issuer)) return 'issuer';
  const delegate = carried.find(signedBy);
  if (!delegate) throw new OcspError('bad-signature', 'the response signature does not verify with the issuer or a certificate it carries');
  if (!hasOcspSigning(delegate)) throw new OcspError('responder-unauthorised', 'the responder certificate has no OCSPSigning usage');
  if (!issuer) return 'unverified-delegate';
  if (!delegate.verify(issuer.publicKey)) throw new OcspError('responder-unauthorised', 'the responder certificate was not issued by the certificate\'s issuer');
  return 'delegate';
}

/** A verdict good enough to decide on (Authorize): the signer's authority was checked. */
export function trustedVerdict(verdict: OcspVerdict): boolean {
  return verdict.signer !== 'unverified-delegate';
}

function hasOcspSigning(cert: X509Certificate): boolean {
  const ext = parsed(cert).tbsCertificate.extensions?.find((e) => e.extnID === id_ce_extKeyUsage);
  if (!ext) return false;
  const usage = AsnConvert.parse(ext.extnValue, ExtendedKeyUsage);
  return usage.includes(id_kp_OCSPSigning);
}
