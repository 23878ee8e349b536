import type { Sql } from 'postgres';
import type { FirmwareCampaign } from '../../core/firmware-campaign.js';
import type { CampaignQuery, CampaignStore } from '../../core/ports/store/campaign-store.js';
import type { Page } from '../../core/ports/store/store.js';
import { decodeCreatedAtCursor, encodeCreatedAtCursor } from '../../core/cursor.js';
import { fromCampaignRow, toCampaignRow } from './campaign-rows.js';
import type { PgGroupCommit } from './postgres-group-commit.js';

/**
 * Firmware campaigns on PostgreSQL, shared by every node: one row each (campaign-rows.ts); a
 * write is an UPDATE … WHERE version = expected, so of two nodes writing the same version one wins.
 */
export class PostgresCampaigns implements CampaignStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  private static columns(c: FirmwareCampaign) {
    const row = toCampaignRow(c);
    return { ...row, active: row.active === 1 };
  }

  create(campaign: FirmwareCampaign): Promise<boolean> {
    const row = PostgresCampaigns.columns({ ...campaign, version: 0 });
    const sql = this.sql;
    return this.writer.pipelined((tx) => tx`INSERT INTO firmware_campaigns ${sql(row)} ON CONFLICT (id) DO NOTHING RETURNING 1`.then((r) => r.length === 1));
  }

  async get(tenantId: string, id: string): Promise<FirmwareCampaign | undefined> {
    const [row] = await this.sql`SELECT body, version FROM firmware_campaigns WHERE id = ${id} AND tenant_id = ${tenantId}`;
    return row ? fromCampaignRow(row as { body: string; version: number }) : undefined;
  }

  async list(tenantId: string, query: CampaignQuery): Promise<Page<FirmwareCampaign>> {
    const sql = this.sql;
    const cursor = query.cursor ? decodeCreatedAtCursor(query.cursor) : undefined;
    const rows = await sql`SELECT body, version FROM firmware_campaigns
      WHERE tenant_id = ${tenantId}
        ${query.status ? sql`AND status = ${query.status}` : sql``}
        ${cursor ? sql`AND (created_at, id) < (${cursor[0]}, ${cursor[1]})` : sql``}
      ORDER BY created_at DESC, id DESC LIMIT ${query.limit + 1}`;
    const items = rows.slice(0, query.limit).map((r) => fromCampaignRow(r as { body: string; version: number }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCreatedAtCursor(last) : undefined };
  }

  async listActive(limit: number): Promise<FirmwareCampaign[]> {
    const rows = await this.sql`SELECT body, version FROM firmware_campaigns WHERE active ORDER BY created_at, id LIMIT ${limit}`;
    return rows.map((r) => fromCampaignRow(r as { body: string; version: number }));
  }

  save(campaign: FirmwareCampaign, expectedVersion: number): Promise<FirmwareCampaign | undefined> {
    const next = { ...campaign, version: expectedVersion + 1 };
    const { status, active, version, body } = PostgresCampaigns.columns(next);
    return this.writer.pipelined((tx) =>
      tx`UPDATE firmware_campaigns SET status = ${status}, active = ${active}, version = ${version}, body = ${body}
        WHERE id = ${next.id} AND tenant_id = ${next.tenantId} AND version = ${expectedVersion} RETURNING 1`.then((r) => (r.length === 1 ? next : undefined)),
    );
  }
}
