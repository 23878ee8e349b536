import type { Database, Statement } from 'better-sqlite3';
import { mergeReported, type CertificateRenewal, type StationCertificate } from '../../core/certificate-inventory.js';
import type { CertificateStore, RenewalQuery } from '../../core/ports/store/certificate-store.js';
import type { GroupCommit } from './group-commit.js';

/** The inventory and job-lease tables; appended to the SQLite migrations (sqlite-migrations.ts). */
export const SQLITE_CERTIFICATES_TABLES = `CREATE TABLE station_certificates (
     tenant_id TEXT NOT NULL,
     station_id TEXT NOT NULL,
     id TEXT NOT NULL,
     certificate_type TEXT NOT NULL,
     source TEXT NOT NULL,
     not_after TEXT,
     renewal_status TEXT,
     renewal_at TEXT,
     created_at TEXT NOT NULL,
     body TEXT NOT NULL,
     PRIMARY KEY (tenant_id, station_id, id)
   ) WITHOUT ROWID;
   CREATE INDEX station_certificates_expiry ON station_certificates (not_after) WHERE source = 'signed';
   CREATE INDEX station_certificates_renewals ON station_certificates (tenant_id, renewal_at) WHERE renewal_status IS NOT NULL;
   CREATE TABLE job_leases (
     job TEXT PRIMARY KEY,
     node_id TEXT NOT NULL,
     until TEXT NOT NULL
   ) WITHOUT ROWID;`;

type Row = { body: string };
const parse = (row: Row) => JSON.parse(row.body) as StationCertificate;

/** Station certificates on SQLite: one row per certificate, the record as JSON beside the columns the job queries. */
export class SqliteCertificates implements CertificateStore {
  private readonly stmt: Record<'upsert' | 'get' | 'list' | 'remove' | 'ofTypes' | 'candidates' | 'renewals' | 'lease' | 'release', Statement>;

  constructor(
    db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      upsert: db.prepare(
        `INSERT INTO station_certificates (tenant_id, station_id, id, certificate_type, source, not_after, renewal_status, renewal_at, created_at, body)
         VALUES (@tenantId, @stationId, @id, @certificateType, @source, @notAfter, @renewalStatus, @renewalAt, @createdAt, @body)
         ON CONFLICT (tenant_id, station_id, id) DO UPDATE SET certificate_type = excluded.certificate_type, source = excluded.source,
           not_after = excluded.not_after, renewal_status = excluded.renewal_status, renewal_at = excluded.renewal_at, body = excluded.body`,
      ),
      get: db.prepare('SELECT body FROM station_certificates WHERE tenant_id = ? AND station_id = ? AND id = ?'),
      list: db.prepare('SELECT body FROM station_certificates WHERE tenant_id = ? AND station_id = ? ORDER BY certificate_type, created_at, id'),
      remove: db.prepare('DELETE FROM station_certificates WHERE tenant_id = ? AND station_id = ? AND id = ?'),
      ofTypes: db.prepare('SELECT body FROM station_certificates WHERE tenant_id = ? AND station_id = ? AND certificate_type IN (SELECT value FROM json_each(?))'),
      candidates: db.prepare(
        `SELECT body FROM station_certificates WHERE source = 'signed' AND not_after <= ?
           AND (renewal_status IS NULL OR (renewal_status <> 'renewed' AND renewal_at <= ?))
         ORDER BY not_after, tenant_id, station_id, id LIMIT ?`,
      ),
      renewals: db.prepare('SELECT body FROM station_certificates WHERE tenant_id = ? AND renewal_status IS NOT NULL ORDER BY renewal_at DESC, station_id, id LIMIT ?'),
      lease: db.prepare(
        `INSERT INTO job_leases (job, node_id, until) VALUES (@job, @nodeId, @until)
         ON CONFLICT (job) DO UPDATE SET node_id = excluded.node_id, until = excluded.until
         WHERE job_leases.node_id = excluded.node_id OR job_leases.until <= @now`,
      ),
      release: db.prepare('DELETE FROM job_leases WHERE job = ? AND node_id = ?'),
    };
  }

  private write(record: StationCertificate): void {
    this.stmt.upsert.run({
      tenantId: record.tenantId,
      stationId: record.stationId,
      id: record.id,
      certificateType: record.certificateType,
      source: record.source,
      notAfter: record.notAfter,
      renewalStatus: record.renewal?.status ?? null,
      renewalAt: record.renewal?.at ?? null,
      createdAt: record.createdAt,
      body: JSON.stringify(record),
    });
  }

  put(record: StationCertificate): Promise<void> {
    return this.writer.enqueue(() => this.write(record));
  }

  async get(tenantId: string, stationId: string, id: string): Promise<StationCertificate | undefined> {
    const row = this.stmt.get.get(tenantId, stationId, id) as Row | undefined;
    return row ? parse(row) : undefined;
  }

  async list(tenantId: string, stationId: string): Promise<StationCertificate[]> {
    return (this.stmt.list.all(tenantId, stationId) as Row[]).map(parse);
  }

  remove(tenantId: string, stationId: string, id: string): Promise<boolean> {
    return this.writer.enqueue(() => this.stmt.remove.run(tenantId, stationId, id).changes > 0);
  }

  replaceReported(tenantId: string, stationId: string, types: readonly string[], records: readonly StationCertificate[]): Promise<void> {
    return this.writer.enqueue(() => {
      const known = new Map((this.stmt.ofTypes.all(tenantId, stationId, JSON.stringify(types)) as Row[]).map(parse).map((r) => [r.id, r]));
      const reported = new Set(records.map((r) => r.id));
      for (const id of known.keys()) if (!reported.has(id)) this.stmt.remove.run(tenantId, stationId, id);
      for (const record of records) this.write(mergeReported(known.get(record.id), record));
    });
  }

  async listRenewalCandidates(query: RenewalQuery): Promise<StationCertificate[]> {
    return (this.stmt.candidates.all(query.expiringBefore, query.askedBefore, query.limit) as Row[]).map(parse);
  }

  setRenewal(tenantId: string, stationId: string, id: string, renewal: CertificateRenewal, at: string): Promise<boolean> {
    return this.writer.enqueue(() => {
      const row = this.stmt.get.get(tenantId, stationId, id) as Row | undefined;
      if (!row) return false;
      this.write({ ...parse(row), renewal, updatedAt: at });
      return true;
    });
  }

  async listRenewals(tenantId: string, limit: number): Promise<StationCertificate[]> {
    return (this.stmt.renewals.all(tenantId, limit) as Row[]).map(parse);
  }

  takeLease(job: string, nodeId: string, now: string, until: string): Promise<boolean> {
    return this.writer.enqueue(() => this.stmt.lease.run({ job, nodeId, until, now }).changes > 0);
  }

  releaseLease(job: string, nodeId: string): Promise<void> {
    return this.writer.enqueue(() => {
      this.stmt.release.run(job, nodeId);
    });
  }
}
