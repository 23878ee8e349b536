import type { OcppVersion } from './protocols.js';

/** An id token as the 2.x protocol names it; a 1.6 idTag becomes one (see transaction-mapping-16). */
export interface IdTokenRef {
  idToken: string;
  type: string;
}

/**
 * Why a record needs a human look. Flags are recomputed from the stored events on every
 * refold, so a flag raised by an early (out-of-order) event disappears once the missing one arrives.
 */
export type TransactionFlag =
  | 'ended-without-start'
  | 'missing-start'
  | 'unknown-transaction'
  | 'meter-went-backwards'
  /** The energy register rose by more than the plausible step (CSMS_MAX_ENERGY_STEP_WH) between two readings. */
  | 'implausible-energy-step'
  /** Closed by the CSMS: a new transaction started on its EVSE while it was still active (a ghost session). */
  | 'superseded-by-new-transaction'
  /** Closed by the CSMS: no message for it within CSMS_STALE_TRANSACTION_HOURS. */
  | 'closed-after-timeout'
  /** 2.x: ended, but some seqNo below the highest one never arrived (E14: the CSMS asks with GetTransactionStatus). */
  | 'missing-events';

/** One transaction, the same whatever protocol the station speaks. Timestamps are ISO-8601. */
export interface TransactionRecord {
  tenantId: string;
  stationId: string;
  /** 1.6: the CSMS-assigned integer as a decimal string; 2.x: the station's transactionId. */
  id: string;
  /** 1.6 only: the integer on the wire. */
  ocppTransactionId: number | null;
  protocol: OcppVersion;
  evseId: number | null;
  connectorId: number | null;
  idToken: IdTokenRef | null;
  isActive: boolean;
  chargingState: string | null;
  timeSpentChargingSec: number;
  totalKwh: number;
  stoppedReason: string | null;
  remoteStartId: number | null;
  /** 2.1: operationMode (ChargingOnly, CentralSetpoint, V2X modes…) and tariffId, as last reported. */
  operationMode: string | null;
  tariffId: string | null;
  startedAt: string;
  endedAt: string | null;
  meterStartWh: number | null;
  meterStopWh: number | null;
  lastSeqNo: number | null;
  /** The reservation it used (1.6 StartTransaction, 2.x TransactionEvent reservationId). */
  reservationId: number | null;
  /** 2.x: the triggerReason of its newest event (in seqNo order). */
  triggerReason: string | null;
  /**
   * Every id token the transaction was sent with, in event order, each once per change (the one
   * that started it, one that authorized it later, the one that stopped it…); `idToken` is the first.
   */
  idTokens: Array<IdTokenRef & { at: string; triggerReason: string | null }>;
  flags: TransactionFlag[];
  createdAt: string;
  updatedAt: string;
}

/**
 * A signed meter value kept as the station sent it, for billing evidence (eichrecht, OCMF…):
 * 2.x `signedMeterValue`, or a 1.6 sampled value of format `SignedData` (its `value` is the blob).
 */
export interface SignedMeterValue {
  signedMeterData: string;
  signingMethod: string | null;
  encodingMethod: string | null;
  publicKey: string | null;
  /** 1.6: 'SignedData'; 2.x: null. */
  format: string | null;
  /**
   * 1.6 only: no readable value was sent beside the signed one (same measurand, phase, location,
   * context), so the row's `value` means nothing and energy ignores it.
   */
  valueless?: boolean;
}

/** A sampled value normalised across versions (1.6 sends strings, 2.x numbers and a multiplier). */
export interface SampledValue {
  value: number;
  measurand: string;
  unit: string | null;
  multiplier: number;
  context: string | null;
  phase: string | null;
  location: string | null;
  /** The signed value sent with (or, 1.6, beside) this one; absent or null when none. */
  signedMeterValue?: SignedMeterValue | null;
}

export interface MeterSample {
  timestamp: string;
  sampledValue: SampledValue[];
}

/** A stored meter value row: append-only, indexed by transaction and time. */
export interface MeterValueRecord extends SampledValue {
  tenantId: string;
  stationId: string;
  /** Null for values sent outside a transaction (1.6 MeterValues without transactionId). */
  transactionId: string | null;
  evseId: number | null;
  timestamp: string;
}

/**
 * A version-neutral transaction event: what every 1.6 and 2.x transaction message is turned into
 * before it is stored and folded. Events are stored verbatim so that a late (out-of-order) event
 * can be merged by folding them all again in order.
 */
export interface TxEvent {
  protocol: OcppVersion;
  eventType: 'Started' | 'Updated' | 'Ended';
  transactionId: string;
  timestamp: string;
  /** Sort key: 2.x [seqNo, 0]; 1.6 [rank, epoch ms] with Started < Updated < Ended. */
  order: [number, number];
  /** Identifies a redelivery of the same message: 2.x "seq:<n>", 1.6 a content hash. */
  dedupKey: string;
  seqNo?: number;
  ocppTransactionId?: number;
  triggerReason?: string;
  reservationId?: number;
  offline?: boolean;
  chargingState?: string;
  stoppedReason?: string;
  remoteStartId?: number;
  operationMode?: string;
  tariffId?: string;
  evseId?: number;
  connectorId?: number;
  idToken?: IdTokenRef;
  meterStartWh?: number;
  meterStopWh?: number;
  meterValues: MeterSample[];
  /**
   * An Ended the CSMS made, not the station: ordered after every station event, and ignored when
   * the station's own Ended is (or later gets) stored, so a late real end always wins.
   */
  closedBy?: 'superseded' | 'timed-out';
}

export function compareOrder(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

/**
 * Stations send timestamps with any offset and precision; stored ones are canonical UTC ISO so
 * they sort and compare as strings. An unparsable one (the schema only says date-time) stays as sent.
 */
export function canonicalTime(timestamp: string): string {
  const ms = Date.parse(timestamp);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : timestamp;
}
