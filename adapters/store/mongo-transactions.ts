import type { Db, Document, Filter } from 'mongodb';
import { csmsCloseEvent, mergeEvent, type TransactionFold, type TransactionState } from '../../core/transaction-fold.js';
import { startEvent16, startKey16, type StartTransaction16 } from '../../core/transaction-mapping-16.js';
import type { MeterSample, MeterValueRecord, TransactionRecord, TxEvent } from '../../core/transaction-types.js';
import { decodeTransactionCursor, encodeTransactionCursor } from './transaction-cursor.js';
import type { MongoBatcher } from './mongo-batcher.js';
import { nextCounter } from './mongo-collections.js';
import type { Page } from '../../core/ports/store/store.js';
import { AmbiguousTransactionError, type RemoteStartRequest, type StationMeterValues, type TransactionOutcome, type TransactionQuery, type TransactionStore } from '../../core/ports/store/transaction-store.js';
import { INT32_MAX, REMOTE_START_WINDOW_MS } from './sqlite-transactions.js';
import type { SessionRules } from '../../core/config.js';

/**
 * A transaction is one document: the record, its fold accumulators and its events. Keeping the
 * events inside makes "store the event and the folded record" one atomic single-document write,
 * with no multi-document transaction (which would need a replica set). Meter values are written
 * first with deterministic ids, so a crash between the two writes and the station's resend
 * cannot duplicate them.
 */
interface TxDoc extends TransactionRecord {
  _id: string;
  startKey?: string;
  fold: TransactionFold;
  events: TxEvent[];
}

const RECORD_ONLY = { projection: { _id: 0, fold: 0, events: 0, startKey: 0 } } as const;

function toRecord(doc: Document): TransactionRecord {
  const { _id, fold, events, startKey, ...record } = doc;
  // Documents written before these fields existed have none.
  return { reservationId: null, triggerReason: null, idTokens: [], ...record } as unknown as TransactionRecord;
}

const SORT_FIELD = { startedAt: 'startedAt', '-startedAt': 'startedAt', updatedAt: 'updatedAt', '-updatedAt': 'updatedAt' } as const;

export class MongoTransactions implements TransactionStore {
  constructor(
    private readonly db: Db,
    private readonly batcher: MongoBatcher,
    private readonly ready: Promise<void>,
    private readonly rules: Partial<SessionRules> = {},
  ) {}

  private get txs() {
    return this.db.collection<TxDoc>('transactions');
  }

  private async writeSamples(tenantId: string, stationId: string, txId: string | null, evseId: number | null, samples: MeterSample[], key?: string): Promise<void> {
    const writes: Promise<void>[] = [];
    let n = 0;
    for (const sample of samples) {
      for (const sv of sample.sampledValue) {
        const doc = { tenantId, stationId, transactionId: txId, evseId, timestamp: sample.timestamp, ...sv, n: n++ };
        const id = key ? `${stationId}|${txId}|${key}|${String(doc.n).padStart(5, '0')}` : undefined;
        writes.push(
          this.batcher.write(
            this.db.collection('meter_values'),
            id ? { updateOne: { filter: { _id: id as never }, update: { $setOnInsert: doc }, upsert: true } } : { insertOne: { document: doc } },
          ),
        );
      }
    }
    await Promise.all(writes);
  }

  private async issued(stationId: string, record: TransactionRecord): Promise<boolean> {
    if (record.remoteStartId === null) return false;
    return (await this.db.collection('remote_starts').countDocuments({ _id: record.remoteStartId as never, stationId }, { limit: 1 })) > 0;
  }

  private async apply(tenantId: string, stationId: string, ev: TxEvent, startKey?: string): Promise<TransactionOutcome> {
    const _id = `${stationId}|${ev.transactionId}`;
    const doc = await this.txs.findOne({ _id });
    if (doc && doc.events.some((e) => e.dedupKey === ev.dedupKey)) {
      const transaction = toRecord(doc);
      return { transaction, duplicate: true, outOfOrder: false, remoteStart: await this.issued(stationId, transaction) };
    }
    const existing: TransactionState | undefined = doc ? { record: toRecord(doc), fold: doc.fold } : undefined;
    const events = [...(doc?.events ?? []), ev];
    const { state, outOfOrder } = mergeEvent(existing, ev, () => events, { tenantId, stationId, now: new Date().toISOString(), maxEnergyStepWh: this.rules.maxEnergyStepWh });
    await this.writeSamples(tenantId, stationId, ev.transactionId, state.record.evseId, ev.meterValues, ev.dedupKey);
    const next: TxDoc = { _id, ...state.record, fold: state.fold, events, ...((startKey ?? doc?.startKey) ? { startKey: startKey ?? doc?.startKey } : {}) };
    await this.batcher.write(this.txs, { replaceOne: { filter: { _id: _id as never }, replacement: next, upsert: true } });
    return { transaction: state.record, duplicate: false, outOfOrder, remoteStart: await this.issued(stationId, state.record) };
  }

