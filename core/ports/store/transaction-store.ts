import type { MeterSample, MeterValueRecord, TransactionRecord, TxEvent } from '../../transaction-types.js';
import type { StartTransaction16 } from '../../transaction-mapping-16.js';
import type { Page } from './store.js';
import type { TransactionCost } from '../../tariff-assignment.js';
import type { StationReportedCost } from '../../tariff-ocpp21.js';
import type { OutboxEventsOption } from './outbox-store.js';

export interface TransactionOutcome {
  transaction: TransactionRecord;
  /** The same message was delivered before: nothing changed. */
  duplicate: boolean;
  /** Arrived out of order and was merged by folding all stored events again. */
  outOfOrder: boolean;
  /**
   * The transaction's remoteStartId is one this CSMS issued to this station: an operator asked
   * for it through the API, which vouches for its token (see authorize-token.ts).
   */
  remoteStart: boolean;
  /**
   * Other transactions this write closed: the ghosts still active on the EVSE a Started names,
   * each ended by the CSMS (flag superseded-by-new-transaction). Absent when none.
   */
  closed?: TransactionRecord[];
  /**
   * The write priced the transaction (`TransactionWriteOptions.cost`, core/transaction-costing.ts)
   * and kept its cost in the same commit; `cost` is then that cost (or, for a duplicate, the one
   * kept before), undefined when no tariff applies. Absent: this adapter does not price inside its
   * writes, and the caller prices afterwards.
   */
  costed?: boolean;
  cost?: TransactionCost;
  /**
   * The write put the events of `TransactionWriteOptions.events` into the event outbox in its own
   * transaction (none for a duplicate). Absent: this adapter does not (MongoDB), and the caller
   * publishes them after the write.
   */
  eventsWritten?: boolean;
}

/** What a transaction message's write may also do in the same commit. */
export interface TransactionWriteOptions {
  /**
   * Price the transaction under its tariff (pinned at its first costing) up to `at` (the end,
   * once ended) and keep the cost beside it, in the same write: `computedAt` is the CSMS's clock.
   */
  cost?: { at: string; computedAt: string; stationReported?: StationReportedCost };
  /**
   * Put the message's events into the event outbox (`store.outbox`) in the same transaction as
   * the data, built from the write's outcome after the cost step (so a final cost is in
   * `transaction.ended`). The outcome says `eventsWritten` when the adapter did.
   */
  events?: OutboxEventsOption<TransactionOutcome>;
}

export type TransactionSort = 'startedAt' | '-startedAt' | 'updatedAt' | '-updatedAt';

export interface TransactionQuery {
  limit: number;
  cursor?: string;
  stationId?: string;
  active?: boolean;
  /** Compared case-insensitively (OCPP's CiString, ASCII case), as id tokens are matched. */
  idToken?: string;
  remoteStartId?: number;
  /** startedAt range, ISO-8601, inclusive from / exclusive to. */
  from?: string;
  to?: string;
  sort?: TransactionSort;
}

export interface RemoteStartRequest {
  tenantId: string;
  stationId: string;
  idToken: string;
  evseId: number | null;
  at: string;
}

export interface StationMeterValues {
  tenantId: string;
  stationId: string;
  evseId: number | null;
  samples: MeterSample[];
}

/** Transactions and their meter values. Every write settles after it is durably committed. */
export interface TransactionStore {
  /**
   * 1.6 StartTransaction: assigns the next CSMS transaction id (unique across the store), or
   * returns the one assigned before when the same request is delivered again. A pending remote
   * start for the same station and idTag (within 10 minutes) lends its remoteStartId.
   */
  startTransaction16(tenantId: string, stationId: string, request: StartTransaction16, options?: TransactionWriteOptions): Promise<TransactionOutcome>;
  /**
   * A read before `startTransaction16`: whether its outcome will say (or, for a request stored
   * before, said) `remoteStart`: the stored transaction's remote start was issued to this station,
   * or a pending remote start for this station and idTag (within 10 minutes) will be lent to it.
   */
  remoteStart16(tenantId: string, stationId: string, request: StartTransaction16): Promise<boolean>;
  /** Stores and folds one event (2.x TransactionEvent, 1.6 Stop/MeterValues); idempotent by dedupKey. */
  applyTransactionEvent(tenantId: string, stationId: string, event: TxEvent, options?: TransactionWriteOptions): Promise<TransactionOutcome>;
  /** Meter values sent outside any transaction (1.6 MeterValues without transactionId, 2.x MeterValues). */
  recordStationMeterValues(values: StationMeterValues): Promise<void>;
  /** Registers a remote start and returns its remoteStartId (unique per store). */
  recordRemoteStart(request: RemoteStartRequest): Promise<number>;
  /** The active transaction on an EVSE of a station, if any (newest first). */
  findActiveTransaction(tenantId: string, stationId: string, evseId: number): Promise<TransactionRecord | undefined>;
  /**
   * By id; `stationId` disambiguates 2.x ids that two stations happen to share. Without
   * `stationId`, an id several stations use throws `AmbiguousTransactionError`: never a guess.
   */
  getTransaction(tenantId: string, id: string, stationId?: string): Promise<TransactionRecord | undefined>;
  listTransactions(tenantId: string, query: TransactionQuery): Promise<Page<TransactionRecord>>;
  /**
   * Closes active transactions (of every tenant) whose last write is older than `olderThan`: an
   * Ended made by the CSMS at the time of the transaction's last event, flagged
   * `closed-after-timeout` (a late real end still wins). At most `limit`; returns those closed.
   * With `events`, their events go into the outbox in the same transaction: an adapter that does
   * (SQLite, PostgreSQL) calls `build` inside the write; one that cannot (MongoDB) never calls it,
   * and the caller appends them after.
   */
  closeStaleTransactions(olderThan: string, limit: number, events?: OutboxEventsOption<TransactionRecord[]>): Promise<TransactionRecord[]>;
  /** In time order; at most `limit` rows. */
  listMeterValues(tenantId: string, stationId: string, transactionId: string, limit?: number): Promise<MeterValueRecord[]>;
}

/** A transaction id that more than one station of the tenant uses, asked for without a station id. */
export class AmbiguousTransactionError extends Error {
  constructor(
    readonly transactionId: string,
    readonly stationIds: string[],
  ) {
    super(`Transaction id ${transactionId} is used by several stations: ${stationIds.join(', ')}`);
    this.name = 'AmbiguousTransactionError';
  }
}
