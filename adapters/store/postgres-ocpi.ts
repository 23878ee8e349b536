import type { Sql } from 'postgres';
import type { NewOcpiDelivery, OcpiDelivery, OcpiDoc, OcpiDocKind, OcpiDocQuery, OcpiStore } from '../../core/ports/store/ocpi-store.js';
import type { PgGroupCommit, Tx } from './postgres-group-commit.js';
import { deliveryOfRow, docOfRow } from './sqlite-ocpi.js';

/** The OCPI tables (issue #16); appended to the PostgreSQL migrations (postgres-migrations.ts). */
export const POSTGRES_OCPI_TABLES = `CREATE TABLE ocpi_docs (
     tenant_id text COLLATE "C" NOT NULL,
     kind text COLLATE "C" NOT NULL,
     id text COLLATE "C" NOT NULL,
     scope text COLLATE "C" NOT NULL,
     lookup text COLLATE "C",
     last_updated text COLLATE "C" NOT NULL,
     body text NOT NULL,
     PRIMARY KEY (tenant_id, kind, id)
   );
   CREATE UNIQUE INDEX ocpi_docs_lookup ON ocpi_docs (kind, lookup) WHERE lookup IS NOT NULL;
   CREATE INDEX ocpi_docs_by_updated ON ocpi_docs (tenant_id, kind, last_updated, id);
   CREATE TABLE ocpi_deliveries (
     seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     tenant_id text COLLATE "C" NOT NULL,
     partner_id text COLLATE "C" NOT NULL,
     module text NOT NULL,
     method text NOT NULL,
     path text NOT NULL,
     body text NOT NULL,
     object_key text NOT NULL,
     created_at text NOT NULL,
     attempts integer NOT NULL DEFAULT 0,
     next_at text NOT NULL,
     last_error text
   );
   CREATE INDEX ocpi_deliveries_by_partner ON ocpi_deliveries (tenant_id, partner_id, seq)`;

