import type { Database, Statement } from 'better-sqlite3';
import type { FirmwareCampaign } from '../../core/firmware-campaign.js';
import type { CampaignQuery, CampaignStore } from '../../core/ports/store/campaign-store.js';
import type { Page } from '../../core/ports/store/store.js';
import { decodeCreatedAtCursor, encodeCreatedAtCursor } from '../../core/cursor.js';
import { fromCampaignRow, toCampaignRow } from './campaign-rows.js';
import type { GroupCommit } from './group-commit.js';

/** Firmware campaigns on SQLite: one row each (campaign-rows.ts), writes compare-and-set on `version`. */
export class SqliteCampaigns implements CampaignStore {
  private readonly stmt: Record<string, Statement>;

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO firmware_campaigns (tenant_id, id, status, active, version, created_at, body)
         VALUES (@tenant_id, @id, @status, @active, @version, @created_at, @body) ON CONFLICT(id) DO NOTHING`,
      ),
      get: db.prepare('SELECT body, version FROM firmware_campaigns WHERE id = ? AND tenant_id = ?'),
      save: db.prepare(
        `UPDATE firmware_campaigns SET status = @status, active = @active, version = @version, body = @body
         WHERE id = @id AND tenant_id = @tenant_id AND version = @expected`,
      ),
      active: db.prepare('SELECT body, version FROM firmware_campaigns WHERE active = 1 ORDER BY created_at, id LIMIT ?'),
    };
  }

  create(campaign: FirmwareCampaign): Promise<boolean> {
    const row = toCampaignRow({ ...campaign, version: 0 });
    return this.writer.enqueue(() => this.stmt.insert!.run(row).changes === 1);
  }

  async get(tenantId: string, id: string): Promise<FirmwareCampaign | undefined> {
    const row = this.stmt.get!.get(id, tenantId) as { body: string; version: number } | undefined;
    return row ? fromCampaignRow(row) : undefined;
  }

  async list(tenantId: string, query: CampaignQuery): Promise<Page<FirmwareCampaign>> {
    const where = ['tenant_id = @tenantId'];
    const params: Record<string, unknown> = { tenantId, limit: query.limit + 1 };
    if (query.status) (where.push('status = @status'), (params.status = query.status));
    if (query.cursor) {
      const [createdAt, id] = decodeCreatedAtCursor(query.cursor);
      where.push('(created_at, id) < (@cAt, @cId)');
      Object.assign(params, { cAt: createdAt, cId: id });
    }
    const rows = this.db
      .prepare(`SELECT body, version FROM firmware_campaigns WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT @limit`)
      .all(params) as Array<{ body: string; version: number }>;
    const items = rows.slice(0, query.limit).map(fromCampaignRow);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCreatedAtCursor(last) : undefined };
  }

  async listActive(limit: number): Promise<FirmwareCampaign[]> {
    return (this.stmt.active!.all(limit) as Array<{ body: string; version: number }>).map(fromCampaignRow);
  }

  save(campaign: FirmwareCampaign, expectedVersion: number): Promise<FirmwareCampaign | undefined> {
    const next = { ...campaign, version: expectedVersion + 1 };
    const row = toCampaignRow(next);
    return this.writer.enqueue(() => (this.stmt.save!.run({ ...row, expected: expectedVersion }).changes === 1 ? next : undefined));
  }
}
