import type { Sql } from 'postgres';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { LoggedFrame, MessageLogQuery, MessageLogRecord, MessageLogRetention, MessageLogStore } from '../../core/ports/store/message-log-store.js';
import type { PgGroupCommit } from './postgres-group-commit.js';
import type { Page } from '../../core/ports/store/store.js';
import { toMessageLogRow as toRecord } from './sql-rows.js';

const TEXT = 25;
const INT4 = 23;

/**
 * The OCPP message log on PostgreSQL: a batch of frames is one INSERT from arrays (one
 * statement whatever the batch size, so one prepared statement), seq from an identity column.
 */
export class PostgresMessageLog implements MessageLogStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  async appendMessages(frames: LoggedFrame[]): Promise<void> {
    if (frames.length === 0) return;
    const col = <K extends keyof LoggedFrame>(key: K) => frames.map((f) => f[key]);
    const sql = this.sql;
    await this.writer.pipelined(
      (tx) => tx`INSERT INTO message_log (tenant_id, station_id, direction, message_type, message_id, action, payload, at)
        SELECT * FROM unnest(${sql.array(col('tenantId'), TEXT)}::text[], ${sql.array(col('stationId'), TEXT)}::text[],
          ${sql.array(col('direction'), TEXT)}::text[], ${sql.array(col('messageType'), INT4)}::integer[],
          ${sql.array(col('messageId'), TEXT)}::text[], ${sql.array(col('action'), TEXT)}::text[],
          ${sql.array(col('frame'), TEXT)}::text[], ${sql.array(col('at'), TEXT)}::text[])`,
    );
  }

  appendMissingMessages(frames: LoggedFrame[]): Promise<number> {
    if (frames.length === 0) return Promise.resolve(0);
    const col = <K extends keyof LoggedFrame>(key: K) => frames.map((f) => f[key]);
    const sql = this.sql;
    return this.writer.pipelined(async (tx) => {
      const result = await tx`INSERT INTO message_log (tenant_id, station_id, direction, message_type, message_id, action, payload, at)
        SELECT f.* FROM unnest(${sql.array(col('tenantId'), TEXT)}::text[], ${sql.array(col('stationId'), TEXT)}::text[],
          ${sql.array(col('direction'), TEXT)}::text[], ${sql.array(col('messageType'), INT4)}::integer[],
          ${sql.array(col('messageId'), TEXT)}::text[], ${sql.array(col('action'), TEXT)}::text[],
          ${sql.array(col('frame'), TEXT)}::text[], ${sql.array(col('at'), TEXT)}::text[])
          AS f(tenant_id, station_id, direction, message_type, message_id, action, payload, at)
        WHERE NOT EXISTS (SELECT 1 FROM message_log m WHERE m.tenant_id = f.tenant_id AND m.station_id = f.station_id
          AND m.message_id = f.message_id AND m.direction = f.direction AND m.message_type = f.message_type AND m.at = f.at)`;
      return result.count;
    });
  }

  async listMessages(tenantId: string, stationId: string, query: MessageLogQuery): Promise<Page<MessageLogRecord>> {
    const sql = this.sql;
    const decoded = query.cursor ? Number(decodeCursor(query.cursor)) : Number.MAX_SAFE_INTEGER;
    const before = Number.isSafeInteger(decoded) ? decoded : 0;
    const rows = await sql`SELECT * FROM message_log
      WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND seq < ${before}
        ${query.direction ? sql`AND direction = ${query.direction}` : sql``}
        ${query.action ? sql`AND action = ${query.action}` : sql``}
      ORDER BY seq DESC LIMIT ${query.limit + 1}`;
    const items = rows.slice(0, query.limit).map(toRecord);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(String(last.seq)) : undefined };
  }

  pruneMessages(retention: MessageLogRetention): Promise<number> {
    const stationIds = retention.maxPerStation !== undefined && retention.stationIds ? [...retention.stationIds] : [];
    const keep = retention.maxPerStation ?? 0;
    return this.writer.pipelined(async (tx) => {
      const deletes = [];
      if (retention.olderThan) deletes.push(tx`DELETE FROM message_log WHERE at < ${retention.olderThan}`);
      for (const id of stationIds) {
        deletes.push(tx`DELETE FROM message_log WHERE station_id = ${id} AND seq <= (
          SELECT seq FROM message_log WHERE station_id = ${id} ORDER BY seq DESC LIMIT 1 OFFSET ${keep})`);
      }
      const results = await Promise.all(deletes);
      return results.reduce((sum, r) => sum + r.count, 0);
    });
  }
}
