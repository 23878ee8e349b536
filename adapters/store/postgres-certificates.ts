import type { Sql } from 'postgres';
import { mergeReported, type CertificateRenewal, type StationCertificate } from '../../core/certificate-inventory.js';
import type { CertificateStore, RenewalQuery } from '../../core/ports/store/certificate-store.js';
import type { PgGroupCommit } from './postgres-group-commit.js';

/** The inventory and job-lease tables; appended to the PostgreSQL migrations (postgres-migrations.ts). */
export const POSTGRES_CERTIFICATES_TABLES = `CREATE TABLE station_certificates (
     tenant_id text COLLATE "C" NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     id text COLLATE "C" NOT NULL,
     certificate_type text COLLATE "C" NOT NULL,
     source text NOT NULL,
     not_after text COLLATE "C",
     renewal_status text,
     renewal_at text COLLATE "C",
     created_at text COLLATE "C" NOT NULL,
     body text NOT NULL,
     PRIMARY KEY (tenant_id, station_id, id)
   );
   CREATE INDEX station_certificates_expiry ON station_certificates (not_after) WHERE source = 'signed';
   CREATE INDEX station_certificates_renewals ON station_certificates (tenant_id, renewal_at) WHERE renewal_status IS NOT NULL;
   CREATE TABLE job_leases (
     job text COLLATE "C" PRIMARY KEY,
     node_id text COLLATE "C" NOT NULL,
     until text COLLATE "C" NOT NULL
   )`;

type Row = { body: string };
const parse = (row: Row) => JSON.parse(row.body) as StationCertificate;
type Tx = Parameters<Parameters<PgGroupCommit['pipelined']>[0]>[0];

/** Station certificates on PostgreSQL: one row per certificate, the record as JSON text; read-then-write under FOR UPDATE. */
export class PostgresCertificates implements CertificateStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  private write(tx: Tx, r: StationCertificate) {
    return tx`INSERT INTO station_certificates (tenant_id, station_id, id, certificate_type, source, not_after, renewal_status, renewal_at, created_at, body)
      VALUES (${r.tenantId}, ${r.stationId}, ${r.id}, ${r.certificateType}, ${r.source}, ${r.notAfter}, ${r.renewal?.status ?? null}, ${r.renewal?.at ?? null}, ${r.createdAt}, ${JSON.stringify(r)})
      ON CONFLICT (tenant_id, station_id, id) DO UPDATE SET certificate_type = excluded.certificate_type, source = excluded.source,
        not_after = excluded.not_after, renewal_status = excluded.renewal_status, renewal_at = excluded.renewal_at, body = excluded.body`;
  }

  put(record: StationCertificate): Promise<void> {
    return this.writer.pipelined((tx) => this.write(tx, record).then(() => undefined));
  }

  async get(tenantId: string, stationId: string, id: string): Promise<StationCertificate | undefined> {
    const [row] = await this.sql<Row[]>`SELECT body FROM station_certificates WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND id = ${id}`;
    return row ? parse(row) : undefined;
  }

  async list(tenantId: string, stationId: string): Promise<StationCertificate[]> {
    const rows = await this.sql<Row[]>`SELECT body FROM station_certificates WHERE tenant_id = ${tenantId} AND station_id = ${stationId}
      ORDER BY certificate_type, created_at, id`;
    return rows.map(parse);
  }

  remove(tenantId: string, stationId: string, id: string): Promise<boolean> {
    return this.writer.pipelined((tx) =>
      tx`DELETE FROM station_certificates WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND id = ${id}`.then((r) => r.count > 0),
    );
  }

  replaceReported(tenantId: string, stationId: string, types: readonly string[], records: readonly StationCertificate[]): Promise<void> {
    return this.writer.sequential(async (tx) => {
      const rows = await tx<Row[]>`SELECT body FROM station_certificates WHERE tenant_id = ${tenantId} AND station_id = ${stationId}
        AND certificate_type = ANY(${[...types]}) FOR UPDATE`;
      const known = new Map(rows.map(parse).map((r) => [r.id, r]));
      const reported = new Set(records.map((r) => r.id));
      const gone = [...known.keys()].filter((id) => !reported.has(id));
      if (gone.length > 0) await tx`DELETE FROM station_certificates WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND id = ANY(${gone})`;
      for (const record of records) await this.write(tx, mergeReported(known.get(record.id), record));
    });
  }

  async listRenewalCandidates(query: RenewalQuery): Promise<StationCertificate[]> {
    const rows = await this.sql<Row[]>`SELECT body FROM station_certificates WHERE source = 'signed' AND not_after <= ${query.expiringBefore}
      AND (renewal_status IS NULL OR (renewal_status <> 'renewed' AND renewal_at <= ${query.askedBefore}))
      ORDER BY not_after, tenant_id, station_id, id LIMIT ${query.limit}`;
    return rows.map(parse);
  }

  setRenewal(tenantId: string, stationId: string, id: string, renewal: CertificateRenewal, at: string): Promise<boolean> {
    return this.writer.sequential(async (tx) => {
      const [row] = await tx<Row[]>`SELECT body FROM station_certificates WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND id = ${id} FOR UPDATE`;
      if (!row) return false;
      await this.write(tx, { ...parse(row), renewal, updatedAt: at });
      return true;
    });
  }

  async listRenewals(tenantId: string, limit: number): Promise<StationCertificate[]> {
    const rows = await this.sql<Row[]>`SELECT body FROM station_certificates WHERE tenant_id = ${tenantId} AND renewal_status IS NOT NULL
      ORDER BY renewal_at DESC, station_id, id LIMIT ${limit}`;
    return rows.map(parse);
  }

  takeLease(job: string, nodeId: string, now: string, until: string): Promise<boolean> {
    return this.writer.pipelined((tx) =>
      tx`INSERT INTO job_leases (job, node_id, until) VALUES (${job}, ${nodeId}, ${until})
        ON CONFLICT (job) DO UPDATE SET node_id = excluded.node_id, until = excluded.until
        WHERE job_leases.node_id = excluded.node_id OR job_leases.until <= ${now} RETURNING 1`.then((r) => r.length === 1),
    );
  }

  releaseLease(job: string, nodeId: string): Promise<void> {
    return this.writer.pipelined((tx) => tx`DELETE FROM job_leases WHERE job = ${job} AND node_id = ${nodeId}`.then(() => undefined));
  }
}
