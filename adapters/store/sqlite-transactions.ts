import type { Database, Statement } from 'better-sqlite3';
import { csmsCloseEvent, mergeEvent, type TransactionState } from '../../core/transaction-fold.js';
import { startEvent16, startKey16, type StartTransaction16 } from '../../core/transaction-mapping-16.js';
import type { MeterSample, MeterValueRecord, TransactionRecord, TxEvent } from '../../core/transaction-types.js';
import { decodeTransactionCursor, encodeTransactionCursor } from './transaction-cursor.js';
import type { GroupCommit } from './group-commit.js';
import type { Page } from '../../core/ports/store/store.js';
import type {
  RemoteStartRequest,
  StationMeterValues,
  TransactionOutcome,
  TransactionQuery,
  TransactionStore,
  TransactionWriteOptions,
} from '../../core/ports/store/transaction-store.js';
import { TRANSACTION_SORTS as SORTS, toMeterValue, toTransactionRecord as toRecord, toTransactionState as toState, type Row } from './sql-rows.js';
import { AmbiguousTransactionError } from '../../core/ports/store/transaction-store.js';
import type { SessionRules } from '../../core/config.js';
import type { SqliteTariffs } from './sqlite-tariffs.js';
import type { SqliteOutbox } from './sqlite-outbox.js';
import type { OutboxEventsOption } from '../../core/ports/store/outbox-store.js';

/** How long a remote start waits for the 1.6 StartTransaction it caused. */
export const REMOTE_START_WINDOW_MS = 10 * 60 * 1000;

/** 1.6 transactionId is a JSON integer that stations keep in an int32. */
export const INT32_MAX = 2_147_483_647;
const OCPP16_SEQUENCE = 'ocpp16-transaction';

/**
 * The transaction slice of the SQLite store. Each write runs inside the group commit as a
 * read-fold-write under a savepoint, so concurrent events of one transaction cannot interleave
 * and a failing write leaves nothing half-done.
 */
