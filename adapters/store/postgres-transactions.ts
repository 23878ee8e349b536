import type { Sql } from 'postgres';
import { csmsCloseEvent, mergeEvent, type TransactionState } from '../../core/transaction-fold.js';
import { startEvent16, startKey16, type StartTransaction16 } from '../../core/transaction-mapping-16.js';
import type { MeterSample, MeterValueRecord, TransactionRecord, TxEvent } from '../../core/transaction-types.js';
import type { PgGroupCommit, Tx } from './postgres-group-commit.js';
import { REMOTE_START_WINDOW_MS } from './sqlite-transactions.js';
import type { Page } from '../../core/ports/store/store.js';
import { decodeTransactionCursor, encodeTransactionCursor } from './transaction-cursor.js';
import { AmbiguousTransactionError, type RemoteStartRequest, type StationMeterValues, type TransactionOutcome, type TransactionQuery, type TransactionStore, type TransactionWriteOptions } from '../../core/ports/store/transaction-store.js';
import { TRANSACTION_SORTS as SORTS, toMeterValue, toTransactionRecord as toRecord, toTransactionState as toState, type Row } from './sql-rows.js';
import type { SessionRules } from '../../core/config.js';
import type { PostgresTariffs } from './postgres-tariffs.js';
import type { PostgresOutbox } from './postgres-outbox.js';
import type { OutboxEventsOption } from '../../core/ports/store/outbox-store.js';

const TEXT = 25;
const INT4 = 23;
const FLOAT8 = 701;

/** Thrown inside `mergeEvent` when it asks for the stored events: they are loaded and it runs again. */
const NEED_EVENTS = Symbol('need stored events');

/**
 * The transaction slice of the PostgreSQL store, with the SQLite adapter's semantics: each event
 * is stored once (dedup key), folded incrementally, or all stored events are folded again when
 * one arrives out of order. Every write is a read-fold-write inside the group commit's
 * transaction; the record's row lock (FOR UPDATE) makes another node writing the same
 * transaction wait, and a record two nodes create at once is detected and folded again.
 */
