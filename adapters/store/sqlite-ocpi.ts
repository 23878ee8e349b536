import type { Database, Statement } from 'better-sqlite3';
import type { NewOcpiDelivery, OcpiDelivery, OcpiDoc, OcpiDocKind, OcpiDocQuery, OcpiStore } from '../../core/ports/store/ocpi-store.js';
import type { GroupCommit } from './group-commit.js';

/** The OCPI tables (issue #16); the SQLite store's migrations run it (sqlite-migrations.ts). */
export const SQLITE_OCPI_TABLES = `CREATE TABLE ocpi_docs (
     tenant_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     id TEXT NOT NULL,
     scope TEXT NOT NULL,
     lookup TEXT,
     last_updated TEXT NOT NULL,
     body TEXT NOT NULL,
     PRIMARY KEY (tenant_id, kind, id)
   ) WITHOUT ROWID;
   CREATE UNIQUE INDEX ocpi_docs_lookup ON ocpi_docs (kind, lookup) WHERE lookup IS NOT NULL;
   CREATE INDEX ocpi_docs_by_updated ON ocpi_docs (tenant_id, kind, last_updated, id);
   CREATE TABLE ocpi_deliveries (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     tenant_id TEXT NOT NULL,
     partner_id TEXT NOT NULL,
     module TEXT NOT NULL,
     method TEXT NOT NULL,
     path TEXT NOT NULL,
     body TEXT NOT NULL,
     object_key TEXT NOT NULL,
     created_at TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_at TEXT NOT NULL,
     last_error TEXT
   );
   CREATE INDEX ocpi_deliveries_by_partner ON ocpi_deliveries (tenant_id, partner_id, seq);`;

interface DocRow { tenant_id: string; kind: string; id: string; scope: string; lookup: string | null; last_updated: string; body: string }
interface DeliveryRow {
  seq: number; tenant_id: string; partner_id: string; module: string; method: string; path: string; body: string;
  object_key: string; created_at: string; attempts: number; next_at: string; last_error: string | null;
}

export function docOfRow<T>(r: DocRow): OcpiDoc<T> {
  return { tenantId: r.tenant_id, kind: r.kind as OcpiDocKind, id: r.id, scope: r.scope, lookup: r.lookup, lastUpdated: r.last_updated, body: JSON.parse(r.body) as T };
}

export function deliveryOfRow(r: DeliveryRow): OcpiDelivery {
  return {
    seq: Number(r.seq), tenantId: r.tenant_id, partnerId: r.partner_id, module: r.module, method: r.method as OcpiDelivery['method'],
    path: r.path, body: JSON.parse(r.body), objectKey: r.object_key, createdAt: r.created_at, attempts: Number(r.attempts), nextAt: r.next_at, lastError: r.last_error,
  };
}

