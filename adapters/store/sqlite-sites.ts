import type { Database, Statement } from 'better-sqlite3';
import type { Site } from '../../core/sites.js';
import type { SiteStore } from '../../core/ports/store/site-store.js';
import type { Page, PageQuery } from '../../core/ports/store/store.js';
import type { GroupCommit } from './group-commit.js';
import { decodeCreatedAtCursor, encodeCreatedAtCursor } from '../../core/cursor.js';
import { fromSiteRow, siteStationIds, toSiteRow } from './site-rows.js';

/** Sites on SQLite: one row each (site-rows.ts) and a station index, both written in one group-commit write. */
export class SqliteSites implements SiteStore {
  private readonly stmt: Record<string, Statement>;

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO sites (tenant_id, id, version, created_at, body) VALUES (@tenant_id, @id, @version, @created_at, @body)
         ON CONFLICT(tenant_id, id) DO NOTHING`,
      ),
      get: db.prepare('SELECT body, version FROM sites WHERE tenant_id = ? AND id = ?'),
      save: db.prepare('UPDATE sites SET version = @version, body = @body WHERE tenant_id = @tenant_id AND id = @id AND version = @expected'),
      delete: db.prepare('DELETE FROM sites WHERE tenant_id = ? AND id = ?'),
      clearIndex: db.prepare('DELETE FROM site_stations WHERE tenant_id = ? AND site_id = ?'),
      index: db.prepare('INSERT OR REPLACE INTO site_stations (tenant_id, station_id, site_id) VALUES (?, ?, ?)'),
      byStation: db.prepare(
        `SELECT s.body, s.version FROM site_stations x JOIN sites s ON s.tenant_id = x.tenant_id AND s.id = x.site_id
         WHERE x.tenant_id = ? AND x.station_id = ? ORDER BY s.created_at, s.id LIMIT 1`,
      ),
    };
  }

  private reindex(site: Site): void {
    this.stmt.clearIndex!.run(site.tenantId, site.id);
    for (const stationId of siteStationIds(site)) this.stmt.index!.run(site.tenantId, stationId, site.id);
  }

  create(site: Site): Promise<boolean> {
    const created = { ...site, version: 0 };
    return this.writer.enqueue(() => {
      if (this.stmt.insert!.run(toSiteRow(created)).changes !== 1) return false;
      this.reindex(created);
      return true;
    });
  }

  async get(tenantId: string, id: string): Promise<Site | undefined> {
    const row = this.stmt.get!.get(tenantId, id) as { body: string; version: number } | undefined;
    return row ? fromSiteRow(row) : undefined;
  }

  async list(tenantId: string, query: PageQuery): Promise<Page<Site>> {
    const where = ['tenant_id = @tenantId'];
    const params: Record<string, unknown> = { tenantId, limit: query.limit + 1 };
    if (query.cursor) {
      const [createdAt, id] = decodeCreatedAtCursor(query.cursor);
      where.push('(created_at, id) > (@cAt, @cId)');
      Object.assign(params, { cAt: createdAt, cId: id });
    }
    const rows = this.db
      .prepare(`SELECT body, version FROM sites WHERE ${where.join(' AND ')} ORDER BY created_at, id LIMIT @limit`)
      .all(params) as Array<{ body: string; version: number }>;
    const items = rows.slice(0, query.limit).map(fromSiteRow);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCreatedAtCursor(last) : undefined };
  }

  async findByStation(tenantId: string, stationId: string): Promise<Site | undefined> {
    const row = this.stmt.byStation!.get(tenantId, stationId) as { body: string; version: number } | undefined;
    return row ? fromSiteRow(row) : undefined;
  }

  save(site: Site, expectedVersion: number): Promise<Site | undefined> {
    const next = { ...site, version: expectedVersion + 1 };
    const row = toSiteRow(next);
    return this.writer.enqueue(() => {
      if (this.stmt.save!.run({ ...row, expected: expectedVersion }).changes !== 1) return undefined;
      this.reindex(next);
      return next;
    });
  }

  delete(tenantId: string, id: string): Promise<boolean> {
    return this.writer.enqueue(() => {
      this.stmt.clearIndex!.run(tenantId, id);
      return this.stmt.delete!.run(tenantId, id).changes === 1;
    });
  }
}
