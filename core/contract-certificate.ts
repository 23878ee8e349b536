import { X509Certificate } from 'node:crypto';

/**
 * ISO 15118 contract certificates presented in a 2.x Authorize (C07, central contract
 * validation): the chain the station sent (PEM, leaf first, root excluded) judged against the
 * configured V2G / mobility-operator roots. Pure; the revocation check (OCSP) is the caller's.
 */
export type AuthorizeCertificateStatus =
  | 'Accepted'
  | 'SignatureError'
  | 'CertificateExpired'
  | 'CertificateRevoked'
  | 'NoCertificateAvailable'
  | 'CertChainError'
  | 'ContractCancelled';

export interface ChainJudgement {
  status: AuthorizeCertificateStatus;
  reason: string | undefined;
  /** Each certificate with its issuer (the next in the chain, then the root): what OCSP must check. */
  links: { cert: X509Certificate; issuer: X509Certificate }[];
}

export function readCertificates(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((block) => new X509Certificate(block));
}

/** eMAIDs compare without dashes, case-insensitively (DE-8AA-1A2B3C4D5-X = DE8AA1A2B3C4D5X). */
export function normalizeEmaid(value: string): string {
  return value.replace(/-/g, '').toUpperCase();
}

function commonName(cert: X509Certificate): string | undefined {
  return /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * The chain must parse, every certificate be valid now, each be signed by the next, the last by a
 * configured root (or be one), and the leaf's CN be the eMAID presented as the idToken.
 */
export function judgeContractChain(pem: string, roots: readonly X509Certificate[], now: Date, emaid: string): ChainJudgement {
  let chain: X509Certificate[];
  try {
    chain = readCertificates(pem);
  } catch (error) {
    return { status: 'CertChainError', reason: `unreadable certificate: ${(error as Error).message}`, links: [] };
  }
  const fail = (status: AuthorizeCertificateStatus, reason: string): ChainJudgement => ({ status, reason, links: [] });
  if (chain.length === 0) return fail('NoCertificateAvailable', 'no PEM certificate in the request');
  const t = now.getTime();
  for (const cert of chain) {
    if (Date.parse(cert.validTo) < t || Date.parse(cert.validFrom) > t) return fail('CertificateExpired', `${cert.subject.replace(/\n/g, ', ')} valid ${cert.validFrom} – ${cert.validTo}`);
  }
  const links: ChainJudgement['links'] = [];
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!signedBy(chain[i]!, chain[i + 1]!)) return fail('SignatureError', `certificate ${i} is not signed by certificate ${i + 1} of the chain`);
    links.push({ cert: chain[i]!, issuer: chain[i + 1]! });
  }
  const last = chain[chain.length - 1]!;
  const isRoot = roots.some((r) => r.fingerprint256 === last.fingerprint256);
  const root = roots.find((r) => r.fingerprint256 !== last.fingerprint256 && signedBy(last, r));
  if (!isRoot && !root) {
    return fail('CertChainError', roots.length === 0 ? 'no trusted V2G / mobility-operator roots configured (CSMS_PNC_CA_FILE)' : 'the chain does not lead to a configured root');
  }
  if (root) links.push({ cert: last, issuer: root });
  const cn = commonName(chain[0]!);
  if (!cn || normalizeEmaid(cn) !== normalizeEmaid(emaid)) return fail('CertChainError', `contract certificate CN ${cn ?? '(none)'} is not the eMAID ${emaid}`);
  return { status: 'Accepted', reason: undefined, links };
}
