import type { Database, Statement } from 'better-sqlite3';
import type { AlertQuery, AlertStateQuery, StationEventQuery, StationEventStore } from '../../core/ports/store/station-event-store.js';
import type { AlertStateRecord } from '../../core/alerts.js';
import type { Page } from '../../core/ports/store/store.js';
import { MAX_EVENTS_PER_STATION, PruneSchedule, type NewStationEvent, type StationEvent } from '../../core/station-events.js';
import type { GroupCommit } from './group-commit.js';
import {
  ALERT_UPSERT_UPDATE, alertUpsertParams, decodeAlertCursor, decodeIdCursor, encodeAlertCursor, encodeIdCursor, toAlertState, toStationEvent, type Row,
} from './station-event-rows.js';

/** Cleared alert states kept per station beyond its open ones (pruned with its events). */
export const MAX_CLEARED_ALERTS_PER_STATION = 1000;

/** Station events on SQLite: one row each, appended inside the group commit (one enqueue per message). */
export class SqliteStationEvents implements StationEventStore {
  private readonly insert: Statement;
  private readonly pruneStmt: Statement;
  private readonly upsertAlert: Statement;
  private readonly pruneAlerts: Statement;
  private readonly lists = new Map<string, Statement>();
  private readonly schedule = new PruneSchedule();

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.insert = db.prepare(
      'INSERT INTO station_events (tenant_id, station_id, kind, type, at, received_at, request_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.upsertAlert = db.prepare(
      `INSERT INTO alert_states (station_id, alert_key, tenant_id, source, type, evse_id, connector_id, state, opened_at, cleared_at, last_at, count, payload)
       VALUES (@stationId, @key, @tenantId, @source, @type, @evseId, @connectorId, @state, @at, @clearedAt, @at, @count, @payload)
       ${ALERT_UPSERT_UPDATE}`,
    );
    this.pruneAlerts = db.prepare(
      `DELETE FROM alert_states WHERE station_id = @stationId AND state = 'cleared' AND alert_key NOT IN (
         SELECT alert_key FROM alert_states WHERE station_id = @stationId AND state = 'cleared' ORDER BY last_at DESC LIMIT @keep)`,
    );
    // The id of the station's keep-th newest record, by the (station_id, id) index; everything older goes.
    this.pruneStmt = db.prepare(
      `DELETE FROM station_events WHERE station_id = @stationId AND id < (
         SELECT id FROM station_events WHERE station_id = @stationId ORDER BY id DESC LIMIT 1 OFFSET @offset)`,
    );
  }

  async record(events: NewStationEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.writer.enqueue(() => {
      for (const e of events) {
        this.insert.run(e.tenantId, e.stationId, e.kind, e.type, e.at, e.receivedAt, e.requestId, JSON.stringify(e.payload));
        if (e.kind === 'alert') this.upsertAlert.run(alertUpsertParams(e));
      }
      for (const stationId of this.schedule.due(events)) {
        this.pruneNow(stationId, MAX_EVENTS_PER_STATION);
        this.pruneAlerts.run({ stationId, keep: MAX_CLEARED_ALERTS_PER_STATION });
      }
    });
  }

  private pruneNow(stationId: string, keep: number): number {
    return this.pruneStmt.run({ stationId, offset: Math.max(0, keep - 1) }).changes;
  }

  prune(stationId: string, keep: number): Promise<number> {
    return this.writer.enqueue(() => (keep <= 0 ? this.db.prepare('DELETE FROM station_events WHERE station_id = ?').run(stationId).changes : this.pruneNow(stationId, keep)));
  }

  async list(tenantId: string, stationId: string, query: StationEventQuery): Promise<Page<StationEvent>> {
    const where = ['station_id = @stationId', 'tenant_id = @tenantId'];
    if (query.kind !== undefined) where.push('kind = @kind');
    if (query.type !== undefined) where.push('type = @type');
    if (query.requestId !== undefined) where.push('request_id = @requestId');
    if (query.cursor !== undefined) where.push('id < @before');
    const sql = `SELECT * FROM station_events WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT @limit`;
    let stmt = this.lists.get(sql);
    if (!stmt) this.lists.set(sql, (stmt = this.db.prepare(sql)));
    const params: Record<string, unknown> = { stationId, tenantId, limit: query.limit + 1 };
    if (query.kind !== undefined) params.kind = query.kind;
    if (query.type !== undefined) params.type = query.type;
    if (query.requestId !== undefined) params.requestId = query.requestId;
    if (query.cursor !== undefined) params.before = decodeIdCursor(query.cursor);
    const rows = stmt.all(params) as Row[];
    const items = rows.slice(0, query.limit).map(toStationEvent);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeIdCursor(last.id) : undefined };
  }

  async listAlerts(tenantId: string, query: AlertQuery): Promise<Page<StationEvent>> {
    // `kind = 'alert'` as a literal: the partial index station_events_alerts serves it.
    const where = ["kind = 'alert'", 'tenant_id = @tenantId'];
    if (query.stationId !== undefined) where.push('station_id = @stationId');
    if (query.type !== undefined) where.push('type = @type');
    if (query.cursor !== undefined) where.push('id < @before');
    const sql = `SELECT * FROM station_events WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT @limit`;
    let stmt = this.lists.get(sql);
    if (!stmt) this.lists.set(sql, (stmt = this.db.prepare(sql)));
    const params: Record<string, unknown> = { tenantId, limit: query.limit + 1 };
    if (query.stationId !== undefined) params.stationId = query.stationId;
    if (query.type !== undefined) params.type = query.type;
    if (query.cursor !== undefined) params.before = decodeIdCursor(query.cursor);
    const rows = stmt.all(params) as Row[];
    const items = rows.slice(0, query.limit).map(toStationEvent);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeIdCursor(last.id) : undefined };
  }

  async listAlertStates(tenantId: string, query: AlertStateQuery): Promise<Page<AlertStateRecord>> {
    const where = ['tenant_id = @tenantId'];
    const params: Record<string, unknown> = { tenantId, limit: query.limit + 1 };
    if (query.stationId !== undefined) (where.push('station_id = @stationId'), (params.stationId = query.stationId));
    if (query.state !== undefined) (where.push('state = @state'), (params.state = query.state));
    if (query.type !== undefined) (where.push('type = @type'), (params.type = query.type));
    if (query.cursor !== undefined) {
      const [at, station, key] = decodeAlertCursor(query.cursor);
      where.push('(last_at, station_id, alert_key) < (@cAt, @cStation, @cKey)');
      Object.assign(params, { cAt: at, cStation: station, cKey: key });
    }
    const sql = `SELECT * FROM alert_states WHERE ${where.join(' AND ')} ORDER BY last_at DESC, station_id DESC, alert_key DESC LIMIT @limit`;
    let stmt = this.lists.get(sql);
    if (!stmt) this.lists.set(sql, (stmt = this.db.prepare(sql)));
    const rows = stmt.all(params) as Row[];
    const items = rows.slice(0, query.limit).map(toAlertState);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeAlertCursor(last) : undefined };
  }
}
