import type { Sql } from 'postgres';
import type { AlertQuery, AlertStateQuery, StationEventQuery, StationEventStore } from '../../core/ports/store/station-event-store.js';
import type { AlertStateRecord } from '../../core/alerts.js';
import type { Page } from '../../core/ports/store/store.js';
import { MAX_EVENTS_PER_STATION, PruneSchedule, type NewStationEvent, type StationEvent } from '../../core/station-events.js';
import type { PgGroupCommit, Tx } from './postgres-group-commit.js';
import {
  ALERT_UPSERT_UPDATE, alertUpsertParams, decodeAlertCursor, decodeIdCursor, encodeAlertCursor, encodeIdCursor, toAlertState, toStationEvent,
} from './station-event-rows.js';
import { MAX_CLEARED_ALERTS_PER_STATION } from './sqlite-station-events.js';

const TEXT = 25;
const INT8 = 20;

/** Station events on PostgreSQL: one row each; a message's records go in one INSERT … unnest. */
export class PostgresStationEvents implements StationEventStore {
  private readonly schedule = new PruneSchedule();

  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  async record(events: NewStationEvent[]): Promise<void> {
    if (events.length === 0) return;
    const sql = this.sql;
    const col = (f: (e: NewStationEvent) => string) => sql.array(events.map(f), TEXT);
    const alerts = events.filter((e) => e.kind === 'alert').map(alertUpsertParams);
    await this.writer.pipelined(
      (tx) => Promise.all([tx`INSERT INTO station_events (tenant_id, station_id, kind, type, at, received_at, request_id, payload)
        SELECT t, s, k, ty, a, r, q, p FROM unnest(${col((e) => e.tenantId)}::text[], ${col((e) => e.stationId)}::text[], ${col((e) => e.kind)}::text[],
          ${col((e) => e.type)}::text[], ${col((e) => e.at)}::text[], ${col((e) => e.receivedAt)}::text[],
          ${sql.array(events.map((e) => e.requestId) as never[], INT8)}::bigint[], ${col((e) => JSON.stringify(e.payload))}::text[])
        WITH ORDINALITY AS u(t, s, k, ty, a, r, q, p, n) ORDER BY n`,
        // Alert states in the same write; one statement per alert (a message raises a handful at most).
        ...alerts.map(
          (a) => tx`INSERT INTO alert_states (station_id, alert_key, tenant_id, source, type, evse_id, connector_id, state, opened_at, cleared_at, last_at, count, payload)
            VALUES (${a.stationId}, ${a.key}, ${a.tenantId}, ${a.source}, ${a.type}, ${a.evseId}, ${a.connectorId}, ${a.state}, ${a.at}, ${a.clearedAt},
              ${a.at}, ${a.count}, ${a.payload}) ${sql.unsafe(ALERT_UPSERT_UPDATE)}`,
        ),
      ]).then(() => undefined),
    );
    const due = this.schedule.due(events);
    if (due.length > 0) await Promise.all(due.map((stationId) => this.prune(stationId, MAX_EVENTS_PER_STATION)));
  }

  private pruneIn(tx: Tx, stationId: string, keep: number): Promise<number> {
    const events =
      keep <= 0
        ? tx`DELETE FROM station_events WHERE station_id = ${stationId}`
        : tx`DELETE FROM station_events WHERE station_id = ${stationId} AND id < (
            SELECT id FROM station_events WHERE station_id = ${stationId} ORDER BY id DESC LIMIT 1 OFFSET ${keep - 1})`;
    // Cleared alert states beyond the newest MAX_CLEARED_ALERTS_PER_STATION go with them (open ones stay).
    const alerts = tx`DELETE FROM alert_states WHERE station_id = ${stationId} AND state = 'cleared' AND alert_key NOT IN (
        SELECT alert_key FROM alert_states WHERE station_id = ${stationId} AND state = 'cleared' ORDER BY last_at DESC LIMIT ${MAX_CLEARED_ALERTS_PER_STATION})`;
    return Promise.all([events, alerts]).then(([r]) => r.count);
  }

  prune(stationId: string, keep: number): Promise<number> {
    return this.writer.pipelined((tx) => this.pruneIn(tx, stationId, keep));
  }

  async list(tenantId: string, stationId: string, query: StationEventQuery): Promise<Page<StationEvent>> {
    const sql = this.sql;
    const before = query.cursor === undefined ? undefined : decodeIdCursor(query.cursor);
    const rows = await sql`SELECT * FROM station_events
      WHERE tenant_id = ${tenantId} AND station_id = ${stationId}
        ${query.kind === undefined ? sql`` : sql`AND kind = ${query.kind}`}
        ${query.type === undefined ? sql`` : sql`AND type = ${query.type}`}
        ${query.requestId === undefined ? sql`` : sql`AND request_id = ${query.requestId}::bigint`}
        ${before === undefined ? sql`` : sql`AND id < ${before}::bigint`}
      ORDER BY id DESC LIMIT ${query.limit + 1}`;
    const items = rows.slice(0, query.limit).map((r) => toStationEvent(r));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeIdCursor(last.id) : undefined };
  }

  async listAlerts(tenantId: string, query: AlertQuery): Promise<Page<StationEvent>> {
    const sql = this.sql;
    const before = query.cursor === undefined ? undefined : decodeIdCursor(query.cursor);
    // `kind = 'alert'` as a literal: the partial index station_events_alerts serves it.
    const rows = await sql`SELECT * FROM station_events
      WHERE kind = 'alert' AND tenant_id = ${tenantId}
        ${query.stationId === undefined ? sql`` : sql`AND station_id = ${query.stationId}`}
        ${query.type === undefined ? sql`` : sql`AND type = ${query.type}`}
        ${before === undefined ? sql`` : sql`AND id < ${before}::bigint`}
      ORDER BY id DESC LIMIT ${query.limit + 1}`;
    const items = rows.slice(0, query.limit).map((r) => toStationEvent(r));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeIdCursor(last.id) : undefined };
  }

  async listAlertStates(tenantId: string, query: AlertStateQuery): Promise<Page<AlertStateRecord>> {
    const sql = this.sql;
    const after = query.cursor === undefined ? undefined : decodeAlertCursor(query.cursor);
    const rows = await sql`SELECT * FROM alert_states WHERE tenant_id = ${tenantId}
        ${query.stationId === undefined ? sql`` : sql`AND station_id = ${query.stationId}`}
        ${query.state === undefined ? sql`` : sql`AND state = ${query.state}`}
        ${query.type === undefined ? sql`` : sql`AND type = ${query.type}`}
        ${after === undefined ? sql`` : sql`AND (last_at, station_id, alert_key) < (${after[0]}, ${after[1]}, ${after[2]})`}
      ORDER BY last_at DESC, station_id DESC, alert_key DESC LIMIT ${query.limit + 1}`;
    const items = rows.slice(0, query.limit).map((r) => toAlertState(r));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeAlertCursor(last) : undefined };
  }
}
