import type {
  NewStationRequest,
  RequestAnswer,
  RequestNotification,
  RequestStatus,
  RequestTransition,
  StationRequest,
} from '../../requests.js';
import { InvalidCursorError } from '../../errors.js';
import { decodeJsonCursor, encodeCursor } from '../../cursor.js';
import type { Page, PageQuery } from './store.js';

export interface RequestQuery extends PageQuery {
  action?: string;
  /** As a reader sees it: `timed-out` finds open requests past their deadline. */
  status?: RequestStatus;
}

/**
 * CSMS requests completed by later notifications (core/requests.ts), keyed by station and
 * requestId. Reads show an open request past its deadline as `timed-out`. The apply methods read,
 * run the pure transition and write inside one write, so an answer and a notification racing
 * on two threads (or nodes) cannot lose each other's change; they return undefined when the
 * station has no request with that id in that tenant.
 */
export interface RequestStore {
  /**
   * Records a request sent to a station and returns its requestId: the caller's, or else the
   * next one free on that station (an integer, unique per station). A caller's id that is
   * already recorded starts that request again.
   */
  create(request: NewStationRequest): Promise<number>;
  get(tenantId: string, stationId: string, requestId: number): Promise<StationRequest | undefined>;
  applyAnswer(tenantId: string, stationId: string, requestId: number, answer: RequestAnswer, at: string): Promise<RequestTransition | undefined>;
  applyNotification(
    tenantId: string,
    stationId: string,
    requestId: number,
    notification: RequestNotification,
    at: string,
  ): Promise<RequestTransition | undefined>;
  /**
   * Reports that never finish: closes open requests of the paged report flows (REPORT_ACTIONS in
   * core/requests.ts), of every tenant, whose last change is more than `timeoutSec` before `now`:
   * `failed`, with the reason (`timeOutReport`: what was received, which seqNos are missing). A
   * part arriving later changes nothing more. At most `limit`; returns those closed.
   */
  failStaleReports(now: string, timeoutSec: number, limit: number): Promise<StationRequest[]>;
  /** Newest first (by createdAt, then requestId). */
  list(tenantId: string, stationId: string, query: RequestQuery): Promise<Page<StationRequest>>;
}

/** Keyset cursor for request listings: [createdAt, requestId] of the last item. */
export function encodeRequestCursor(request: Pick<StationRequest, 'createdAt' | 'requestId'>): string {
  return encodeCursor(JSON.stringify([request.createdAt, request.requestId]));
}

/** Throws InvalidCursorError for anything that is not a cursor we issued (the API answers 400). */
export function decodeRequestCursor(cursor: string): [string, number] {
  const value = decodeJsonCursor(cursor);
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || !Number.isInteger(value[1])) throw new InvalidCursorError();
  return value as [string, number];
}