/** The OCPI slice of the SQLite store: documents as JSON rows, the delivery outbox by seq. */
export class SqliteOcpi implements OcpiStore {
  private readonly stmt: Record<string, Statement>;

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      exists: db.prepare('SELECT 1 FROM ocpi_docs WHERE tenant_id = ? AND kind = ? AND id = ?'),
      lookupOwner: db.prepare('SELECT tenant_id, id FROM ocpi_docs WHERE kind = ? AND lookup = ?'),
      upsert: db.prepare(
        `INSERT INTO ocpi_docs (tenant_id, kind, id, scope, lookup, last_updated, body) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, kind, id) DO UPDATE SET scope = excluded.scope, lookup = excluded.lookup, last_updated = excluded.last_updated, body = excluded.body`,
      ),
      get: db.prepare('SELECT * FROM ocpi_docs WHERE tenant_id = ? AND kind = ? AND id = ?'),
      replaceIf: db.prepare(
        `UPDATE ocpi_docs SET scope = ?, last_updated = ?, body = ?
         WHERE tenant_id = ? AND kind = ? AND id = ? AND last_updated = ? AND body = ?`,
      ),
      byLookup: db.prepare('SELECT * FROM ocpi_docs WHERE kind = ? AND lookup = ?'),
      // A loose index scan over the primary key: one seek per tenant, however many documents each has.
      tenantsWith: db.prepare(`WITH RECURSIVE tenants(id) AS (
          SELECT min(tenant_id) FROM ocpi_docs
          UNION ALL SELECT (SELECT min(tenant_id) FROM ocpi_docs WHERE tenant_id > tenants.id) FROM tenants WHERE tenants.id IS NOT NULL)
        SELECT id FROM tenants WHERE id IS NOT NULL AND EXISTS (SELECT 1 FROM ocpi_docs WHERE tenant_id = tenants.id AND kind = ?)`),
      remove: db.prepare('DELETE FROM ocpi_docs WHERE tenant_id = ? AND kind = ? AND id = ?'),
      insertDelivery: db.prepare(
        `INSERT INTO ocpi_deliveries (tenant_id, partner_id, module, method, path, body, object_key, created_at, next_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      heads: db.prepare(
        `SELECT d.* FROM ocpi_deliveries d
         JOIN (SELECT MIN(seq) AS seq FROM ocpi_deliveries GROUP BY tenant_id, partner_id) h ON h.seq = d.seq
         ORDER BY d.seq LIMIT ?`,
      ),
      complete: db.prepare('DELETE FROM ocpi_deliveries WHERE seq = ?'),
      postpone: db.prepare('UPDATE ocpi_deliveries SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE seq = ?'),
      count: db.prepare('SELECT tenant_id, partner_id, count(*) AS n FROM ocpi_deliveries GROUP BY tenant_id, partner_id'),
      drop: db.prepare('DELETE FROM ocpi_deliveries WHERE tenant_id = ? AND partner_id = ?'),
    };
  }

  putDoc(doc: OcpiDoc, deliveries: NewOcpiDelivery[] = []): Promise<boolean> {
    const body = JSON.stringify(doc.body);
    const rows = deliveryRows(deliveries);
    return this.writer.enqueue(() => {
      if (doc.lookup !== null) {
        const owner = this.stmt.lookupOwner!.get(doc.kind, doc.lookup) as { tenant_id: string; id: string } | undefined;
        if (owner && (owner.tenant_id !== doc.tenantId || owner.id !== doc.id)) throw new Error(`ocpi ${doc.kind} lookup already taken`);
      }
      const existed = this.stmt.exists!.get(doc.tenantId, doc.kind, doc.id) !== undefined;
      this.stmt.upsert!.run(doc.tenantId, doc.kind, doc.id, doc.scope, doc.lookup, doc.lastUpdated, body);
      for (const row of rows) this.stmt.insertDelivery!.run(...row);
      return !existed;
    });
  }

  replaceDocIf(doc: OcpiDoc, expected: OcpiDoc, deliveries: NewOcpiDelivery[] = []): Promise<boolean> {
    const body = JSON.stringify(doc.body);
    const before = JSON.stringify(expected.body);
    const rows = deliveryRows(deliveries);
    return this.writer.enqueue(() => {
      const won = this.stmt.replaceIf!.run(doc.scope, doc.lastUpdated, body, doc.tenantId, doc.kind, doc.id, expected.lastUpdated, before).changes === 1;
      if (won) for (const row of rows) this.stmt.insertDelivery!.run(...row);
      return won;
    });
  }

  async getDoc<T>(kind: OcpiDocKind, tenantId: string, id: string): Promise<OcpiDoc<T> | undefined> {
    const row = this.stmt.get!.get(tenantId, kind, id) as DocRow | undefined;
    return row && docOfRow<T>(row);
  }

  async findDocByLookup<T>(kind: OcpiDocKind, lookup: string): Promise<OcpiDoc<T> | undefined> {
    const row = this.stmt.byLookup!.get(kind, lookup) as DocRow | undefined;
    return row && docOfRow<T>(row);
  }

  async listDocs<T>(kind: OcpiDocKind, tenantId: string, query: OcpiDocQuery): Promise<{ items: Array<OcpiDoc<T>>; total: number }> {
    const where = ['tenant_id = ?', 'kind = ?'];
    const args: unknown[] = [tenantId, kind];
    if (query.scope !== undefined) (where.push('scope = ?'), args.push(query.scope));
    if (query.from !== undefined) (where.push('last_updated >= ?'), args.push(query.from));
    if (query.to !== undefined) (where.push('last_updated < ?'), args.push(query.to));
    const clause = where.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) AS n FROM ocpi_docs WHERE ${clause}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM ocpi_docs WHERE ${clause} ORDER BY last_updated, id LIMIT ? OFFSET ?`)
      .all(...args, query.limit, query.offset) as DocRow[];
    return { items: rows.map((r) => docOfRow<T>(r)), total };
  }

  async tenantsWithDoc(kind: OcpiDocKind): Promise<string[]> {
    return (this.stmt.tenantsWith!.all(kind) as Array<{ id: string }>).map((r) => r.id);
  }

  deleteDoc(kind: OcpiDocKind, tenantId: string, id: string): Promise<boolean> {
    return this.writer.enqueue(() => this.stmt.remove!.run(tenantId, kind, id).changes > 0);
  }

  async enqueueDeliveries(deliveries: NewOcpiDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const rows = deliveryRows(deliveries);
    await this.writer.enqueue(() => {
      for (const row of rows) this.stmt.insertDelivery!.run(...row);
    });
  }

  async deliveryHeads(limit: number): Promise<OcpiDelivery[]> {
    return (this.stmt.heads!.all(limit) as DeliveryRow[]).map(deliveryOfRow);
  }

  async completeDelivery(seq: number): Promise<void> {
    await this.writer.enqueue(() => this.stmt.complete!.run(seq));
  }

  async postponeDelivery(seq: number, nextAt: string, lastError: string): Promise<void> {
    await this.writer.enqueue(() => this.stmt.postpone!.run(nextAt, lastError.slice(0, 500), seq));
  }

  async countDeliveries(): Promise<Map<string, number>> {
    const rows = this.stmt.count!.all() as Array<{ tenant_id: string; partner_id: string; n: number }>;
    return new Map(rows.map((r) => [`${r.tenant_id}|${r.partner_id}`, r.n]));
  }

  dropDeliveries(tenantId: string, partnerId: string): Promise<number> {
    return this.writer.enqueue(() => this.stmt.drop!.run(tenantId, partnerId).changes);
  }
}

/** The insertDelivery parameters of each delivery (next_at = created_at: due at once). */
function deliveryRows(deliveries: NewOcpiDelivery[]) {
  return deliveries.map((d) => [d.tenantId, d.partnerId, d.module, d.method, d.path, JSON.stringify(d.body ?? null), d.objectKey, d.createdAt, d.createdAt]);
}
