import { X509Certificate } from 'node:crypto';
import { isRevoked, type RevocationList } from './crl.js';

/**
 * OCPP security profiles (2.0.1 Part 2 A00, 1.6 security whitepaper): 1 = Basic auth over any
 * connection, 2 = TLS (server certificate) + Basic auth, 3 = mutual TLS (client certificate whose
 * subject CN is the station id), no password. Pure: the gateway passes what it saw on the wire.
 */
export type SecurityProfile = 1 | 2 | 3;
export const SECURITY_PROFILES: readonly SecurityProfile[] = [1, 2, 3];

/** A client certificate as the gateway judged it (TLS listener only). */
export type ClientCertificate = { kind: 'none' } | { kind: 'valid'; commonName: string } | { kind: 'invalid'; reason: string };

/** What a connection offers: plain or TLS, and the peer certificate seen in the handshake. */
export interface TransportSecurity {
  tls: boolean;
  certificate: ClientCertificate;
}

export const PLAIN: TransportSecurity = { tls: false, certificate: { kind: 'none' } };

/** Why a login was refused: `code` is the metric label (a short, fixed set), `reason` the log text. */
export interface Refusal {
  code: RefusalCode;
  reason: string;
}

export type RefusalCode =
  | 'no-credentials'
  | 'user-mismatch'
  | 'unknown-station'
  | 'no-password-set'
  | 'wrong-password'
  | 'plain-connection'
  | 'no-client-certificate'
  | 'bad-client-certificate'
  | 'locked'
  | 'rate-limited';

/**
 * The transport check of a station's profile: undefined when the connection is strong enough,
 * else the refusal. A station registered at 2 or 3 can never log in over a weaker transport.
 */
export function transportRefusal(profile: SecurityProfile, stationId: string, transport: TransportSecurity): Refusal | undefined {
  if (profile === 1) return undefined;
  if (!transport.tls) return { code: 'plain-connection', reason: `security profile ${profile} station on a plain (ws://) connection` };
  if (profile === 2) return undefined;
  const cert = transport.certificate;
  if (cert.kind === 'none') return { code: 'no-client-certificate', reason: 'security profile 3 station without a client certificate' };
  if (cert.kind === 'invalid') return { code: 'bad-client-certificate', reason: `client certificate refused: ${cert.reason}` };
  if (cert.commonName !== stationId) {
    return { code: 'bad-client-certificate', reason: `client certificate CN '${cert.commonName}' is not the station id` };
  }
  return undefined;
}

/** Whether a profile needs the Basic password (1, 2) or only the client certificate (3). */
export function needsPassword(profile: SecurityProfile): boolean {
  return profile !== 3;
}

/** The subject's single CN, or undefined when it has none or several. */
export function subjectCommonName(subject: string): string | undefined {
  const names = subject
    .split('\n')
    .filter((line) => line.startsWith('CN='))
    .map((line) => line.slice(3));
  return names.length === 1 ? names[0] : undefined;
}

/**
 * Judges a client certificate (PEM, as the TLS listener read it from the handshake) against the
 * station CA(s): it must be issued (signature checked) by one of them, directly or through
 * intermediates in the same bundle, every certificate on the way valid at `now`, and carry one
 * subject CN. OpenSSL has already verified the chain in the handshake; this repeats it so the
 * decision never rests on a listener option alone, and reads the CN. With revocation lists
 * (CSMS_TLS_CRL_FILE; OpenSSL in uSockets does not check them) a revoked certificate is refused.
 */
export function judgeClientCertificate(pem: string, authorities: readonly X509Certificate[], now: Date, revocations: readonly RevocationList[] = []): ClientCertificate {
  if (!pem) return { kind: 'none' };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return { kind: 'invalid', reason: 'unreadable certificate' };
  }
  const validNow = (c: X509Certificate) => new Date(c.validFrom) <= now && now <= new Date(c.validTo);
  if (!validNow(cert)) return { kind: 'invalid', reason: `not valid now (valid ${cert.validFrom} to ${cert.validTo})` };
  let current = cert;
  for (let depth = 0; depth < 8; depth++) {
    const issuer = authorities.find((ca) => current.checkIssued(ca) && current.verify(ca.publicKey));
    if (!issuer) return { kind: 'invalid', reason: 'not issued by a configured station CA' };
    if (!validNow(issuer)) return { kind: 'invalid', reason: 'its CA certificate is not valid now' };
    if (issuer.ca === false) return { kind: 'invalid', reason: 'issuer is not a CA' };
    if (isRevoked(current, issuer, revocations)) return { kind: 'invalid', reason: `revoked (serial ${current.serialNumber}, CRL of ${issuer.subject.replace(/\n/g, ', ')})` };
    if (issuer.checkIssued(issuer)) {
      const commonName = subjectCommonName(cert.subject);
      return commonName === undefined ? { kind: 'invalid', reason: 'subject has no single CN' } : { kind: 'valid', commonName };
    }
    current = issuer;
  }
  return { kind: 'invalid', reason: 'certificate chain too long' };
}

/** Every certificate in a PEM bundle. */
export function parseCertificateBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}