export class PostgresTransactions implements TransactionStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
    private readonly rules: Partial<SessionRules> = {},
    /** Prices a transaction inside its message's write (TransactionWriteOptions.cost); absent: writes never price. */
    private readonly tariffs?: PostgresTariffs,
    /** Takes a message's events inside its write (TransactionWriteOptions.events); absent: writes never do. */
    private readonly outbox?: PostgresOutbox,
  ) {}

  /**
   * The events step of a transaction message, last in its write (after the cost step): its events
   * go into the outbox on the batch's transaction, so they commit (or roll back) with the data.
   */
  private async published(tx: Tx, outcome: TransactionOutcome, options: TransactionWriteOptions | undefined): Promise<TransactionOutcome> {
    if (!options?.events || !this.outbox) return outcome;
    await this.outbox.insertWithin(tx, options.events.owner, options.events.build(outcome));
    return { ...outcome, eventsWritten: true };
  }

  /** Cost step, then events step: the tail of every transaction message's write. */
  private async finished(tx: Tx, outcome: TransactionOutcome, options: TransactionWriteOptions | undefined): Promise<TransactionOutcome> {
    return this.published(tx, await this.priced(tx, outcome, options), options);
  }

  /** The cost step of a transaction message, inside its write's transaction (core/transaction-costing.ts). */
  private async priced(tx: Tx, outcome: TransactionOutcome, options: TransactionWriteOptions | undefined): Promise<TransactionOutcome> {
    if (!options?.cost || !this.tariffs) return outcome;
    const { transaction: t } = outcome;
    const read = async (limit: number) =>
      (await tx`SELECT * FROM meter_values WHERE tenant_id = ${t.tenantId} AND station_id = ${t.stationId} AND transaction_id = ${t.id} ORDER BY ts, id LIMIT ${limit}`).map(toMeterValue);
    try {
      const { cost } = await this.tariffs.priceWithin(tx, t, outcome.duplicate, options.cost, read);
      return { ...outcome, costed: true, ...(cost ? { cost } : {}) };
    } catch (error) {
      // A statement that failed has aborted the batch's transaction: the write fails and is retried.
      if (typeof (error as { code?: unknown })?.code === 'string') throw error;
      // Pricing itself failed: the message is not failed for it; the caller's cost step tries again and logs why.
      return outcome;
    }
  }

  private insertSamples(tx: Tx, tenantId: string, stationId: string, transactionId: string | null, evseId: number | null, samples: MeterSample[]) {
    const rows = samples.flatMap((s) =>
      s.sampledValue.map((sv) => ({ ts: s.timestamp, ...sv, signed: sv.signedMeterValue ? JSON.stringify(sv.signedMeterValue) : null })),
    );
    if (rows.length === 0) return Promise.resolve(undefined);
    const col = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((r) => r[key]);
    const sql = this.sql;
    // Array order is insertion order: the identity column keeps samples of one timestamp in order.
    return tx`INSERT INTO meter_values (tenant_id, station_id, transaction_id, evse_id, ts, measurand, phase, location,
        context, value, unit, multiplier, signed_meter_value)
      SELECT ${tenantId}, ${stationId}, ${transactionId}, ${evseId}::integer, ts, measurand, phase, location, context, value, unit, multiplier, signed
      FROM unnest(${sql.array(col('ts'), TEXT)}::text[], ${sql.array(col('measurand'), TEXT)}::text[],
        ${sql.array(col('phase'), TEXT)}::text[], ${sql.array(col('location'), TEXT)}::text[],
        ${sql.array(col('context'), TEXT)}::text[], ${sql.array(col('value'), FLOAT8)}::float8[],
        ${sql.array(col('unit'), TEXT)}::text[], ${sql.array(col('multiplier'), INT4)}::integer[],
        ${sql.array(col('signed'), TEXT)}::text[]) WITH ORDINALITY
        AS u(ts, measurand, phase, location, context, value, unit, multiplier, signed, n)
      ORDER BY n`.then(() => undefined);
  }

  private async issued(tx: Tx, tenantId: string, stationId: string, record: TransactionRecord): Promise<boolean> {
    if (record.remoteStartId === null) return false;
    const rows = await tx`SELECT 1 FROM remote_starts
      WHERE id = ${record.remoteStartId}::bigint AND tenant_id = ${tenantId} AND station_id = ${stationId}`;
    return rows.length > 0;
  }

  private persistValues(state: TransactionState, startKey: string | null) {
    const r = state.record;
    return {
      tenant_id: r.tenantId, station_id: r.stationId, id: r.id, ocpp_transaction_id: r.ocppTransactionId, start_key: startKey,
      protocol: r.protocol, evse_id: r.evseId, connector_id: r.connectorId, id_token: r.idToken?.idToken ?? null,
      id_token_type: r.idToken?.type ?? null, is_active: r.isActive, charging_state: r.chargingState,
      time_spent_charging_sec: r.timeSpentChargingSec, total_kwh: r.totalKwh, stopped_reason: r.stoppedReason,
      remote_start_id: r.remoteStartId, operation_mode: r.operationMode, tariff_id: r.tariffId, started_at: r.startedAt,
      ended_at: r.endedAt, meter_start_wh: r.meterStartWh, meter_stop_wh: r.meterStopWh, last_seq_no: r.lastSeqNo,
      flags: JSON.stringify(r.flags), fold: JSON.stringify(state.fold), created_at: r.createdAt, updated_at: r.updatedAt,
      reservation_id: r.reservationId, trigger_reason: r.triggerReason, id_tokens: JSON.stringify(r.idTokens ?? []),
    };
  }

  /**
   * The shared write path: dedupe, fold (incrementally or again from all events), persist.
   * `inserted` is set when running again after another node created the record first: our
   * event is stored already, and must be merged, not taken for a duplicate.
   */
  private async applyNow(tx: Tx, tenantId: string, stationId: string, ev: TxEvent, startKey: string | null, inserted?: boolean): Promise<TransactionOutcome> {
    const now = new Date().toISOString();
    const [rows, insert] = await Promise.all([
      tx`SELECT * FROM transactions WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND id = ${ev.transactionId} FOR UPDATE`,
      inserted === undefined
        ? tx`INSERT INTO transaction_events (tenant_id, station_id, transaction_id, dedup_key, event, received_at)
             VALUES (${tenantId}, ${stationId}, ${ev.transactionId}, ${ev.dedupKey}, ${JSON.stringify(ev)}, ${now}) ON CONFLICT DO NOTHING`
        : undefined,
    ]);
    const isNew = inserted ?? insert!.count === 1;
    const existing = rows[0] ? toState(rows[0]) : undefined;
    if (!isNew && existing) {
      return { transaction: existing.record, duplicate: true, outOfOrder: false, remoteStart: await this.issued(tx, tenantId, stationId, existing.record) };
    }

    let events: TxEvent[] | undefined;
    const merge = () =>
      mergeEvent(
        existing,
        ev,
        () => {
          if (!events) throw NEED_EVENTS;
          return events;
        },
        { tenantId, stationId, now, maxEnergyStepWh: this.rules.maxEnergyStepWh },
      );
    let merged: ReturnType<typeof mergeEvent>;
    try {
      merged = merge();
    } catch (error) {
      if (error !== NEED_EVENTS) throw error;
      const stored = await tx`SELECT event FROM transaction_events
        WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND transaction_id = ${ev.transactionId}`;
      events = stored.map((r) => JSON.parse(r.event as string) as TxEvent);
      merged = merge();
    }
    const { state, outOfOrder } = merged;
    const values = this.persistValues(state, startKey);
    const sql = this.sql;
    if (existing) {
      // The row is locked (FOR UPDATE above): update, samples and the remote-start check go out together.
      const { tenant_id, station_id, id, created_at, start_key, ...changes } = values;
      const [, , remoteStart] = await Promise.all([
        tx`UPDATE transactions SET ${sql(changes)}, start_key = COALESCE(start_key, ${start_key})
           WHERE tenant_id = ${tenant_id} AND station_id = ${station_id} AND id = ${id}`,
        this.insertSamples(tx, tenantId, stationId, ev.transactionId, state.record.evseId, ev.meterValues),
        this.issued(tx, tenantId, stationId, state.record),
      ]);
      return { transaction: state.record, duplicate: false, outOfOrder, remoteStart };
    }
    const created = await tx`INSERT INTO transactions ${sql(values)} ON CONFLICT (tenant_id, station_id, id) DO NOTHING RETURNING 1`;
    if (created.length === 0) {
      // Another node created this transaction since we looked: its row now exists (and is
      // locked by us on the next look), so merge into it.
      if (inserted !== undefined) throw new Error(`transaction ${stationId}/${ev.transactionId} kept changing under us`);
      return this.applyNow(tx, tenantId, stationId, ev, startKey, isNew);
    }
    const [, remoteStart] = await Promise.all([
      this.insertSamples(tx, tenantId, stationId, ev.transactionId, state.record.evseId, ev.meterValues),
      this.issued(tx, tenantId, stationId, state.record),
    ]);
    return { transaction: state.record, duplicate: false, outOfOrder, remoteStart };
  }

  /**
   * A transaction Started on an EVSE closes every other transaction still active there (a ghost:
   * its end was lost), flagged superseded-by-new-transaction; one indexed read per Started only.
   */
  private async closeGhosts(tx: Tx, tenantId: string, stationId: string, ev: TxEvent, outcome: TransactionOutcome): Promise<TransactionOutcome> {
    const evseId = outcome.transaction.evseId;
    if (outcome.duplicate || ev.eventType !== 'Started' || evseId === null) return outcome;
    const rows = await tx`SELECT * FROM transactions WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND evse_id = ${evseId}
      AND is_active AND id <> ${ev.transactionId}`;
    const closed: TransactionRecord[] = [];
    for (const row of rows) {
      const ghost = toRecord(row);
      const at = ev.timestamp > ghost.startedAt ? ev.timestamp : ghost.startedAt;
      closed.push((await this.applyNow(tx, tenantId, stationId, csmsCloseEvent(ghost, 'superseded', at, ev.transactionId), null)).transaction);
    }
    return closed.length > 0 ? { ...outcome, closed } : outcome;
  }

  /** Next 1.6 transaction id: from the cluster-wide sequence, claimed so that no other start gets it. */
  private async claimTransactionId(tx: Tx): Promise<number> {
    for (;;) {
      const [row] = await tx`WITH n AS (SELECT nextval('ocpp16_transaction_id') AS id)
        INSERT INTO ocpp16_transaction_ids (id) SELECT id FROM n ON CONFLICT DO NOTHING RETURNING id`;
      if (row) return row.id as number;
    }
  }

  startTransaction16(tenantId: string, stationId: string, request: StartTransaction16, options?: TransactionWriteOptions): Promise<TransactionOutcome> {
    return this.writer.sequential(async (tx) => {
      const key = startKey16(request);
      const [known] = await tx`SELECT * FROM transactions WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND start_key = ${key}`;
      if (known) {
        const transaction = toRecord(known);
        return this.finished(tx, { transaction, duplicate: true, outOfOrder: false, remoteStart: await this.issued(tx, tenantId, stationId, transaction) }, options);
      }
      const id = await this.claimTransactionId(tx);
      const since = new Date(Date.now() - REMOTE_START_WINDOW_MS).toISOString();
      // SKIP LOCKED: two nodes never claim the same remote start.
      const [pending] = await tx`UPDATE remote_starts SET transaction_id = ${String(id)}
        WHERE id = (SELECT id FROM remote_starts
          WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND id_token = ${request.idTag}
            AND transaction_id IS NULL AND created_at >= ${since}
          ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id`;
      const ev = startEvent16(request, id, pending ? (pending.id as number) : undefined);
      return this.finished(tx, await this.closeGhosts(tx, tenantId, stationId, ev, await this.applyNow(tx, tenantId, stationId, ev, key)), options);
    });
  }

  async remoteStart16(tenantId: string, stationId: string, request: StartTransaction16): Promise<boolean> {
    const [known] = await this.sql`SELECT * FROM transactions WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND start_key = ${startKey16(request)}`;
    if (known) return this.issued(this.sql, tenantId, stationId, toRecord(known));
    const since = new Date(Date.now() - REMOTE_START_WINDOW_MS).toISOString();
    const [pending] = await this.sql`SELECT 1 FROM remote_starts
      WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND id_token = ${request.idTag}
        AND transaction_id IS NULL AND created_at >= ${since} LIMIT 1`;
    return pending !== undefined;
  }

  applyTransactionEvent(tenantId: string, stationId: string, event: TxEvent, options?: TransactionWriteOptions): Promise<TransactionOutcome> {
    return this.writer.sequential(async (tx) => {
      const reported = event.ocppTransactionId;
      if (reported === undefined) return this.finished(tx, await this.closeGhosts(tx, tenantId, stationId, event, await this.applyNow(tx, tenantId, stationId, event, null)), options);
      // A 1.6 id we never issued must never be handed out later for a real start: claim it, but
      // leave the sequence alone (a station reporting 2147483647 must not exhaust it). Sent ahead
      // of the fold's first statements, in the same flight.
      const claim = tx`INSERT INTO ocpp16_transaction_ids (id) VALUES (${reported}::bigint) ON CONFLICT DO NOTHING`;
      claim.catch(() => {});
      try {
        const outcome = await this.applyNow(tx, tenantId, stationId, event, null);
        await claim;
        return await this.finished(tx, outcome, options);
      } catch (error) {
        await claim; // its own error first: the fold's would only say the transaction was aborted
        throw error;
      }
    });
  }

  closeStaleTransactions(olderThan: string, limit: number, events?: OutboxEventsOption<TransactionRecord[]>): Promise<TransactionRecord[]> {
    return this.writer.sequential(async (tx) => {
      const rows = await tx`SELECT * FROM transactions WHERE is_active AND updated_at < ${olderThan} LIMIT ${limit}`;
      const closed: TransactionRecord[] = [];
      for (const row of rows) {
        const { record, fold } = toState(row);
        const close = csmsCloseEvent(record, 'timed-out', new Date(Math.max(fold.lastEventMs, Date.parse(record.startedAt))).toISOString(), 'stale');
        closed.push((await this.applyNow(tx, record.tenantId, record.stationId, close, null)).transaction);
      }
      if (events && this.outbox && closed.length > 0) await this.outbox.insertWithin(tx, events.owner, events.build(closed));
      return closed;
    });
  }

  async recordStationMeterValues(values: StationMeterValues): Promise<void> {
    await this.writer.pipelined((tx) => this.insertSamples(tx, values.tenantId, values.stationId, null, values.evseId, values.samples));
  }

  recordRemoteStart(request: RemoteStartRequest): Promise<number> {
    return this.writer.pipelined((tx) =>
      tx`INSERT INTO remote_starts (tenant_id, station_id, id_token, evse_id, created_at)
         VALUES (${request.tenantId}, ${request.stationId}, ${request.idToken}, ${request.evseId}, ${request.at})
         RETURNING id`.then(([row]) => row!.id as number),
    );
  }

  async findActiveTransaction(tenantId: string, stationId: string, evseId: number): Promise<TransactionRecord | undefined> {
    const [row] = await this.sql`SELECT * FROM transactions
      WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND evse_id = ${evseId} AND is_active
      ORDER BY started_at DESC LIMIT 1`;
    return row ? toRecord(row) : undefined;
  }

  async getTransaction(tenantId: string, id: string, stationId?: string): Promise<TransactionRecord | undefined> {
    const rows =
      stationId === undefined
        ? await this.sql`SELECT * FROM transactions WHERE tenant_id = ${tenantId} AND id = ${id} ORDER BY station_id LIMIT 2`
        : await this.sql`SELECT * FROM transactions WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND id = ${id}`;
    if (rows.length > 1) throw new AmbiguousTransactionError(id, rows.map((r) => r.station_id as string));
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async listTransactions(tenantId: string, query: TransactionQuery): Promise<Page<TransactionRecord>> {
    const sql = this.sql;
    const sort = SORTS[query.sort ?? '-startedAt'];
    const column = sql(sort.column);
    let where = sql`tenant_id = ${tenantId}`;
    if (query.stationId !== undefined) where = sql`${where} AND station_id = ${query.stationId}`;
    if (query.active !== undefined) where = sql`${where} AND is_active = ${query.active}`;
    if (query.idToken !== undefined) where = sql`${where} AND lower(id_token) = lower(${query.idToken})`;
    if (query.remoteStartId !== undefined) where = sql`${where} AND remote_start_id = ${query.remoteStartId}::bigint`;
    if (query.from !== undefined) where = sql`${where} AND started_at >= ${query.from}`;
    if (query.to !== undefined) where = sql`${where} AND started_at < ${query.to}`;
    if (query.cursor) {
      const [at, station, id] = decodeTransactionCursor(query.cursor);
      where = sort.desc
        ? sql`${where} AND (${column}, station_id, id) < (${at}, ${station}, ${id})`
        : sql`${where} AND (${column}, station_id, id) > (${at}, ${station}, ${id})`;
    }
    const rows = sort.desc
      ? await sql`SELECT * FROM transactions WHERE ${where} ORDER BY ${column} DESC, station_id DESC, id DESC LIMIT ${query.limit + 1}`
      : await sql`SELECT * FROM transactions WHERE ${where} ORDER BY ${column}, station_id, id LIMIT ${query.limit + 1}`;
    const items = rows.slice(0, query.limit).map(toRecord);
    const last = items[items.length - 1];
    const nextCursor = rows.length > query.limit && last ? encodeTransactionCursor(last[sort.field], last.stationId, last.id) : undefined;
    return { items, nextCursor };
  }

  async listMeterValues(tenantId: string, stationId: string, transactionId: string, limit = 10000): Promise<MeterValueRecord[]> {
    const rows = await this.sql`SELECT * FROM meter_values
      WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND transaction_id = ${transactionId}
      ORDER BY ts, id LIMIT ${limit}`;
    return rows.map(toMeterValue);
  }
}
