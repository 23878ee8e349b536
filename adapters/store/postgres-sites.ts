import type { Sql } from 'postgres';
import type { Site } from '../../core/sites.js';
import type { SiteStore } from '../../core/ports/store/site-store.js';
import type { Page, PageQuery } from '../../core/ports/store/store.js';
import type { PgGroupCommit } from './postgres-group-commit.js';
import { decodeCreatedAtCursor, encodeCreatedAtCursor } from '../../core/cursor.js';
import { fromSiteRow, siteStationIds, toSiteRow } from './site-rows.js';

/**
 * Sites on PostgreSQL, shared by every node: one row each (site-rows.ts) and a station index; a
 * write is an UPDATE … WHERE version = expected, so of two nodes writing the same version one wins.
 */
export class PostgresSites implements SiteStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  create(site: Site): Promise<boolean> {
    const created = { ...site, version: 0 };
    const row = toSiteRow(created);
    const sql = this.sql;
    return this.writer.sequential(async (tx) => {
      const inserted = await tx`INSERT INTO sites ${sql(row)} ON CONFLICT (tenant_id, id) DO NOTHING RETURNING 1`;
      if (inserted.length !== 1) return false;
      for (const stationId of siteStationIds(created)) {
        await tx`INSERT INTO site_stations (tenant_id, station_id, site_id) VALUES (${site.tenantId}, ${stationId}, ${site.id}) ON CONFLICT DO NOTHING`;
      }
      return true;
    });
  }

  async get(tenantId: string, id: string): Promise<Site | undefined> {
    const [row] = await this.sql`SELECT body, version FROM sites WHERE tenant_id = ${tenantId} AND id = ${id}`;
    return row ? fromSiteRow(row as { body: string; version: number }) : undefined;
  }

  async list(tenantId: string, query: PageQuery): Promise<Page<Site>> {
    const sql = this.sql;
    const cursor = query.cursor ? decodeCreatedAtCursor(query.cursor) : undefined;
    const rows = await sql`SELECT body, version FROM sites WHERE tenant_id = ${tenantId}
        ${cursor ? sql`AND (created_at, id) > (${cursor[0]}, ${cursor[1]})` : sql``}
      ORDER BY created_at, id LIMIT ${query.limit + 1}`;
    const items = rows.slice(0, query.limit).map((r) => fromSiteRow(r as { body: string; version: number }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCreatedAtCursor(last) : undefined };
  }

  async findByStation(tenantId: string, stationId: string): Promise<Site | undefined> {
    const [row] = await this.sql`SELECT s.body, s.version FROM site_stations x JOIN sites s ON s.tenant_id = x.tenant_id AND s.id = x.site_id
      WHERE x.tenant_id = ${tenantId} AND x.station_id = ${stationId} ORDER BY s.created_at, s.id LIMIT 1`;
    return row ? fromSiteRow(row as { body: string; version: number }) : undefined;
  }

  save(site: Site, expectedVersion: number): Promise<Site | undefined> {
    const next = { ...site, version: expectedVersion + 1 };
    const { version, body } = toSiteRow(next);
    return this.writer.sequential(async (tx) => {
      const updated = await tx`UPDATE sites SET version = ${version}, body = ${body}
        WHERE tenant_id = ${next.tenantId} AND id = ${next.id} AND version = ${expectedVersion} RETURNING 1`;
      if (updated.length !== 1) return undefined;
      await tx`DELETE FROM site_stations WHERE tenant_id = ${next.tenantId} AND site_id = ${next.id}`;
      for (const stationId of siteStationIds(next)) {
        await tx`INSERT INTO site_stations (tenant_id, station_id, site_id) VALUES (${next.tenantId}, ${stationId}, ${next.id}) ON CONFLICT DO NOTHING`;
      }
      return next;
    });
  }

  delete(tenantId: string, id: string): Promise<boolean> {
    return this.writer.sequential(async (tx) => {
      await tx`DELETE FROM site_stations WHERE tenant_id = ${tenantId} AND site_id = ${id}`;
      const removed = await tx`DELETE FROM sites WHERE tenant_id = ${tenantId} AND id = ${id} RETURNING 1`;
      return removed.length === 1;
    });
  }
}