  /** A transaction Started on an EVSE closes every other transaction still active there (see the SQLite store). */
  private async closeGhosts(tenantId: string, stationId: string, ev: TxEvent, outcome: TransactionOutcome): Promise<TransactionOutcome> {
    const evseId = outcome.transaction.evseId;
    if (outcome.duplicate || ev.eventType !== 'Started' || evseId === null) return outcome;
    const ghosts = await this.txs.find({ tenantId, stationId, evseId, isActive: true, id: { $ne: ev.transactionId } }).toArray();
    const closed: TransactionRecord[] = [];
    for (const doc of ghosts) {
      const ghost = toRecord(doc);
      const at = ev.timestamp > ghost.startedAt ? ev.timestamp : ghost.startedAt;
      closed.push((await this.apply(tenantId, stationId, csmsCloseEvent(ghost, 'superseded', at, ev.transactionId))).transaction);
    }
    return closed.length > 0 ? { ...outcome, closed } : outcome;
  }

  /** True when this call claimed the id (every 1.6 id issued or reported is claimed once). */
  private async claimId(id: number): Promise<boolean> {
    try {
      await this.db.collection<{ _id: number }>('ocpp16_transaction_ids').insertOne({ _id: id });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  /** The next unclaimed 1.6 id within int32 (the counter wraps to 1), claimed. */
  private async claimTransactionId(stationId: string): Promise<number> {
    for (;;) {
      const id = await nextCounter(this.db, 'ocpp16-transaction');
      if (id > INT32_MAX) {
        await this.db.collection<{ _id: string; value: number }>('counters').updateOne({ _id: 'ocpp16-transaction', value: id }, { $set: { value: 0 } });
        continue;
      }
      // Ids issued before claims existed live only on their transactions.
      if (await this.txs.countDocuments({ _id: `${stationId}|${id}` }, { limit: 1 })) continue;
      if (await this.claimId(id)) return id;
    }
  }

  async startTransaction16(tenantId: string, stationId: string, request: StartTransaction16): Promise<TransactionOutcome> {
    await this.ready;
    const key = startKey16(request);
    const known = await this.txs.findOne({ stationId, startKey: key });
    if (known) {
      const transaction = toRecord(known);
      return { transaction, duplicate: true, outOfOrder: false, remoteStart: await this.issued(stationId, transaction) };
    }
    const id = await this.claimTransactionId(stationId);
    const since = new Date(Date.now() - REMOTE_START_WINDOW_MS).toISOString();
    const pending = await this.db
      .collection('remote_starts')
      .findOneAndUpdate(
        { stationId, idToken: request.idTag, claimed: false, createdAt: { $gte: since } },
        { $set: { claimed: true, transactionId: String(id) } },
        { sort: { createdAt: -1 } },
      );
    const ev = startEvent16(request, id, pending ? (pending._id as unknown as number) : undefined);
    return this.closeGhosts(tenantId, stationId, ev, await this.apply(tenantId, stationId, ev, key));
  }

  async remoteStart16(_tenantId: string, stationId: string, request: StartTransaction16): Promise<boolean> {
    await this.ready;
    const known = await this.txs.findOne({ stationId, startKey: startKey16(request) });
    if (known) return this.issued(stationId, toRecord(known));
    const since = new Date(Date.now() - REMOTE_START_WINDOW_MS).toISOString();
    return (await this.db.collection('remote_starts').countDocuments({ stationId, idToken: request.idTag, claimed: false, createdAt: { $gte: since } }, { limit: 1 })) > 0;
  }

  /**
   * Writes are not one transaction here (no TransactionWriteOptions.cost, no .events): the outcome
   * has no `eventsWritten`, so the caller publishes the events after the write (docs/ARCHITECTURE.md).
   */
  async applyTransactionEvent(tenantId: string, stationId: string, event: TxEvent): Promise<TransactionOutcome> {
    await this.ready;
    // A 1.6 id we never issued is claimed, never issued later; the counter stays where it is.
    if (event.ocppTransactionId !== undefined) await this.claimId(event.ocppTransactionId);
    return this.closeGhosts(tenantId, stationId, event, await this.apply(tenantId, stationId, event));
  }

  async closeStaleTransactions(olderThan: string, limit: number): Promise<TransactionRecord[]> {
    await this.ready;
    const docs = await this.txs.find({ isActive: true, updatedAt: { $lt: olderThan } }).limit(limit).toArray();
    const closed: TransactionRecord[] = [];
    for (const doc of docs) {
      const record = toRecord(doc);
      const at = new Date(Math.max(doc.fold.lastEventMs, Date.parse(record.startedAt))).toISOString();
      closed.push((await this.apply(record.tenantId, record.stationId, csmsCloseEvent(record, 'timed-out', at, 'stale'))).transaction);
    }
    return closed;
  }

  async recordStationMeterValues(values: StationMeterValues): Promise<void> {
    await this.ready;
    await this.writeSamples(values.tenantId, values.stationId, null, values.evseId, values.samples);
  }

  async recordRemoteStart(request: RemoteStartRequest): Promise<number> {
    await this.ready;
    const id = await nextCounter(this.db, 'remote-start');
    await this.db.collection('remote_starts').insertOne({
      _id: id as never,
      tenantId: request.tenantId,
      stationId: request.stationId,
      idToken: request.idToken,
      evseId: request.evseId,
      claimed: false,
      transactionId: null,
      createdAt: request.at,
    });
    return id;
  }

  async findActiveTransaction(tenantId: string, stationId: string, evseId: number): Promise<TransactionRecord | undefined> {
    await this.ready;
    const doc = await this.txs.findOne({ tenantId, stationId, evseId, isActive: true }, { ...RECORD_ONLY, sort: { startedAt: -1 } });
    return doc ? (doc as TransactionRecord) : undefined;
  }

  async getTransaction(tenantId: string, id: string, stationId?: string): Promise<TransactionRecord | undefined> {
    await this.ready;
    const filter: Filter<TxDoc> = stationId === undefined ? { tenantId, id } : { _id: `${stationId}|${id}`, tenantId };
    const docs = await this.txs.find(filter, { ...RECORD_ONLY, sort: { stationId: 1 }, limit: 2 }).toArray();
    if (docs.length > 1) throw new AmbiguousTransactionError(id, docs.map((d) => d.stationId));
    return docs[0] ? (docs[0] as TransactionRecord) : undefined;
  }

  async listTransactions(tenantId: string, query: TransactionQuery): Promise<Page<TransactionRecord>> {
    await this.ready;
    const sortKey = query.sort ?? '-startedAt';
    const field = SORT_FIELD[sortKey];
    const dir = sortKey.startsWith('-') ? -1 : 1;
    const and: Filter<TxDoc>[] = [{ tenantId }];
    if (query.stationId !== undefined) and.push({ stationId: query.stationId });
    if (query.active !== undefined) and.push({ isActive: query.active });
    // Case-insensitive like the SQL stores; an anchored regex walks the tenant's part of the token index.
    if (query.idToken !== undefined) and.push({ 'idToken.idToken': { $regex: `^${query.idToken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, $options: 'i' } });
    if (query.remoteStartId !== undefined) and.push({ remoteStartId: query.remoteStartId });
    if (query.from !== undefined) and.push({ startedAt: { $gte: query.from } });
    if (query.to !== undefined) and.push({ startedAt: { $lt: query.to } });
    if (query.cursor) {
      const [v, s, i] = decodeTransactionCursor(query.cursor);
      const op = dir === -1 ? '$lt' : '$gt';
      and.push({ $or: [{ [field]: { [op]: v } }, { [field]: v, stationId: { [op]: s } }, { [field]: v, stationId: s, id: { [op]: i } }] } as Filter<TxDoc>);
    }
    const docs = await this.txs
      .find({ $and: and }, RECORD_ONLY)
      .sort({ [field]: dir, stationId: dir, id: dir })
      .limit(query.limit + 1)
      .toArray();
    const items = docs.slice(0, query.limit) as unknown as TransactionRecord[];
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > query.limit && last ? encodeTransactionCursor(last[field], last.stationId, last.id) : undefined };
  }

  async listMeterValues(tenantId: string, stationId: string, transactionId: string, limit = 10000): Promise<MeterValueRecord[]> {
    await this.ready;
    const docs = await this.db
      .collection('meter_values')
      .find({ stationId, transactionId, tenantId }, { projection: { _id: 0, n: 0 } })
      .sort({ timestamp: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return (docs as unknown as MeterValueRecord[]).map((d) => ({ ...d, signedMeterValue: d.signedMeterValue ?? null }));
  }
}
