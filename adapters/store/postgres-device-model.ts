import type { Sql } from 'postgres';
import { deviceModelKey, withActualValue, type ActualValueUpdate, type DeviceModelEntry, type DeviceModelVariable } from '../../core/device-model.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { DeviceModelQuery, DeviceModelStore } from '../../core/ports/store/device-model-store.js';
import type { PgGroupCommit, Tx } from './postgres-group-commit.js';
import type { Page } from '../../core/ports/store/store.js';

const TEXT = 25;

/** Device model on PostgreSQL: one row per station+component+variable, the entry as JSON text. */
export class PostgresDeviceModel implements DeviceModelStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  async recordDeviceModel(tenantId: string, stationId: string, entries: DeviceModelEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // Last entry wins when a page names the same variable twice (ON CONFLICT cannot touch a row twice).
    const byKey = new Map(entries.map((e) => [deviceModelKey(e.component, e.variable), e]));
    const keys = [...byKey.keys()];
    const values = [...byKey.values()];
    await this.writer.pipelined((tx) => this.upsert(tx, tenantId, stationId, keys, values));
  }

  private upsert(tx: Tx, tenantId: string, stationId: string, keys: string[], values: DeviceModelEntry[]) {
    const sql = this.sql;
    return tx`INSERT INTO device_model (tenant_id, station_id, key, component_name, entry, reported_at)
        SELECT ${tenantId}, ${stationId}, k, c, e, r
        FROM unnest(${sql.array(keys, TEXT)}::text[], ${sql.array(values.map((e) => e.component.name), TEXT)}::text[],
          ${sql.array(values.map((e) => JSON.stringify(e)), TEXT)}::text[], ${sql.array(values.map((e) => e.reportedAt), TEXT)}::text[]) AS u(k, c, e, r)
        ON CONFLICT (tenant_id, station_id, key) DO UPDATE SET component_name = excluded.component_name,
          entry = excluded.entry, reported_at = excluded.reported_at`;
  }

  /** Reads the rows FOR UPDATE inside the group commit's transaction, so two nodes cannot lose each other's value. */
  async recordActualValues(tenantId: string, stationId: string, updates: ActualValueUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const sql = this.sql;
    await this.writer.sequential(async (tx) => {
      const keys = [...new Set(updates.map((u) => deviceModelKey(u.component, u.variable)))];
      const rows = await tx`SELECT key, entry FROM device_model
        WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND key = ANY(${sql.array(keys, TEXT)}::text[]) FOR UPDATE`;
      const entries = new Map<string, DeviceModelEntry>(rows.map((r) => [r.key as string, JSON.parse(r.entry as string) as DeviceModelEntry]));
      const changed = new Map<string, DeviceModelEntry>();
      for (const u of updates) {
        const key = deviceModelKey(u.component, u.variable);
        const before = entries.get(key);
        const after = withActualValue(before, u);
        if (after !== before) (entries.set(key, after), changed.set(key, after));
      }
      if (changed.size > 0) await this.upsert(tx, tenantId, stationId, [...changed.keys()], [...changed.values()]);
    });
  }

  async listDeviceModel(tenantId: string, stationId: string, query: DeviceModelQuery): Promise<Page<DeviceModelVariable>> {
    const sql = this.sql;
    const after = query.cursor ? decodeCursor(query.cursor) : '';
    const rows = await sql`SELECT tenant_id, station_id, key, entry FROM device_model
      WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND key > ${after}
        ${query.component === undefined ? sql`` : sql`AND component_name = ${query.component}`}
        ${query.variable === undefined ? sql`` : sql`AND (entry::jsonb -> 'variable' ->> 'name') = ${query.variable}`}
        ${query.evseId === undefined ? sql`` : sql`AND (entry::jsonb -> 'component' ->> 'evseId') = ${String(query.evseId)}`}
      ORDER BY key LIMIT ${query.limit + 1}`;
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
