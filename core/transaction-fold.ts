import { applyChargingState, chargingSeconds, EMPTY_CHARGING, stopCharging, type ChargingFold } from './charging-time.js';
import { applyReading, EMPTY_ENERGY, energyTotals, registerWh, whToKwh, type EnergyFold } from './energy.js';
import { compareOrder, type TransactionFlag, type TransactionRecord, type TxEvent } from './transaction-types.js';

/** Accumulators behind a record; stored beside it so the next in-order event applies incrementally. */
export interface TransactionFold {
  energy: EnergyFold;
  charging: ChargingFold;
  lastOrder: [number, number];
  seenStart: boolean;
  seenEnd: boolean;
  lastEventMs: number;
  /** 2.x: distinct seqNos folded (events are stored once per seqNo); absent in older folds. */
  seqNoCount?: number;
  /** The CSMS closed it (TxEvent.closedBy); absent in folds stored before this existed. */
  closedBy?: 'superseded' | 'timed-out';
}

export interface TransactionState {
  record: TransactionRecord;
  fold: TransactionFold;
}

export interface FoldContext {
  tenantId: string;
  stationId: string;
  /** When the store writes it: createdAt/updatedAt. */
  now: string;
  /** Largest believable register rise between two readings; default DEFAULT_MAX_ENERGY_STEP_WH. */
  maxEnergyStepWh?: number;
}

function initial(ev: TxEvent, ctx: FoldContext, createdAt: string): TransactionState {
  return {
    record: {
      tenantId: ctx.tenantId,
      stationId: ctx.stationId,
      id: ev.transactionId,
      ocppTransactionId: null,
      protocol: ev.protocol,
      evseId: null,
      connectorId: null,
      idToken: null,
      isActive: true,
      chargingState: null,
      timeSpentChargingSec: 0,
      totalKwh: 0,
      stoppedReason: null,
      remoteStartId: null,
      operationMode: null,
      tariffId: null,
      startedAt: ev.timestamp,
      endedAt: null,
      meterStartWh: null,
      meterStopWh: null,
      lastSeqNo: null,
      reservationId: null,
      triggerReason: null,
      idTokens: [],
      flags: [],
      createdAt,
      updatedAt: ctx.now,
    },
    fold: {
      energy: EMPTY_ENERGY,
      charging: EMPTY_CHARGING,
      lastOrder: ev.order,
      seenStart: false,
      seenEnd: false,
      lastEventMs: Date.parse(ev.timestamp),
    },
  };
}

function flagsOf(rec: TransactionRecord, fold: TransactionFold): TransactionFlag[] {
  const flags: TransactionFlag[] = [];
  if (!fold.seenStart && fold.seenEnd) flags.push('ended-without-start');
  if (!fold.seenStart && !fold.seenEnd) flags.push('missing-start');
  // 1.6 ids are ours: a message for one we never issued (or lost) is worth a look.
  if (!fold.seenStart && rec.protocol === 'ocpp1.6') flags.push('unknown-transaction');
  if (fold.energy.backwards) flags.push('meter-went-backwards');
  if (fold.energy.implausibleStep) flags.push('implausible-energy-step');
  // seqNo starts at 0: fewer distinct ones than the highest + 1 means some never arrived (a
  // missing Started has its own flag).
  if (fold.seenStart && fold.seenEnd && rec.lastSeqNo !== null && fold.seqNoCount !== undefined && fold.seqNoCount < rec.lastSeqNo + 1) flags.push('missing-events');
  if (fold.closedBy === 'superseded') flags.push('superseded-by-new-transaction');
  if (fold.closedBy === 'timed-out') flags.push('closed-after-timeout');
  return flags;
}

