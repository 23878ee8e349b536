import type { Page, PageQuery } from './store.js';

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
  /** CALL/CALLRESULT/SEND payload; for errors `{ code, description, details }`. */
  payload: unknown;
  at: string;
}

export interface MessageLogRecord extends LoggedFrame {
  /** Monotonic per store; the pagination key (newest first). */
  seq: number;
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
  listMessages(tenantId: string, stationId: string, query: MessageLogQuery): Promise<Page<MessageLogRecord>>;
  /** Applies the retention bound; returns how many frames were deleted. */
  pruneMessages(retention: MessageLogRetention): Promise<number>;
}
