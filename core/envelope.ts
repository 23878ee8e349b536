import type { Payload } from './frame.js';
import type { OcppVersion } from './protocols.js';

/**
 * The only wire shapes of Switchyard. A call to a station and its reply travel in these exact
 * objects between threads (postMessage), between nodes (NATS request/reply) and out of the API,
 * so a reader follows one shape from the REST request to the socket and back.
 */

/** A CSMS→station call. `protocol` is filled in by whoever knows it (the holding gateway). */
export interface StationCall<P = Payload> {
  v: 1;
  /** Unique per call; carried into logs and across NATS so one command can be followed end to end. */
  correlationId: string;
  tenantId: string;
  stationId: string;
  protocol?: OcppVersion;
  action: string;
  payload: P;
}

/** Why a call got no answer from the station. Each maps to one API error code (core/errors.ts). */
export type CallFailureReason =
  | 'timeout'
  | 'disconnected'
  | 'queue-full'
  | 'unknown-action'
  | 'invalid-request'
  | 'invalid-response'
  | 'send-failed'
  | 'wrong-protocol'
  | 'internal'
  /** The directory named a node that no longer holds the station, also after a fresh lookup. */
  | 'stale-location'
  /** The directory names a node that does not answer (dead, its lease not yet expired). */
  | 'node-unavailable'
  /** A remote start for another token on an EVSE held for a reservation: not sent (H03). */
  | 'evse-reserved';

export const CALL_FAILURE_REASONS: readonly CallFailureReason[] = [
  'timeout', 'disconnected', 'queue-full', 'unknown-action', 'invalid-request', 'invalid-response', 'send-failed', 'wrong-protocol', 'internal',
  'stale-location', 'node-unavailable', 'evse-reserved',
];

/**
 * How a station call ended: the station's CALLRESULT, its CALLERROR, or no answer at all.
 * `facts` carries what the CSMS decided while sending the call (e.g. the remoteStartId it
 * issued on the node holding the station), so the sender learns it wherever the station is.
 */
export type StationReply<P = Payload> =
  | { v: 1; status: 'result'; payload: P; protocol?: OcppVersion; facts?: Payload }
  | { v: 1; status: 'callerror'; code: string; description: string; details: Payload; protocol?: OcppVersion; facts?: Payload }
  | { v: 1; status: 'failed'; reason: CallFailureReason; message: string; details?: unknown; facts?: Payload };

let correlationSeq = 0;
const correlationPrefix = `${process.pid.toString(36)}-${Date.now().toString(36)}`;

/** Cheap, unique per process run; no crypto on the hot path. */
export function newCorrelationId(): string {
  correlationSeq = (correlationSeq + 1) % Number.MAX_SAFE_INTEGER;
  return `${correlationPrefix}-${correlationSeq.toString(36)}`;
}

export function stationCall<P = Payload>(tenantId: string, stationId: string, action: string, payload: P, correlationId = newCorrelationId()): StationCall<P> {
  return { v: 1, correlationId, tenantId, stationId, action, payload };
}

export function resultReply<P = Payload>(payload: P, protocol?: OcppVersion): StationReply<P> {
  return protocol ? { v: 1, status: 'result', payload, protocol } : { v: 1, status: 'result', payload };
}

export function callErrorReply(code: string, description: string, details: Payload = {}, protocol?: OcppVersion): StationReply<never> {
  return protocol
    ? { v: 1, status: 'callerror', code, description, details, protocol }
    : { v: 1, status: 'callerror', code, description, details };
}

export function failedReply(reason: CallFailureReason, message: string, details?: unknown): StationReply<never> {
  return details === undefined ? { v: 1, status: 'failed', reason, message } : { v: 1, status: 'failed', reason, message, details };
}

/**
 * Events on the bus, NATS and (later) the API's event stream. Built only by `busEvent`.
 *
 * Every event carries the CloudEvents 1.0 context attributes under their CloudEvents names
 * (`specversion`, `id`, `source`, `type`, `time`, `subject`, `datacontenttype`), so integrators'
 * CloudEvents tooling reads them; `id` is unique and stable (an event retried from the outbox
 * keeps it, and it is the `Nats-Msg-Id` JetStream de-duplicates on). Switchyard's own fields
 * (`v`, `tenantId`, `stationId`, `timestamp`, `payload`) stay beside them.
 */
export interface BusEvent<P = Record<string, unknown>> {
  /** CloudEvents spec version. */
  specversion: '1.0';
  /** Unique per event (a UUID), kept across retries. */
  id: string;
  /** CloudEvents source: `/tenants/<tenantId>/stations/<stationId>`. */
  source: string;
  type: string;
  /** CloudEvents subject: the station id. */
  subject: string;
  /** CloudEvents time (RFC 3339); the same instant as `timestamp`. */
  time: string;
  datacontenttype: 'application/json';
  /** Payload schema version, so integrators can evolve with us. */
  v: 1;
  tenantId: string;
  stationId: string;
  timestamp: string;
  payload: P;
}

export function busEvent<P = Record<string, unknown>>(type: string, tenantId: string, stationId: string, payload: P, at: Date = new Date()): BusEvent<P> {
  const time = at.toISOString();
  return {
    specversion: '1.0',
    id: globalThis.crypto.randomUUID(),
    source: `/tenants/${encodeURIComponent(tenantId)}/stations/${encodeURIComponent(stationId)}`,
    type,
    subject: stationId,
    time,
    datacontenttype: 'application/json',
    v: 1,
    tenantId,
    stationId,
    timestamp: time,
    payload,
  };
}

/**
 * A CALL or SEND from a station, handed to the thread that holds the data. The payload travels
 * as the raw frame text: cheaper to clone than an object, already validated by the gateway,
 * and exactly what the message log keeps.
 */
export interface StationMessage {
  v: 1;
  tenantId: string;
  stationId: string;
  protocol: OcppVersion;
  /** The OCPP message id: the correlation id of an inbound exchange. */
  messageId: string;
  action: string;
  /** 2 CALL or 6 SEND (2.1): a SEND gets no answer. */
  messageType: 2 | 6;
  frame: string;
  receivedAt: string;
}
