import type { Database, Statement } from 'better-sqlite3';
import type { BusEvent } from '../../core/envelope.js';
import type { OutboxRecord, OutboxStore } from '../../core/ports/store/outbox-store.js';
import type { GroupCommit } from './group-commit.js';

/** The SQL of the outbox table; the SQLite store's migrations run it (sqlite-migrations.ts). */
export const SQLITE_OUTBOX_TABLE = `CREATE TABLE event_outbox (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     owner TEXT NOT NULL,
     event TEXT NOT NULL
   );
   CREATE INDEX event_outbox_by_owner ON event_outbox (owner, seq);`;

/** The event outbox slice of the SQLite store; appends join the hot path's group commit. */
export class SqliteOutbox implements OutboxStore {
  private readonly stmt: Record<'insert' | 'pending' | 'remove' | 'count', Statement>;

  constructor(
    db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      insert: db.prepare('INSERT INTO event_outbox (owner, event) VALUES (?, ?)'),
      pending: db.prepare('SELECT seq, event FROM event_outbox WHERE owner = ? ORDER BY seq LIMIT ?'),
      remove: db.prepare('DELETE FROM event_outbox WHERE owner = ? AND seq <= ?'),
      count: db.prepare('SELECT count(*) AS n FROM event_outbox WHERE owner = ?'),
    };
  }

  async appendEvents(owner: string, events: BusEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Serialised before the commit, so the write inside the transaction is only the insert.
    const texts = events.map((e) => JSON.stringify(e));
    await this.writer.enqueue(() => this.insertTexts(owner, texts));
  }

  /**
   * Inserts events inside a write already running in the group commit (a transaction message's
   * write, TransactionWriteOptions.events): they commit, or roll back, with its data.
   */
  insertWithin(owner: string, events: BusEvent[]): void {
    this.insertTexts(owner, events.map((e) => JSON.stringify(e)));
  }

  private insertTexts(owner: string, texts: string[]): void {
    for (const text of texts) this.stmt.insert.run(owner, text);
  }

  async pendingEvents(owner: string, limit: number): Promise<OutboxRecord[]> {
    const rows = this.stmt.pending.all(owner, limit) as Array<{ seq: number; event: string }>;
    return rows.map((r) => ({ seq: r.seq, event: JSON.parse(r.event) as BusEvent }));
  }

  async removeEvents(owner: string, throughSeq: number): Promise<void> {
    await this.writer.enqueue(() => this.stmt.remove.run(owner, throughSeq));
  }

  async countEvents(owner: string): Promise<number> {
    return (this.stmt.count.get(owner) as { n: number }).n;
  }
}
