import type { Sql } from 'postgres';
import type { DisplayMessageQuery, DisplayMessageSource, DisplayMessageStore, StoredDisplayMessage } from '../../core/ports/store/display-message-store.js';
import type { PgGroupCommit } from './postgres-group-commit.js';
import { DISPLAY_MESSAGE_LIST_LIMIT, byStationIdSource, toStoredDisplayMessage } from './reservation-rows.js';
import type { Row } from './sql-rows.js';

/** Display messages on PostgreSQL. */
export class PostgresDisplayMessages implements DisplayMessageStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  async put(records: StoredDisplayMessage[]): Promise<void> {
    if (records.length === 0) return;
    // Every statement issued before the first await: pipelined with the batch's other writes.
    await this.writer.pipelined((tx) =>
      Promise.all(records.map((r) => tx`INSERT INTO display_messages (station_id, source, message_id, tenant_id, transaction_id, body, updated_at)
          VALUES (${r.stationId}, ${r.source}, ${r.message.id}, ${r.tenantId}, ${r.message.transactionId ?? null}, ${JSON.stringify(r.message)}, ${r.updatedAt})
          ON CONFLICT (station_id, source, message_id) DO UPDATE SET transaction_id = excluded.transaction_id, body = excluded.body,
            updated_at = excluded.updated_at
          WHERE display_messages.tenant_id = excluded.tenant_id`)),
    );
  }

  async list(tenantId: string, query: DisplayMessageQuery): Promise<StoredDisplayMessage[]> {
    const sql = this.sql;
    const rows = await sql<Row[]>`SELECT * FROM display_messages WHERE tenant_id = ${tenantId}
      ${query.stationId === undefined ? sql`` : sql`AND station_id = ${query.stationId}`}
      ${query.transactionId === undefined ? sql`` : sql`AND transaction_id = ${query.transactionId}`}
      ${query.source === undefined ? sql`` : sql`AND source = ${query.source}`}
      ORDER BY station_id, message_id, source LIMIT ${DISPLAY_MESSAGE_LIST_LIMIT}`;
    return rows.map(toStoredDisplayMessage).sort(byStationIdSource);
  }

  remove(tenantId: string, stationId: string, id: number | null, sources: DisplayMessageSource[]): Promise<number> {
    if (sources.length === 0) return Promise.resolve(0);
    return this.writer.pipelined(async (tx) => {
      const gone = await tx`DELETE FROM display_messages WHERE tenant_id = ${tenantId} AND station_id = ${stationId}
        ${id === null ? tx`` : tx`AND message_id = ${id}`} AND source IN ${tx(sources)}`;
      return gone.count;
    });
  }
}
