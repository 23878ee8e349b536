import { certificateId, type CertificateHashData } from './certificates.js';

/**
 * The certificates a station holds, as far as the CSMS knows (OCPP 2.0.1 blocks A and M, 1.6
 * security whitepaper): those we signed (CertificateSigned accepted), those we installed
 * (InstallCertificate accepted) and those the station reported (GetInstalledCertificateIds).
 * One record per certificate, identified by its hash data (`certificateId`). Pure.
 */

/** Where the record comes from: expiry is known for `signed` and `installed`, not for `reported`. */
export type CertificateSource = 'signed' | 'installed' | 'reported';

/** The renewal of a certificate we signed (certificate-renewal job): asked, done, or failed (and retried later). */
export interface CertificateRenewal {
  status: 'triggered' | 'renewed' | 'failed';
  /** When the status was set. */
  at: string;
  /** Why it failed (the station's answer, or the call's failure). */
  error?: string;
  /** The serial of the certificate that replaced it (renewed). */
  renewedBy?: string;
  /** How many times the renewal was asked. */
  attempts: number;
}

export interface StationCertificate {
  tenantId: string;
  stationId: string;
  /** certificateId(hashData): serial and issuer hashes. */
  id: string;
  /**
   * The OCPP type as the station's version names it: 2.x ChargingStationCertificate,
   * V2GCertificateChain, CSMSRootCertificate, ManufacturerRootCertificate, MORootCertificate,
   * V2GRootCertificate; 1.6 ChargePointCertificate, CentralSystemRootCertificate, ManufacturerRootCertificate.
   */
  certificateType: string;
  hashData: CertificateHashData;
  source: CertificateSource;
  /** Subject DN (one RDN a line, as node prints it); null when only the hash data is known. */
  subject: string | null;
  /** ISO-8601; null when unknown (reported certificates). */
  notAfter: string | null;
  renewal: CertificateRenewal | null;
  createdAt: string;
  updatedAt: string;
}

export function newCertificateRecord(
  input: Omit<StationCertificate, 'id' | 'renewal' | 'createdAt' | 'updatedAt' | 'subject' | 'notAfter'> & { subject?: string | null; notAfter?: string | null; at: string },
): StationCertificate {
  return {
    tenantId: input.tenantId,
    stationId: input.stationId,
    id: certificateId(input.hashData),
    certificateType: input.certificateType,
    hashData: input.hashData,
    source: input.source,
    subject: input.subject ?? null,
    notAfter: input.notAfter ?? null,
    renewal: null,
    createdAt: input.at,
    updatedAt: input.at,
  };
}

/**
 * A record the station reported again: what we knew (source, expiry, renewal) stays; a new one
 * is `reported`.
 */
export function mergeReported(known: StationCertificate | undefined, reported: StationCertificate): StationCertificate {
  if (!known) return reported;
  return { ...known, certificateType: reported.certificateType, updatedAt: reported.updatedAt };
}

/** The certificate types whose records we sign and renew. */
export const STATION_CERTIFICATE_TYPES: readonly string[] = ['ChargingStationCertificate', 'ChargePointCertificate'];

export interface RenewalPolicy {
  /** Renew certificates expiring within this many days. */
  windowDays: number;
  /** A failed or unanswered renewal is asked again after this long. */
  retryAfterMs: number;
}

/**
 * Whether a certificate is due for renewal at `now`: one we signed, expiring within the window,
 * not renewed, and not asked recently (a triggered renewal the station never followed up, or a
 * failed one, is asked again after `retryAfterMs`).
 */
export function dueForRenewal(cert: StationCertificate, now: Date, policy: RenewalPolicy): boolean {
  if (cert.source !== 'signed' || cert.notAfter === null) return false;
  if (Date.parse(cert.notAfter) > now.getTime() + policy.windowDays * 86_400_000) return false;
  if (!cert.renewal) return true;
  if (cert.renewal.status === 'renewed') return false;
  return Date.parse(cert.renewal.at) + policy.retryAfterMs <= now.getTime();
}
