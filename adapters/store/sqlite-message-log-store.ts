import type { Database, Statement } from 'better-sqlite3';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { GroupCommit } from './group-commit.js';
import type { LoggedFrame, MessageLogQuery, MessageLogRecord, MessageLogRetention, MessageLogStore } from '../../core/ports/store/message-log-store.js';
import type { Page } from '../../core/ports/store/store.js';
import { toMessageLogRow as toRecord, type Row } from './sql-rows.js';

/** The message log slice of the SQLite store; shares the database and group commit of `SqliteStore`. */
export class SqliteMessageLogStore implements MessageLogStore {
  private readonly stmt: Record<string, Statement>;
  private readonly listStatements = new Map<string, Statement>();

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO message_log (tenant_id, station_id, direction, message_type, message_id, action, payload, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      pruneStation: db.prepare(
        `DELETE FROM message_log WHERE station_id = ? AND seq <= (
           SELECT seq FROM message_log WHERE station_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
      ),
      exists: db.prepare(
        `SELECT 1 FROM message_log WHERE station_id = ? AND tenant_id = ? AND message_id = ? AND direction = ? AND message_type = ? AND at = ? LIMIT 1`,
      ),
      pruneBelow: db.prepare('DELETE FROM message_log WHERE seq < ?'),
      seqBounds: db.prepare('SELECT min(seq) AS lo, max(seq) AS hi FROM message_log'),
      firstFrom: db.prepare('SELECT seq, at FROM message_log WHERE seq >= ? ORDER BY seq LIMIT 1'),
    };
  }

  async appendMessages(frames: LoggedFrame[]): Promise<void> {
    if (frames.length === 0) return;
    await this.writer.enqueue(() => {
      for (const f of frames) {
        this.stmt.insert!.run(f.tenantId, f.stationId, f.direction, f.messageType, f.messageId, f.action, f.frame, f.at);
      }
    });
  }

  appendMissingMessages(frames: LoggedFrame[]): Promise<number> {
    if (frames.length === 0) return Promise.resolve(0);
    return this.writer.enqueue(() => {
      let appended = 0;
      for (const f of frames) {
        if (this.stmt.exists!.get(f.stationId, f.tenantId, f.messageId, f.direction, f.messageType, f.at)) continue;
        this.stmt.insert!.run(f.tenantId, f.stationId, f.direction, f.messageType, f.messageId, f.action, f.frame, f.at);
        appended++;
      }
      return appended;
    });
  }

  async listMessages(tenantId: string, stationId: string, query: MessageLogQuery): Promise<Page<MessageLogRecord>> {
    const before = query.cursor ? Number(decodeCursor(query.cursor)) : Number.MAX_SAFE_INTEGER;
    const where = ['tenant_id = ?', 'station_id = ?', 'seq < ?'];
    const args: unknown[] = [tenantId, stationId, Number.isFinite(before) ? before : 0];
    if (query.direction) {
      where.push('direction = ?');
      args.push(query.direction);
    }
    if (query.action) {
      where.push('action = ?');
      args.push(query.action);
    }
    // Four filter combinations at most: prepare each once.
    const sql = `SELECT * FROM message_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`;
    let list = this.listStatements.get(sql);
    if (!list) this.listStatements.set(sql, (list = this.db.prepare(sql)));
    const rows = list.all(...args, query.limit + 1) as Row[];
    const items = rows.slice(0, query.limit).map(toRecord);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(String(last.seq)) : undefined };
  }

  /**
   * The first seq whose frame is not older than `at`, by binary search over seq: frames are
   * appended in time order (to within the gateways' batching), so no index on `at` is needed.
   */
  private firstSeqNotOlderThan(at: string): number {
    const bounds = this.stmt.seqBounds!.get() as { lo: number | null; hi: number | null };
    if (bounds.lo === null || bounds.hi === null) return 0;
    let lo = bounds.lo;
    let hi = bounds.hi + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const row = this.stmt.firstFrom!.get(mid) as { seq: number; at: string } | undefined;
      if (!row) hi = mid;
      else if (row.at < at) lo = row.seq + 1;
      else hi = mid;
    }
    return lo;
  }

  pruneMessages(retention: MessageLogRetention): Promise<number> {
    return this.writer.enqueue(() => {
      let deleted = 0;
      if (retention.olderThan) deleted += this.stmt.pruneBelow!.run(this.firstSeqNotOlderThan(retention.olderThan)).changes;
      if (retention.maxPerStation !== undefined && retention.stationIds) {
        for (const id of retention.stationIds) deleted += this.stmt.pruneStation!.run(id, id, retention.maxPerStation).changes;
      }
      return deleted;
    });
  }
}
