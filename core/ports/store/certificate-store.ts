import type { CertificateRenewal, StationCertificate } from '../../certificate-inventory.js';

/** Which certificates the renewal job looks at: signed ones expiring before `expiringBefore`, not renewed, not asked since `askedBefore`. */
export interface RenewalQuery {
  expiringBefore: string;
  askedBefore: string;
  limit: number;
}

/**
 * Each station's certificates (core/certificate-inventory.ts), keyed by tenant, station and
 * certificate id; plus the one lease the fleet-wide renewal job runs under. A slice exposed as
 * `store.certificates`.
 */
export interface CertificateStore {
  /** Creates or replaces the record (same tenant, station and id). */
  put(record: StationCertificate): Promise<void>;
  get(tenantId: string, stationId: string, id: string): Promise<StationCertificate | undefined>;
  /** A station's certificates, by type then creation. */
  list(tenantId: string, stationId: string): Promise<StationCertificate[]>;
  /** False when there was no such record. */
  remove(tenantId: string, stationId: string, id: string): Promise<boolean>;
  /**
   * A GetInstalledCertificateIds answer: the station holds exactly `records` of `types`. Records of
   * those types it no longer reports go; those it reports keep what we knew (mergeReported).
   */
  replaceReported(tenantId: string, stationId: string, types: readonly string[], records: readonly StationCertificate[]): Promise<void>;
  /** Across tenants, soonest expiry first: candidates for renewal (dueForRenewal decides). */
  listRenewalCandidates(query: RenewalQuery): Promise<StationCertificate[]>;
  /** Sets a record's renewal; false when the record is gone. */
  setRenewal(tenantId: string, stationId: string, id: string, renewal: CertificateRenewal, at: string): Promise<boolean>;
  /** A tenant's certificates with a renewal, most recent renewal first. */
  listRenewals(tenantId: string, limit: number): Promise<StationCertificate[]>;
  /**
   * Takes or renews the lease of a background job (e.g. certificate-renewal) for `nodeId` until
   * `until`: true when free, expired at `now`, or already this node's. One node runs the job at a time.
   */
  takeLease(job: string, nodeId: string, now: string, until: string): Promise<boolean>;
  /** Hands the lease back (graceful stop); only the holder's. */
  releaseLease(job: string, nodeId: string): Promise<void>;
}
