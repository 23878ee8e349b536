import type { Sql } from 'postgres';
import type { BusEvent } from '../../core/envelope.js';
import type { OutboxRecord, OutboxStore } from '../../core/ports/store/outbox-store.js';
import type { PgGroupCommit, Tx } from './postgres-group-commit.js';

const TEXT = 25;

/** The outbox table; appended to the PostgreSQL migrations (postgres-migrations.ts). */
export const POSTGRES_OUTBOX_TABLE = `CREATE TABLE event_outbox (
     seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     owner text COLLATE "C" NOT NULL,
     event text NOT NULL
   );
   CREATE INDEX event_outbox_by_owner ON event_outbox (owner, seq)`;

/**
 * The event outbox on PostgreSQL: a batch is one INSERT from an array, in the group commit of the
 * node's hot path. Each node drains its own rows (owner = CSMS_NODE_ID); one node commits one
 * batch at a time, so seq order is its commit order.
 */
export class PostgresOutbox implements OutboxStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  async appendEvents(owner: string, events: BusEvent[]): Promise<void> {
    if (events.length === 0) return;
    const texts = events.map((e) => JSON.stringify(e));
    await this.writer.pipelined((tx) => this.insertTexts(tx, owner, texts));
  }

  /**
   * Inserts events on the transaction of a write already running in the group commit (a
   * transaction message's write, TransactionWriteOptions.events): they commit, or roll back, with its data.
   */
  async insertWithin(tx: Tx, owner: string, events: BusEvent[]): Promise<void> {
    if (events.length > 0) await this.insertTexts(tx, owner, events.map((e) => JSON.stringify(e)));
  }

  private insertTexts(tx: Tx, owner: string, texts: string[]) {
    return tx`INSERT INTO event_outbox (owner, event)
      SELECT ${owner}, e FROM unnest(${this.sql.array(texts, TEXT)}::text[]) WITH ORDINALITY AS t(e, n) ORDER BY n`;
  }

  async pendingEvents(owner: string, limit: number): Promise<OutboxRecord[]> {
    const rows = await this.sql<Array<{ seq: string; event: string }>>`SELECT seq, event FROM event_outbox
      WHERE owner = ${owner} ORDER BY seq LIMIT ${limit}`;
    return rows.map((r) => ({ seq: Number(r.seq), event: JSON.parse(r.event) as BusEvent }));
  }

  async removeEvents(owner: string, throughSeq: number): Promise<void> {
    await this.writer.pipelined((tx) => tx`DELETE FROM event_outbox WHERE owner = ${owner} AND seq <= ${throughSeq}`);
  }

  async countEvents(owner: string): Promise<number> {
    const [row] = await this.sql<Array<{ n: number }>>`SELECT count(*)::integer AS n FROM event_outbox WHERE owner = ${owner}`;
    return row!.n;
  }
}
