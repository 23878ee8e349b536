import type { Database, Statement } from 'better-sqlite3';
import { deviceModelKey, type DeviceModelEntry, type DeviceModelVariable } from '../../core/device-model.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { DeviceModelQuery, DeviceModelStore } from '../../core/ports/store/device-model-store.js';
import type { GroupCommit } from './group-commit.js';
import type { Page } from '../../core/ports/store/store.js';

type Row = Record<string, unknown>;

/** Device model rows on SQLite: one row per station+component+variable, the entry as JSON. */
export class SqliteDeviceModel implements DeviceModelStore {
  private readonly stmt: Record<string, Statement>;

  constructor(
    db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      upsert: db.prepare(
        `INSERT INTO device_model (station_id, key, tenant_id, component_name, entry, reported_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(station_id, key) DO UPDATE SET entry = excluded.entry, reported_at = excluded.reported_at
         WHERE device_model.tenant_id = excluded.tenant_id`,
      ),
      list: db.prepare('SELECT * FROM device_model WHERE tenant_id = ? AND station_id = ? AND key > ? ORDER BY key LIMIT ?'),
      listComponent: db.prepare(
        'SELECT * FROM device_model WHERE tenant_id = ? AND station_id = ? AND component_name = ? AND key > ? ORDER BY key LIMIT ?',
      ),
    };
  }

  async recordDeviceModel(tenantId: string, stationId: string, entries: DeviceModelEntry[]): Promise<void> {
    await this.writer.enqueue(() => {
      for (const e of entries) {
        this.stmt.upsert!.run(stationId, deviceModelKey(e.component, e.variable), tenantId, e.component.name, JSON.stringify(e), e.reportedAt);
      }
    });
  }

  async listDeviceModel(tenantId: string, stationId: string, query: DeviceModelQuery): Promise<Page<DeviceModelVariable>> {
    const after = query.cursor ? decodeCursor(query.cursor) : '';
    const rows = (
      query.component === undefined
        ? this.stmt.list!.all(tenantId, stationId, after, query.limit + 1)
        : this.stmt.listComponent!.all(tenantId, stationId, query.component, after, query.limit + 1)
    ) as Row[];
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
