import { nestedDeeperThan } from '../../frame.js';
import type { Page, PageQuery } from './store.js';
import type { StationMessage } from '../../envelope.js';

/** OCPP payloads nest a handful of levels; anything far deeper is shown as text, never re-parsed. */
export const MAX_LOGGED_DEPTH = 64;

/** One OCPP frame as seen on the wire, in or out of the CSMS. */
export interface LoggedFrame {
  tenantId: string;
  stationId: string;
  direction: 'in' | 'out';
  /** OCPP-J message type: 2 CALL, 3 CALLRESULT, 4 CALLERROR, 5 CALLRESULTERROR, 6 SEND. */
  messageType: number;
  messageId: string;
  /** The CALL's action; for results and errors, the action of the call they answer (when known). */
  action: string | null;
  /** The whole frame's JSON text as on the wire; decoded only when read (logging stays cheap). */
  frame: string;
  at: string;
}

/** A station's inbound message as its log row (the gateway's journal and the handler thread write the same row). */
export function inboundFrame(m: StationMessage): LoggedFrame {
  return { tenantId: m.tenantId, stationId: m.stationId, direction: 'in', messageType: m.messageType, messageId: m.messageId, action: m.action, frame: m.frame, at: m.receivedAt };
}

export interface MessageLogRecord extends Omit<LoggedFrame, 'frame'> {
  /** Monotonic per store; the pagination key (newest first). */
  seq: number;
  /** CALL/CALLRESULT/SEND payload; for errors `{ code, description, details }`. */
  payload: unknown;
}

/** Turns a stored frame back into the record the API shows. */
export function toMessageLogRecord(seq: number, logged: LoggedFrame): MessageLogRecord {
  const { frame, ...meta } = logged;
  if (nestedDeeperThan(frame, MAX_LOGGED_DEPTH)) {
    return { ...meta, seq, payload: { unparsable: frame, reason: `nested deeper than ${MAX_LOGGED_DEPTH} levels: shown as text` } };
  }
  let payload: unknown = null;
  try {
    const parts = JSON.parse(frame) as unknown[];
    if (logged.messageType === 2 || logged.messageType === 6) payload = parts[3];
    else if (logged.messageType === 3) payload = parts[2];
    else payload = { code: parts[2], description: parts[3], details: parts[4] };
  } catch {
    payload = { unparsable: frame };
  }
  return { ...meta, seq, payload };
}

export interface MessageLogQuery extends PageQuery {
  direction?: 'in' | 'out';
  action?: string;
}

export interface MessageLogRetention {
  /** Keep at most this many frames per station (applied to `stationIds`). */
  maxPerStation?: number;
  stationIds?: Iterable<string>;
  /** Delete frames logged before this ISO time. */
  olderThan?: string;
}

export interface MessageLogStore {
  /** Appends a batch of frames in one write (one group-commit slot, not one per frame). */
  appendMessages(frames: LoggedFrame[]): Promise<void>;
  /**
   * Appends the frames the log does not hold yet (same tenant, station, direction, message type,
   * message id and time), in one write; returns how many it appended. For replaying a journal
   * whose frames may already have been committed.
   */
  appendMissingMessages(frames: LoggedFrame[]): Promise<number>;
  listMessages(tenantId: string, stationId: string, query: MessageLogQuery): Promise<Page<MessageLogRecord>>;
  /** Applies the retention bound; returns how many frames were deleted. */
  pruneMessages(retention: MessageLogRetention): Promise<number>;
}