/** Applies one event after those already folded into `state` (caller ensures order). */
export function applyEvent(state: TransactionState | undefined, ev: TxEvent, ctx: FoldContext): TransactionState {
  // The station's own end came first (or was folded before): the CSMS's close is moot.
  if (ev.closedBy && state?.fold.seenEnd) return state;
  const base = state ?? initial(ev, ctx, ctx.now);
  const rec: TransactionRecord = { ...base.record };
  const fold: TransactionFold = { ...base.fold };
  const atMs = Date.parse(ev.timestamp);

  if (ev.eventType === 'Started') {
    fold.seenStart = true;
    rec.startedAt = ev.timestamp;
  } else if (!fold.seenStart && Date.parse(rec.startedAt) > atMs) {
    rec.startedAt = ev.timestamp;
  }
  if (ev.ocppTransactionId !== undefined) rec.ocppTransactionId = ev.ocppTransactionId;
  if (ev.evseId !== undefined) rec.evseId = ev.evseId;
  if (ev.connectorId !== undefined) rec.connectorId = ev.connectorId;
  // The token that started it identifies the session; a stop token does not replace it.
  if (ev.idToken && (!rec.idToken || ev.eventType === 'Started')) rec.idToken = ev.idToken;
  if (ev.remoteStartId !== undefined) rec.remoteStartId = ev.remoteStartId;
  if (ev.reservationId !== undefined) rec.reservationId = ev.reservationId;
  if (ev.triggerReason !== undefined) rec.triggerReason = ev.triggerReason;
  if (ev.idToken) {
    const tokens = rec.idTokens ?? [];
    const last = tokens[tokens.length - 1];
    if (!last || last.idToken !== ev.idToken.idToken || last.type !== ev.idToken.type) {
      rec.idTokens = [...tokens, { idToken: ev.idToken.idToken, type: ev.idToken.type, at: ev.timestamp, triggerReason: ev.triggerReason ?? null }];
    }
  }
  if (ev.operationMode !== undefined) rec.operationMode = ev.operationMode;
  if (ev.tariffId !== undefined) rec.tariffId = ev.tariffId;
  if (ev.seqNo !== undefined) {
    rec.lastSeqNo = Math.max(rec.lastSeqNo ?? ev.seqNo, ev.seqNo);
    fold.seqNoCount = (fold.seqNoCount ?? 0) + 1;
  }

  let energy = fold.energy;
  if (ev.meterStartWh !== undefined) energy = applyReading(energy, { atMs, wh: ev.meterStartWh }, 'Transaction.Begin', ctx.maxEnergyStepWh);
  for (const sample of ev.meterValues) {
    const sampleMs = Date.parse(sample.timestamp);
    for (const sv of sample.sampledValue) {
      const wh = registerWh(sv);
      if (wh !== undefined) energy = applyReading(energy, { atMs: sampleMs, wh }, sv.context, ctx.maxEnergyStepWh);
    }
  }
  if (ev.meterStopWh !== undefined) energy = applyReading(energy, { atMs, wh: ev.meterStopWh }, 'Transaction.End', ctx.maxEnergyStepWh);
  fold.energy = energy;

  if (ev.chargingState !== undefined) {
    fold.charging = applyChargingState(fold.charging, ev.chargingState, atMs);
    rec.chargingState = ev.chargingState;
  }
  if (ev.closedBy) fold.closedBy = ev.closedBy;
  if (ev.eventType === 'Ended') {
    fold.seenEnd = true;
    fold.charging = stopCharging(fold.charging, atMs);
    rec.endedAt = ev.timestamp;
    // Both 1.6 and 2.x: an omitted reason means Local.
    rec.stoppedReason = ev.stoppedReason ?? 'Local';
  } else if (ev.stoppedReason !== undefined) {
    rec.stoppedReason = ev.stoppedReason;
  }
  fold.lastEventMs = Math.max(fold.lastEventMs, atMs);
  if (compareOrder(ev.order, fold.lastOrder) > 0) fold.lastOrder = ev.order;

  rec.isActive = !fold.seenEnd;
  const totals = energyTotals(fold.energy);
  rec.meterStartWh = totals.startWh;
  rec.meterStopWh = fold.seenEnd ? totals.topWh : null;
  rec.totalKwh = whToKwh(totals.totalWh);
  rec.timeSpentChargingSec = chargingSeconds(fold.charging, fold.seenEnd ? Date.parse(rec.endedAt!) : fold.lastEventMs);
  rec.flags = flagsOf(rec, fold);
  rec.updatedAt = ctx.now;
  return { record: rec, fold };
}

/** Folds every event of a transaction from scratch, in order; keeps the original createdAt. */
export function foldEvents(events: TxEvent[], ctx: FoldContext, createdAt?: string): TransactionState | undefined {
  const sorted = [...events].sort((a, b) => compareOrder(a.order, b.order));
  let state: TransactionState | undefined;
  for (const ev of sorted) {
    state = applyEvent(state ?? (createdAt ? initial(ev, ctx, createdAt) : undefined), ev, ctx);
  }
  return state;
}

/**
 * Merges a new (non-duplicate) event. In order: applied incrementally. Out of order (a late or
 * replayed event): everything is folded again from the stored events, which include this one.
 */
export function mergeEvent(
  existing: TransactionState | undefined,
  ev: TxEvent,
  storedEvents: () => TxEvent[],
  ctx: FoldContext,
): { state: TransactionState; outOfOrder: boolean } {
  if (!existing || compareOrder(ev.order, existing.fold.lastOrder) > 0) {
    return { state: applyEvent(existing, ev, ctx), outOfOrder: false };
  }
  const state = foldEvents(storedEvents(), ctx, existing.record.createdAt)!;
  return { state, outOfOrder: true };
}

/** Sorts after every station event of any version (2.x seqNo, 1.6 rank 0..2). */
const CSMS_CLOSE_RANK = Number.MAX_SAFE_INTEGER;

/**
 * The Ended the CSMS stores for an active transaction it closes: a ghost superseded by a new
 * transaction on its EVSE, or one without a message for too long. Reason Other (2.x
 * stoppedReason and 1.6 reason both have it); the flag says why. Idempotent by its dedupKey.
 */
export function csmsCloseEvent(record: TransactionRecord, closedBy: 'superseded' | 'timed-out', at: string, cause: string): TxEvent {
  return {
    protocol: record.protocol,
    eventType: 'Ended',
    transactionId: record.id,
    ...(record.ocppTransactionId !== null ? { ocppTransactionId: record.ocppTransactionId } : {}),
    timestamp: at,
    order: [CSMS_CLOSE_RANK, Date.parse(at)],
    dedupKey: `csms-close:${closedBy}:${cause}`,
    stoppedReason: 'Other',
    closedBy,
    meterValues: [],
  };
}
