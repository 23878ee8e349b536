import { createHash } from 'node:crypto';
import { ENERGY_REGISTER } from './energy.js';
import { canonicalTime, type IdTokenRef, type MeterSample, type SampledValue, type TxEvent } from './transaction-types.js';
import { evseFrom16 } from './version-mapping.js';

/**
 * OCPP 1.6 transaction messages → version-neutral events. 1.6 has no seqNo, so a redelivered
 * message is recognised by a hash of its content, and order comes from Start < MeterValues (by
 * time) < Stop.
 */
export interface SampledValue16 {
  value: string;
  context?: string;
  format?: string;
  measurand?: string;
  phase?: string;
  location?: string;
  unit?: string;
}

export interface MeterValue16 {
  timestamp: string;
  sampledValue: SampledValue16[];
}

/**
 * 1.6 idTags carry no type. We record them as ISO14443 (RFID cards, by far the common 1.6
 * source), so a token seen over 1.6 can be used in a 2.x call without translation.
 */
export const IDTAG_TYPE_16 = 'ISO14443';

export function idTokenFrom16(idTag: string): IdTokenRef {
  return { idToken: idTag, type: IDTAG_TYPE_16 };
}

function hash(parts: unknown): string {
  return createHash('sha1').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

function sampled16(sv: SampledValue16, value: number): SampledValue {
  return {
    value,
    measurand: sv.measurand ?? ENERGY_REGISTER,
    unit: sv.unit ?? null,
    multiplier: 0,
    context: sv.context ?? null,
    phase: sv.phase ?? null,
    location: sv.location ?? null,
  };
}

const sameQuantity = (a: SampledValue, b: SampledValue) =>
  a.measurand === b.measurand && a.phase === b.phase && a.location === b.location && a.context === b.context;

/**
 * 1.6 sampled values → normalised ones. A `SignedData` value is a blob, not a number: it is kept
 * as the signed value of the readable (Raw) value of the same quantity in the same MeterValue
 * (measurand, phase, location, context), or, when the station sent none, as a row of its own
 * marked `valueless` (kept as evidence, never counted as energy).
 */
export function meterSamplesFrom16(values: MeterValue16[] | undefined): MeterSample[] {
  return (values ?? []).map((mv) => {
    const sampledValue = mv.sampledValue
      .filter((sv) => sv.format !== 'SignedData' && Number.isFinite(Number(sv.value)))
      .map((sv) => sampled16(sv, Number(sv.value)));
    for (const sv of mv.sampledValue) {
      if (sv.format !== 'SignedData') continue;
      const signed = { signedMeterData: sv.value, signingMethod: null, encodingMethod: null, publicKey: null, format: 'SignedData' };
      const quantity = sampled16(sv, 0);
      const partner = sampledValue.find((x) => !x.signedMeterValue && sameQuantity(x, quantity));
      if (partner) partner.signedMeterValue = signed;
      else sampledValue.push({ ...quantity, signedMeterValue: { ...signed, valueless: true } });
    }
    return { timestamp: canonicalTime(mv.timestamp), sampledValue };
  });
}

export interface StartTransaction16 {
  connectorId: number;
  idTag: string;
  meterStart: number;
  reservationId?: number;
  timestamp: string;
}

/** Key that recognises a resent StartTransaction, so it gets the same transactionId again. */
export function startKey16(req: StartTransaction16): string {
  return hash([req.connectorId, req.idTag, req.meterStart, req.timestamp, req.reservationId ?? null]);
}

export function startEvent16(req: StartTransaction16, transactionId: number, remoteStartId?: number): TxEvent {
  const { evseId, connectorId } = evseFrom16(req.connectorId);
  return {
    protocol: 'ocpp1.6',
    eventType: 'Started',
    transactionId: String(transactionId),
    ocppTransactionId: transactionId,
    timestamp: canonicalTime(req.timestamp),
    order: [0, Date.parse(req.timestamp)],
    dedupKey: `start:${startKey16(req)}`,
    evseId,
    connectorId,
    idToken: idTokenFrom16(req.idTag),
    meterStartWh: req.meterStart,
    remoteStartId,
    reservationId: req.reservationId,
    meterValues: [],
  };
}

export interface StopTransaction16 {
  idTag?: string;
  meterStop: number;
  timestamp: string;
  transactionId: number;
  reason?: string;
  transactionData?: MeterValue16[];
}

export function stopEvent16(req: StopTransaction16): TxEvent {
  return {
    protocol: 'ocpp1.6',
    eventType: 'Ended',
    transactionId: String(req.transactionId),
    ocppTransactionId: req.transactionId,
    timestamp: canonicalTime(req.timestamp),
    order: [2, Date.parse(req.timestamp)],
    dedupKey: `stop:${hash([req.timestamp, req.meterStop])}`,
    idToken: req.idTag !== undefined ? idTokenFrom16(req.idTag) : undefined,
    meterStopWh: req.meterStop,
    stoppedReason: req.reason ?? 'Local',
    meterValues: meterSamplesFrom16(req.transactionData),
  };
}

export interface MeterValues16 {
  connectorId: number;
  transactionId?: number;
  meterValue: MeterValue16[];
}

/** MeterValues for a transaction → an Updated event; ordered by its earliest sample. */
export function meterEvent16(req: MeterValues16 & { transactionId: number }): TxEvent {
  const samples = meterSamplesFrom16(req.meterValue);
  const firstMs = Math.min(...req.meterValue.map((mv) => Date.parse(mv.timestamp)));
  const { evseId, connectorId } = evseFrom16(req.connectorId);
  return {
    protocol: 'ocpp1.6',
    eventType: 'Updated',
    transactionId: String(req.transactionId),
    ocppTransactionId: req.transactionId,
    timestamp: canonicalTime(req.meterValue[0]!.timestamp),
    order: [1, Number.isFinite(firstMs) ? firstMs : 0],
    dedupKey: `mv:${hash([req.connectorId, req.meterValue])}`,
    evseId: req.connectorId === 0 ? undefined : evseId,
    connectorId: req.connectorId === 0 ? undefined : connectorId,
    meterValues: samples,
  };
}

/** 1.6 connector statuses that say something about the energy flow of a running transaction. */
const CHARGING_STATE_16: Record<string, string> = {
  Charging: 'Charging',
  SuspendedEV: 'SuspendedEV',
  SuspendedEVSE: 'SuspendedEVSE',
  Preparing: 'EVConnected',
  Finishing: 'EVConnected',
};

/**
 * 1.6 has no chargingState; its StatusNotification is the only source of "time spent charging".
 * A status change on a connector with an active transaction becomes an Updated event.
 */
export function statusEvent16(transactionId: number, connectorId: number, status: string, timestamp: string): TxEvent | undefined {
  if (!Object.hasOwn(CHARGING_STATE_16, status)) return undefined;
  const at = canonicalTime(timestamp);
  return {
    protocol: 'ocpp1.6',
    eventType: 'Updated',
    transactionId: String(transactionId),
    ocppTransactionId: transactionId,
    timestamp: at,
    order: [1, Date.parse(at)],
    dedupKey: `status:${hash([connectorId, status, timestamp])}`,
    chargingState: CHARGING_STATE_16[status],
    meterValues: [],
  };
}
