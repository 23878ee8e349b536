import type { Database, Statement } from 'better-sqlite3';
import type { DisplayMessageQuery, DisplayMessageSource, DisplayMessageStore, StoredDisplayMessage } from '../../core/ports/store/display-message-store.js';
import type { GroupCommit } from './group-commit.js';
import { DISPLAY_MESSAGE_LIST_LIMIT, byStationIdSource, toStoredDisplayMessage } from './reservation-rows.js';
import type { Row } from './sql-rows.js';

/** Display messages on SQLite; shares the database and group commit of `SqliteStore`. */
export class SqliteDisplayMessages implements DisplayMessageStore {
  private readonly stmt: Record<string, Statement>;
  private readonly lists = new Map<string, Statement>();

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      put: db.prepare(
        `INSERT INTO display_messages (station_id, source, message_id, tenant_id, transaction_id, body, updated_at)
         VALUES (@stationId, @source, @messageId, @tenantId, @transactionId, @body, @updatedAt)
         ON CONFLICT(station_id, source, message_id) DO UPDATE SET transaction_id = excluded.transaction_id, body = excluded.body,
           updated_at = excluded.updated_at
         WHERE display_messages.tenant_id = excluded.tenant_id`,
      ),
      remove: db.prepare('DELETE FROM display_messages WHERE tenant_id = ? AND station_id = ? AND message_id = ? AND source = ?'),
      removeAll: db.prepare('DELETE FROM display_messages WHERE tenant_id = ? AND station_id = ? AND source = ?'),
    };
  }

  async put(records: StoredDisplayMessage[]): Promise<void> {
    if (records.length === 0) return;
    await this.writer.enqueue(() => {
      for (const r of records) {
        this.stmt.put!.run({
          stationId: r.stationId,
          source: r.source,
          messageId: r.message.id,
          tenantId: r.tenantId,
          transactionId: r.message.transactionId ?? null,
          body: JSON.stringify(r.message),
          updatedAt: r.updatedAt,
        });
      }
    });
  }

  async list(tenantId: string, query: DisplayMessageQuery): Promise<StoredDisplayMessage[]> {
    const where = ['tenant_id = @tenantId'];
    const params: Record<string, unknown> = { tenantId, limit: DISPLAY_MESSAGE_LIST_LIMIT };
    for (const [key, column] of [['stationId', 'station_id'], ['transactionId', 'transaction_id'], ['source', 'source']] as const) {
      if (query[key] === undefined) continue;
      where.push(`${column} = @${key}`);
      params[key] = query[key];
    }
    const sql = `SELECT * FROM display_messages WHERE ${where.join(' AND ')} ORDER BY station_id, message_id, source LIMIT @limit`;
    let stmt = this.lists.get(sql);
    if (!stmt) this.lists.set(sql, (stmt = this.db.prepare(sql)));
    return (stmt.all(params) as Row[]).map(toStoredDisplayMessage).sort(byStationIdSource);
  }

  remove(tenantId: string, stationId: string, id: number | null, sources: DisplayMessageSource[]): Promise<number> {
    return this.writer.enqueue(() =>
      sources.reduce((n, source) => n + (id === null ? this.stmt.removeAll!.run(tenantId, stationId, source) : this.stmt.remove!.run(tenantId, stationId, id, source)).changes, 0),
    );
  }
}