/** The OCPI slice on PostgreSQL: the same rows as SQLite's (sqlite-ocpi.ts), writes in the group commit. */
export class PostgresOcpi implements OcpiStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  async putDoc(doc: OcpiDoc, deliveries: NewOcpiDelivery[] = []): Promise<boolean> {
    const body = JSON.stringify(doc.body);
    return this.writer.sequential(async (tx) => {
      if (doc.lookup !== null) {
        const [owner] = await tx<Array<{ tenant_id: string; id: string }>>`SELECT tenant_id, id FROM ocpi_docs WHERE kind = ${doc.kind} AND lookup = ${doc.lookup}`;
        if (owner && (owner.tenant_id !== doc.tenantId || owner.id !== doc.id)) throw new Error(`ocpi ${doc.kind} lookup already taken`);
      }
      const [row] = await tx<Array<{ inserted: boolean }>>`INSERT INTO ocpi_docs (tenant_id, kind, id, scope, lookup, last_updated, body)
        VALUES (${doc.tenantId}, ${doc.kind}, ${doc.id}, ${doc.scope}, ${doc.lookup}, ${doc.lastUpdated}, ${body})
        ON CONFLICT (tenant_id, kind, id) DO UPDATE SET scope = excluded.scope, lookup = excluded.lookup, last_updated = excluded.last_updated, body = excluded.body
        RETURNING (xmax = 0) AS inserted`;
      await insertDeliveries(tx, deliveries);
      return row!.inserted;
    });
  }

  async replaceDocIf(doc: OcpiDoc, expected: OcpiDoc, deliveries: NewOcpiDelivery[] = []): Promise<boolean> {
    const body = JSON.stringify(doc.body);
    const before = JSON.stringify(expected.body);
    const replace = (tx: Tx) => tx`UPDATE ocpi_docs SET scope = ${doc.scope}, last_updated = ${doc.lastUpdated}, body = ${body}
      WHERE tenant_id = ${doc.tenantId} AND kind = ${doc.kind} AND id = ${doc.id} AND last_updated = ${expected.lastUpdated} AND body = ${before} RETURNING 1`;
    if (deliveries.length === 0) return (await this.writer.pipelined(replace)).length === 1;
    // The pushes only when it won: a read-then-write, on the batch's transaction.
    return this.writer.sequential(async (tx) => {
      const won = (await replace(tx)).length === 1;
      if (won) await insertDeliveries(tx, deliveries);
      return won;
    });
  }

  async getDoc<T>(kind: OcpiDocKind, tenantId: string, id: string): Promise<OcpiDoc<T> | undefined> {
    const [row] = await this.sql`SELECT * FROM ocpi_docs WHERE tenant_id = ${tenantId} AND kind = ${kind} AND id = ${id}`;
    return row && docOfRow<T>(row as never);
  }

  async findDocByLookup<T>(kind: OcpiDocKind, lookup: string): Promise<OcpiDoc<T> | undefined> {
    const [row] = await this.sql`SELECT * FROM ocpi_docs WHERE kind = ${kind} AND lookup = ${lookup}`;
    return row && docOfRow<T>(row as never);
  }

  async tenantsWithDoc(kind: OcpiDocKind): Promise<string[]> {
    // A loose index scan over the primary key: one seek per tenant, however many documents each has.
    const rows = await this.sql<Array<{ id: string }>>`WITH RECURSIVE tenants(id) AS (
        SELECT min(tenant_id) FROM ocpi_docs
        UNION ALL SELECT (SELECT min(tenant_id) FROM ocpi_docs WHERE tenant_id > tenants.id) FROM tenants WHERE tenants.id IS NOT NULL)
      SELECT id FROM tenants WHERE id IS NOT NULL AND EXISTS (SELECT 1 FROM ocpi_docs WHERE tenant_id = tenants.id AND kind = ${kind})`;
    return rows.map((r) => r.id);
  }

  async listDocs<T>(kind: OcpiDocKind, tenantId: string, query: OcpiDocQuery): Promise<{ items: Array<OcpiDoc<T>>; total: number }> {
    const sql = this.sql;
    const filter = sql`tenant_id = ${tenantId} AND kind = ${kind}
      ${query.scope !== undefined ? sql`AND scope = ${query.scope}` : sql``}
      ${query.from !== undefined ? sql`AND last_updated >= ${query.from}` : sql``}
      ${query.to !== undefined ? sql`AND last_updated < ${query.to}` : sql``}`;
    const [count] = await sql<Array<{ n: string }>>`SELECT count(*) AS n FROM ocpi_docs WHERE ${filter}`;
    const rows = await sql`SELECT * FROM ocpi_docs WHERE ${filter} ORDER BY last_updated, id LIMIT ${query.limit} OFFSET ${query.offset}`;
    return { items: rows.map((r) => docOfRow<T>(r as never)), total: Number(count!.n) };
  }

  async deleteDoc(kind: OcpiDocKind, tenantId: string, id: string): Promise<boolean> {
    const result = await this.writer.pipelined((tx) => tx`DELETE FROM ocpi_docs WHERE tenant_id = ${tenantId} AND kind = ${kind} AND id = ${id}`);
    return result.count > 0;
  }

  async enqueueDeliveries(deliveries: NewOcpiDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.writer.sequential((tx) => insertDeliveries(tx, deliveries));
  }

  async deliveryHeads(limit: number): Promise<OcpiDelivery[]> {
    const rows = await this.sql`SELECT d.* FROM ocpi_deliveries d
      JOIN (SELECT MIN(seq) AS seq FROM ocpi_deliveries GROUP BY tenant_id, partner_id) h ON h.seq = d.seq
      ORDER BY d.seq LIMIT ${limit}`;
    return rows.map((r) => deliveryOfRow(r as never));
  }

  async completeDelivery(seq: number): Promise<void> {
    await this.writer.pipelined((tx) => tx`DELETE FROM ocpi_deliveries WHERE seq = ${seq}`);
  }

  async postponeDelivery(seq: number, nextAt: string, lastError: string): Promise<void> {
    await this.writer.pipelined((tx) => tx`UPDATE ocpi_deliveries SET attempts = attempts + 1, next_at = ${nextAt}, last_error = ${lastError.slice(0, 500)} WHERE seq = ${seq}`);
  }

  async countDeliveries(): Promise<Map<string, number>> {
    const rows = await this.sql<Array<{ tenant_id: string; partner_id: string; n: string }>>`SELECT tenant_id, partner_id, count(*) AS n FROM ocpi_deliveries GROUP BY tenant_id, partner_id`;
    return new Map(rows.map((r) => [`${r.tenant_id}|${r.partner_id}`, Number(r.n)]));
  }

  async dropDeliveries(tenantId: string, partnerId: string): Promise<number> {
    const result = await this.writer.pipelined((tx) => tx`DELETE FROM ocpi_deliveries WHERE tenant_id = ${tenantId} AND partner_id = ${partnerId}`);
    return result.count;
  }
}

/** Appends deliveries in order (seq ascending) on the batch's transaction. */
async function insertDeliveries(tx: Tx, deliveries: NewOcpiDelivery[]): Promise<void> {
  for (const d of deliveries) {
    await tx`INSERT INTO ocpi_deliveries (tenant_id, partner_id, module, method, path, body, object_key, created_at, next_at)
      VALUES (${d.tenantId}, ${d.partnerId}, ${d.module}, ${d.method}, ${d.path}, ${JSON.stringify(d.body ?? null)}, ${d.objectKey}, ${d.createdAt}, ${d.createdAt})`;
  }
}
