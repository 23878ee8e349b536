import type { Database, Statement } from 'better-sqlite3';
import { deviceModelKey, withActualValue, type ActualValueUpdate, type DeviceModelEntry, type DeviceModelVariable } from '../../core/device-model.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { DeviceModelQuery, DeviceModelStore } from '../../core/ports/store/device-model-store.js';
import type { GroupCommit } from './group-commit.js';
import type { Page } from '../../core/ports/store/store.js';

type Row = Record<string, unknown>;

/** Device model rows on SQLite: one row per station+component+variable, the entry as JSON. */
export class SqliteDeviceModel implements DeviceModelStore {
  private readonly stmt: Record<string, Statement>;
  private readonly lists = new Map<string, Statement>();

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      upsert: db.prepare(
        `INSERT INTO device_model (station_id, key, tenant_id, component_name, entry, reported_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(station_id, key) DO UPDATE SET entry = excluded.entry, reported_at = excluded.reported_at
         WHERE device_model.tenant_id = excluded.tenant_id`,
      ),
      get: db.prepare('SELECT entry FROM device_model WHERE station_id = ? AND key = ? AND tenant_id = ?'),
    };
  }

  async recordDeviceModel(tenantId: string, stationId: string, entries: DeviceModelEntry[]): Promise<void> {
    await this.writer.enqueue(() => {
      for (const e of entries) {
        this.stmt.upsert!.run(stationId, deviceModelKey(e.component, e.variable), tenantId, e.component.name, JSON.stringify(e), e.reportedAt);
      }
    });
  }

  async recordActualValues(tenantId: string, stationId: string, updates: ActualValueUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    await this.writer.enqueue(() => {
      for (const u of updates) {
        const key = deviceModelKey(u.component, u.variable);
        const row = this.stmt.get!.get(stationId, key, tenantId) as Row | undefined;
        const before = row ? (JSON.parse(row.entry as string) as DeviceModelEntry) : undefined;
        const after = withActualValue(before, u);
        if (after !== before) this.stmt.upsert!.run(stationId, key, tenantId, after.component.name, JSON.stringify(after), after.reportedAt);
      }
    });
  }

  async listDeviceModel(tenantId: string, stationId: string, query: DeviceModelQuery): Promise<Page<DeviceModelVariable>> {
    const after = query.cursor ? decodeCursor(query.cursor) : '';
    const where = ['station_id = @stationId', 'tenant_id = @tenantId', 'key > @after'];
    const params: Record<string, unknown> = { stationId, tenantId, after, limit: query.limit + 1 };
    if (query.component !== undefined) (where.push('component_name = @component'), (params.component = query.component));
    if (query.variable !== undefined) (where.push("json_extract(entry, '$.variable.name') = @variable"), (params.variable = query.variable));
    if (query.evseId !== undefined) (where.push("json_extract(entry, '$.component.evseId') = @evseId"), (params.evseId = query.evseId));
    const sql = `SELECT * FROM device_model WHERE ${where.join(' AND ')} ORDER BY key LIMIT @limit`;
    let stmt = this.lists.get(sql);
    if (!stmt) this.lists.set(sql, (stmt = this.db.prepare(sql)));
    const rows = stmt.all(params) as Row[];
    const items = rows.slice(0, query.limit).map((r) => ({
      tenantId: r.tenant_id as string,
      stationId: r.station_id as string,
      key: r.key as string,
      ...(JSON.parse(r.entry as string) as DeviceModelEntry),
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.key) : undefined };
  }
}