export class SqliteTransactions implements TransactionStore {
  private readonly stmt: Record<string, Statement>;
  private readonly listStatements = new Map<string, Statement>();
  /**
   * Nested in the group commit's transaction this is a SAVEPOINT: a throw rolls back only this
   * write, not its batch. Made once: creating a transaction function per write cost ~6% of the
   * handler thread.
   */
  private readonly savepoint: (fn: () => unknown) => unknown;

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommit,
    private readonly rules: Partial<SessionRules> = {},
    /** Prices a transaction inside its message's write (TransactionWriteOptions.cost); absent: writes never price. */
    private readonly tariffs?: SqliteTariffs,
    /** Takes a message's events inside its write (TransactionWriteOptions.events); absent: writes never do. */
    private readonly outbox?: SqliteOutbox,
  ) {
    this.savepoint = db.transaction((fn: () => unknown) => fn());
    this.stmt = {
      get: db.prepare('SELECT * FROM transactions WHERE station_id = ? AND id = ?'),
      getByTenant: db.prepare('SELECT * FROM transactions WHERE tenant_id = ? AND id = ? ORDER BY station_id LIMIT 2'),
      active: db.prepare(
        `SELECT * FROM transactions WHERE tenant_id = ? AND station_id = ? AND evse_id = ? AND is_active = 1
         ORDER BY started_at DESC LIMIT 1`,
      ),
      getByStation: db.prepare('SELECT * FROM transactions WHERE tenant_id = ? AND station_id = ? AND id = ?'),
      // The partial index transactions_active_by_evse holds the active rows only.
      stale: db.prepare('SELECT * FROM transactions WHERE is_active = 1 AND updated_at < ? LIMIT ?'),
      othersActive: db.prepare(
        'SELECT * FROM transactions WHERE station_id = ? AND evse_id = ? AND is_active = 1 AND tenant_id = ? AND id <> ?',
      ),
      byStartKey: db.prepare('SELECT * FROM transactions WHERE station_id = ? AND start_key = ?'),
      insertEvent: db.prepare(
        `INSERT INTO transaction_events (station_id, transaction_id, dedup_key, tenant_id, event, received_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      events: db.prepare('SELECT event FROM transaction_events WHERE station_id = ? AND transaction_id = ?'),
      upsert: db.prepare(
        `INSERT INTO transactions (station_id, id, tenant_id, ocpp_transaction_id, start_key, protocol, evse_id, connector_id,
           id_token, id_token_type, is_active, charging_state, time_spent_charging_sec, total_kwh, stopped_reason,
           remote_start_id, operation_mode, tariff_id, started_at, ended_at, meter_start_wh, meter_stop_wh, last_seq_no, flags, fold, created_at, updated_at,
           reservation_id, trigger_reason, id_tokens)
         VALUES (@stationId, @id, @tenantId, @ocppTransactionId, @startKey, @protocol, @evseId, @connectorId,
           @idToken, @idTokenType, @isActive, @chargingState, @timeSpentChargingSec, @totalKwh, @stoppedReason,
           @remoteStartId, @operationMode, @tariffId, @startedAt, @endedAt, @meterStartWh, @meterStopWh, @lastSeqNo, @flags, @fold, @createdAt, @updatedAt,
           @reservationId, @triggerReason, @idTokens)
         ON CONFLICT(station_id, id) DO UPDATE SET ocpp_transaction_id = excluded.ocpp_transaction_id,
           start_key = COALESCE(transactions.start_key, excluded.start_key), evse_id = excluded.evse_id,
           connector_id = excluded.connector_id, id_token = excluded.id_token, id_token_type = excluded.id_token_type,
           is_active = excluded.is_active, charging_state = excluded.charging_state,
           time_spent_charging_sec = excluded.time_spent_charging_sec, total_kwh = excluded.total_kwh,
           stopped_reason = excluded.stopped_reason, remote_start_id = excluded.remote_start_id,
           operation_mode = excluded.operation_mode, tariff_id = excluded.tariff_id,
           started_at = excluded.started_at, ended_at = excluded.ended_at, meter_start_wh = excluded.meter_start_wh,
           meter_stop_wh = excluded.meter_stop_wh, last_seq_no = excluded.last_seq_no, flags = excluded.flags,
           fold = excluded.fold, updated_at = excluded.updated_at, reservation_id = excluded.reservation_id,
           trigger_reason = excluded.trigger_reason, id_tokens = excluded.id_tokens`,
      ),
      insertMeter: db.prepare(
        `INSERT INTO meter_values (tenant_id, station_id, transaction_id, evse_id, ts, measurand, phase, location, context,
           value, unit, multiplier, signed_meter_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      meterValues: db.prepare(
        'SELECT * FROM meter_values WHERE station_id = ? AND transaction_id = ? AND tenant_id = ? ORDER BY ts, rowid LIMIT ?',
      ),
      nextSeq: db.prepare(
        `INSERT INTO sequences (name, value) VALUES (?, 1)
         ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value`,
      ),
      claimId: db.prepare('INSERT OR IGNORE INTO ocpp16_transaction_ids (id) VALUES (?)'),
      resetSeq: db.prepare('UPDATE sequences SET value = 0 WHERE name = ? AND value = ?'),
      insertRemoteStart: db.prepare(
        'INSERT INTO remote_starts (tenant_id, station_id, id_token, evse_id, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
      ),
      pendingRemoteStart: db.prepare(
        `SELECT id FROM remote_starts WHERE station_id = ? AND id_token = ? AND transaction_id IS NULL AND created_at >= ?
         ORDER BY created_at DESC LIMIT 1`,
      ),
      claimRemoteStart: db.prepare('UPDATE remote_starts SET transaction_id = ? WHERE id = ?'),
      issuedRemoteStart: db.prepare('SELECT 1 FROM remote_starts WHERE id = ? AND station_id = ?'),
    };
  }

  private write<T>(fn: () => T): Promise<T> {
    return this.writer.enqueue(() => this.savepoint(fn) as T);
  }

  private persist(state: TransactionState, startKey: string | null): void {
    const r = state.record;
    this.stmt.upsert!.run({
      ...r,
      startKey,
      idToken: r.idToken?.idToken ?? null,
      idTokenType: r.idToken?.type ?? null,
      isActive: r.isActive ? 1 : 0,
      flags: JSON.stringify(r.flags),
      fold: JSON.stringify(state.fold),
      idTokens: JSON.stringify(r.idTokens ?? []),
    });
  }

  private insertSamples(tenantId: string, stationId: string, transactionId: string | null, evseId: number | null, samples: MeterSample[]): void {
    for (const sample of samples) {
      for (const sv of sample.sampledValue) {
        this.stmt.insertMeter!.run(
          tenantId, stationId, transactionId, evseId, sample.timestamp, sv.measurand, sv.phase, sv.location, sv.context,
          sv.value, sv.unit, sv.multiplier, sv.signedMeterValue ? JSON.stringify(sv.signedMeterValue) : null,
        );
      }
    }
  }

  private issued(stationId: string, record: TransactionRecord): boolean {
    return record.remoteStartId !== null && this.stmt.issuedRemoteStart!.get(record.remoteStartId, stationId) !== undefined;
  }

  /** The shared write path: dedupe, fold (incrementally or again from all events), persist. */
  private applyNow(tenantId: string, stationId: string, ev: TxEvent, startKey: string | null): TransactionOutcome {
    const now = new Date().toISOString();
    const row = this.stmt.get!.get(stationId, ev.transactionId) as Row | undefined;
    const existing = row ? toState(row) : undefined;
    const inserted = this.stmt.insertEvent!.run(stationId, ev.transactionId, ev.dedupKey, tenantId, JSON.stringify(ev), now).changes === 1;
    if (!inserted && existing) {
      return { transaction: existing.record, duplicate: true, outOfOrder: false, remoteStart: this.issued(stationId, existing.record) };
    }
    const loadEvents = () =>
      (this.stmt.events!.all(stationId, ev.transactionId) as Row[]).map((r) => JSON.parse(r.event as string) as TxEvent);
    const { state, outOfOrder } = mergeEvent(existing, ev, loadEvents, { tenantId, stationId, now, maxEnergyStepWh: this.rules.maxEnergyStepWh });
    this.persist(state, startKey);
    this.insertSamples(tenantId, stationId, ev.transactionId, state.record.evseId, ev.meterValues);
    return { transaction: state.record, duplicate: false, outOfOrder, remoteStart: this.issued(stationId, state.record) };
  }

  /**
   * A transaction Started on an EVSE closes every other transaction still active there (a ghost:
   * its end was lost), flagged superseded-by-new-transaction; one indexed read per Started only.
   */
  private closeGhosts(tenantId: string, stationId: string, ev: TxEvent, outcome: TransactionOutcome): TransactionOutcome {
    const evseId = outcome.transaction.evseId;
    if (outcome.duplicate || ev.eventType !== 'Started' || evseId === null) return outcome;
    const closed: TransactionRecord[] = [];
    for (const row of this.stmt.othersActive!.all(stationId, evseId, tenantId, ev.transactionId) as Row[]) {
      const ghost = toRecord(row);
      const at = ev.timestamp > ghost.startedAt ? ev.timestamp : ghost.startedAt;
      closed.push(this.applyNow(tenantId, stationId, csmsCloseEvent(ghost, 'superseded', at, ev.transactionId), null).transaction);
    }
    return closed.length > 0 ? { ...outcome, closed } : outcome;
  }

  /** The next unclaimed 1.6 id, claimed; after INT32_MAX the counter wraps to 1. */
  private claimTransactionId(): number {
    for (;;) {
      const id = (this.stmt.nextSeq!.get(OCPP16_SEQUENCE) as Row).value as number;
      if (id > INT32_MAX) {
        this.stmt.resetSeq!.run(OCPP16_SEQUENCE, id);
        continue;
      }
      if (this.stmt.claimId!.run(id).changes === 1) return id;
    }
  }

  /** The cost step of a transaction message, inside its write (core/transaction-costing.ts). */
  private priced(outcome: TransactionOutcome, options: TransactionWriteOptions | undefined): TransactionOutcome {
    if (!options?.cost || !this.tariffs) return outcome;
    const { transaction } = outcome;
    const read = (limit: number) => (this.stmt.meterValues!.all(transaction.stationId, transaction.id, transaction.tenantId, limit) as Row[]).map(toMeterValue);
    try {
      const { cost } = this.tariffs.priceWithin(transaction, outcome.duplicate, options.cost, read);
      return { ...outcome, costed: true, ...(cost ? { cost } : {}) };
    } catch {
      // Never fails the message: left unpriced here, the caller's own cost step tries again and logs why.
      return outcome;
    }
  }

  /**
   * The events step of a transaction message, last in its write (after the cost step): its events
   * go into the outbox under the same savepoint, so they commit (or roll back) with the data.
   */
  private published(outcome: TransactionOutcome, options: TransactionWriteOptions | undefined): TransactionOutcome {
    if (!options?.events || !this.outbox) return outcome;
    this.outbox.insertWithin(options.events.owner, options.events.build(outcome));
    return { ...outcome, eventsWritten: true };
  }

  /** Cost step, then events step: the tail of every transaction message's write. */
  private finished(outcome: TransactionOutcome, options: TransactionWriteOptions | undefined): TransactionOutcome {
    return this.published(this.priced(outcome, options), options);
  }

  startTransaction16(tenantId: string, stationId: string, request: StartTransaction16, options?: TransactionWriteOptions): Promise<TransactionOutcome> {
    return this.write(() => {
      const key = startKey16(request);
      const known = this.stmt.byStartKey!.get(stationId, key) as Row | undefined;
      if (known) {
        const transaction = toRecord(known);
        return this.finished({ transaction, duplicate: true, outOfOrder: false, remoteStart: this.issued(stationId, transaction) }, options);
      }
      const id = this.claimTransactionId();
      const pending = this.pendingRemoteStart(stationId, request.idTag);
      if (pending) this.stmt.claimRemoteStart!.run(String(id), pending.id);
      const ev = startEvent16(request, id, pending ? (pending.id as number) : undefined);
      return this.finished(this.closeGhosts(tenantId, stationId, ev, this.applyNow(tenantId, stationId, ev, key)), options);
    });
  }

  private pendingRemoteStart(stationId: string, idTag: string): Row | undefined {
    const since = new Date(Date.now() - REMOTE_START_WINDOW_MS).toISOString();
    return this.stmt.pendingRemoteStart!.get(stationId, idTag, since) as Row | undefined;
  }

  async remoteStart16(_tenantId: string, stationId: string, request: StartTransaction16): Promise<boolean> {
    const known = this.stmt.byStartKey!.get(stationId, startKey16(request)) as Row | undefined;
    return known ? this.issued(stationId, toRecord(known)) : this.pendingRemoteStart(stationId, request.idTag) !== undefined;
  }

  applyTransactionEvent(tenantId: string, stationId: string, event: TxEvent, options?: TransactionWriteOptions): Promise<TransactionOutcome> {
    return this.write(() => {
      // A 1.6 id we never issued must never be handed out later for a real start: claimed, but
      // the counter stays where it is (a station reporting 2147483647 must not exhaust it).
      if (event.ocppTransactionId !== undefined) this.stmt.claimId!.run(event.ocppTransactionId);
      return this.finished(this.closeGhosts(tenantId, stationId, event, this.applyNow(tenantId, stationId, event, null)), options);
    });
  }

  closeStaleTransactions(olderThan: string, limit: number, events?: OutboxEventsOption<TransactionRecord[]>): Promise<TransactionRecord[]> {
    return this.write(() => {
      const closed = (this.stmt.stale!.all(olderThan, limit) as Row[]).map((row) => {
        const { record, fold } = toState(row);
        const close = csmsCloseEvent(record, 'timed-out', new Date(Math.max(fold.lastEventMs, Date.parse(record.startedAt))).toISOString(), 'stale');
        return this.applyNow(record.tenantId, record.stationId, close, null).transaction;
      });
      if (events && this.outbox && closed.length > 0) this.outbox.insertWithin(events.owner, events.build(closed));
      return closed;
    });
  }

  async recordStationMeterValues(values: StationMeterValues): Promise<void> {
    await this.write(() => this.insertSamples(values.tenantId, values.stationId, null, values.evseId, values.samples));
  }

  recordRemoteStart(request: RemoteStartRequest): Promise<number> {
    return this.write(
      () =>
        (this.stmt.insertRemoteStart!.get(request.tenantId, request.stationId, request.idToken, request.evseId, request.at) as Row)
          .id as number,
    );
  }

  async findActiveTransaction(tenantId: string, stationId: string, evseId: number): Promise<TransactionRecord | undefined> {
    const row = this.stmt.active!.get(tenantId, stationId, evseId) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  async getTransaction(tenantId: string, id: string, stationId?: string): Promise<TransactionRecord | undefined> {
    if (stationId === undefined) {
      const rows = this.stmt.getByTenant!.all(tenantId, id) as Row[];
      if (rows.length > 1) throw new AmbiguousTransactionError(id, rows.map((r) => r.station_id as string));
      return rows[0] ? toRecord(rows[0]) : undefined;
    }
    const row = this.stmt.getByStation!.get(tenantId, stationId, id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  async listTransactions(tenantId: string, query: TransactionQuery): Promise<Page<TransactionRecord>> {
    const sort = SORTS[query.sort ?? '-startedAt'];
    const where = ['tenant_id = @tenantId'];
    const params: Record<string, unknown> = { tenantId, limit: query.limit + 1 };
    if (query.stationId !== undefined) (where.push('station_id = @stationId'), (params.stationId = query.stationId));
    if (query.active !== undefined) (where.push('is_active = @active'), (params.active = query.active ? 1 : 0));
    if (query.idToken !== undefined) (where.push('id_token = @idToken COLLATE NOCASE'), (params.idToken = query.idToken));
    if (query.remoteStartId !== undefined) (where.push('remote_start_id = @remoteStartId'), (params.remoteStartId = query.remoteStartId));
    if (query.from !== undefined) (where.push('started_at >= @from'), (params.from = query.from));
    if (query.to !== undefined) (where.push('started_at < @to'), (params.to = query.to));
    if (query.cursor) {
      const [at, station, id] = decodeTransactionCursor(query.cursor);
      where.push(`(${sort.column}, station_id, id) ${sort.desc ? '<' : '>'} (@cAt, @cStation, @cId)`);
      Object.assign(params, { cAt: at, cStation: station, cId: id });
    }
    const dir = sort.desc ? 'DESC' : 'ASC';
    // A token has few transactions: look them up by the token index. Left to itself SQLite walks
    // the tenant's transactions in sort order (measured: a quarter of the handler thread's time
    // in the transactions bench, where every Authorize asks for the token's active ones).
    const from = query.idToken !== undefined ? 'transactions INDEXED BY transactions_by_token' : 'transactions';
    const sql = `SELECT * FROM ${from} WHERE ${where.join(' AND ')}
      ORDER BY ${sort.column} ${dir}, station_id ${dir}, id ${dir} LIMIT @limit`;
    let stmt = this.listStatements.get(sql);
    if (!stmt) this.listStatements.set(sql, (stmt = this.db.prepare(sql)));
    const rows = stmt.all(params) as Row[];
    const items = rows.slice(0, query.limit).map(toRecord);
    const last = items[items.length - 1];
    const nextCursor =
      rows.length > query.limit && last ? encodeTransactionCursor(last[sort.field], last.stationId, last.id) : undefined;
    return { items, nextCursor };
  }

  async listMeterValues(tenantId: string, stationId: string, transactionId: string, limit = 10000): Promise<MeterValueRecord[]> {
    return (this.stmt.meterValues!.all(stationId, transactionId, tenantId, limit) as Row[]).map(toMeterValue);
  }
}
