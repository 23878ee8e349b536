import { verify, type KeyObject, type X509Certificate } from 'node:crypto';
import { children, readTlv, type Tlv } from './der.js';

/**
 * Certificate revocation lists (RFC 5280 §5) read from a PEM file: just enough DER to take the
 * revoked serial numbers and check the list's signature against the CA that issued it. Pure.
 */
export interface RevocationList {
  /** The CA certificate whose key signed the list. */
  issuer: X509Certificate;
  /** Revoked serial numbers, uppercase hex without leading zeros. */
  revoked: ReadonlySet<string>;
  nextUpdate: Date | undefined;
}

const HASH_OF_SIGNATURE: Record<string, string> = {
  '2a864886f70d01010b': 'sha256', // sha256WithRSAEncryption
  '2a864886f70d01010c': 'sha384',
  '2a864886f70d01010d': 'sha512',
  '2a8648ce3d040302': 'sha256', // ecdsa-with-SHA256
  '2a8648ce3d040303': 'sha384',
  '2a8648ce3d040304': 'sha512',
};

export function normalizeSerial(hex: string): string {
  return hex.toUpperCase().replace(/^0+(?=.)/, '');
}

function time(der: Buffer, t: Tlv): Date {
  const text = der.subarray(t.contentStart, t.end).toString('latin1');
  // UTCTime YYMMDDHHMMSSZ (years 1950-2049), GeneralizedTime YYYYMMDDHHMMSSZ
  const full = t.tag === 0x17 ? `${Number(text.slice(0, 2)) >= 50 ? '19' : '20'}${text}` : text;
  return new Date(`${full.slice(0, 4)}-${full.slice(4, 6)}-${full.slice(6, 8)}T${full.slice(8, 10)}:${full.slice(10, 12)}:${full.slice(12, 14)}Z`);
}

/** One DER CRL, verified against the first authority whose key signed it; throws when none did or it is malformed. */
export function parseRevocationList(der: Buffer, authorities: readonly X509Certificate[]): RevocationList {
  const root = readTlv(der, 0);
  const [tbs, algorithm, signature] = children(der, root);
  if (!tbs || !algorithm || !signature || signature.tag !== 0x03) throw new Error('not a CRL');
  const oid = children(der, algorithm)[0];
  const hash = oid && HASH_OF_SIGNATURE[der.subarray(oid.contentStart, oid.end).toString('hex')];
  if (!hash) throw new Error('CRL signature algorithm not supported (RSA PKCS#1 v1.5 or ECDSA with SHA-2)');
  const tbsDer = der.subarray(tbs.start, tbs.end);
  const signatureBytes = der.subarray(signature.contentStart + 1, signature.end); // skip the unused-bits byte
  const issuer = authorities.find((ca) => {
    try {
      return verify(hash, tbsDer, ca.publicKey as KeyObject, signatureBytes);
    } catch {
      return false;
    }
  });
  if (!issuer) throw new Error('CRL not signed by a configured station CA');
  const fields = children(der, tbs);
  let i = fields[0]?.tag === 0x02 ? 1 : 0; // version
  i += 2; // signature algorithm, issuer
  i += 1; // thisUpdate
  let nextUpdate: Date | undefined;
  if (fields[i] && (fields[i]!.tag === 0x17 || fields[i]!.tag === 0x18)) nextUpdate = time(der, fields[i++]!);
  const revoked = new Set<string>();
  if (fields[i] && fields[i]!.tag === 0x30) {
    for (const entry of children(der, fields[i]!)) {
      const serial = children(der, entry)[0];
      if (serial?.tag === 0x02) revoked.add(normalizeSerial(der.subarray(serial.contentStart, serial.end).toString('hex')));
    }
  }
  return { issuer, revoked, nextUpdate };
}

/** Every CRL in a PEM file (`-----BEGIN X509 CRL-----`). */
export function parseRevocationLists(pem: string, authorities: readonly X509Certificate[]): RevocationList[] {
  const blocks = pem.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? [];
  return blocks.map((block) => parseRevocationList(Buffer.from(block.replace(/-----[A-Z0-9 ]+-----|\s/g, ''), 'base64'), authorities));
}

/** Whether a certificate issued by `issuer` is on one of its lists. */
export function isRevoked(cert: X509Certificate, issuer: X509Certificate, lists: readonly RevocationList[]): boolean {
  const serial = normalizeSerial(cert.serialNumber);
  return lists.some((list) => list.issuer === issuer && list.revoked.has(serial));
}
