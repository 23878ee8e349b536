/**
 * Multi-message flows: a CSMS request the station answers at once and completes later with
 * notifications that carry the request's integer `requestId` (GetBaseReport → NotifyReport,
 * GetLog → LogStatusNotification, …). One record per request and one pure state machine for all
 * of them; each flow is a row of `REQUEST_FLOWS`.
 *
 *   requested ──answer──▶ accepted ──notification──▶ receiving ──last part / final status──▶ complete | failed
 *       │                    └──(EmptyResultSet, NoProfiles… : nothing will follow)──────────▶ complete
 *       └──answer──▶ rejected (every answer status not listed as accepted or empty)
 *   requested | accepted | receiving ──no message within the window──▶ timed-out
 *
 * `timed-out` is never stored: a request is open with a deadline (`expiresAt`), and reads show
 * it timed out once the deadline has passed (`withTimeOut`). A late notification still applies,
 * so a firmware update scheduled days ahead comes back to life with its next status.
 *
 * Orders the network allows and this handles: a notification before the answer was recorded
 * (the answer then changes nothing but `answer`), parts out of seqNo order (complete when
 * 0..last have all arrived), the same part twice (counted once).
 */

export type RequestStatus = 'requested' | 'accepted' | 'rejected' | 'receiving' | 'complete' | 'failed' | 'timed-out';

export const REQUEST_STATUSES: readonly RequestStatus[] = ['requested', 'accepted', 'rejected', 'receiving', 'complete', 'failed', 'timed-out'];

/** Statuses that still wait for a message from the station (and can time out). */
export const OPEN_STATUSES: readonly RequestStatus[] = ['requested', 'accepted', 'receiving'];

export function isOpen(status: RequestStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** How the notifications of a flow say how far it got. */
export type FlowProgress =
  /** Parts of one result, the last with tbc=false; with `seqNo` numbered from 0 (gaps and repeats are detectable). */
  | { kind: 'parts'; seqNo: boolean }
  /** One status after another; `done` and `failed` end the request, `ignored` changes nothing, any other is progress. */
  | { kind: 'status'; done: readonly string[]; failed: readonly string[]; ignored: readonly string[] };

export interface RequestFlow {
  /** The CSMS request, e.g. GetBaseReport. */
  action: string;
  /** The station's notification that carries its requestId, e.g. NotifyReport. */
  notification: string;
  /** Answer statuses after which notifications follow. */
  accepted: readonly string[];
  /** Answer statuses that finish the request at once: nothing will follow (EmptyResultSet, NoProfiles…). */
  empty: readonly string[];
  progress: FlowProgress;
  /** How long to wait for the next message before the request counts as timed out. */
  windowMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How long a request waits for the station's answer (a call times out well before). */
export const ANSWER_WINDOW_MS = 5 * MINUTE;

const REPORT_PARTS: FlowProgress = { kind: 'parts', seqNo: true };
const UNNUMBERED_PARTS: FlowProgress = { kind: 'parts', seqNo: false };

/** FirmwareStatusEnumType (2.x, and 1.6 SignedFirmwareStatusNotification); Downloaded, SignatureVerified… are progress. */
const FIRMWARE: FlowProgress = {
  kind: 'status',
  done: ['Installed'],
  failed: ['DownloadFailed', 'InstallationFailed', 'InstallVerificationFailed', 'InvalidSignature'],
  ignored: ['Idle'],
};

function flow(action: string, notification: string, accepted: readonly string[], empty: readonly string[], progress: FlowProgress, windowMs: number): RequestFlow {
  return { action, notification, accepted, empty, progress, windowMs };
}

/**
 * Every request → notification pairing, checked against the official schemas (ocpp-rpc's
 * ocpp1_6.json with the security whitepaper, ocpp2_0_1.json, ocpp2_1.json). Answer statuses not
 * listed as accepted or empty mean rejected: Rejected, NotSupported, Invalid,
 * InvalidCertificate, RevokedCertificate.
 *
 * 1.6 UpdateFirmware → FirmwareStatusNotification and 1.6 GetDiagnostics →
 * DiagnosticsStatusNotification carry no requestId: the store numbers the request and the
 * notification completes the station's newest request of that action (`LATEST_REQUEST_OF`).
 */
export const REQUEST_FLOWS: Readonly<Record<string, RequestFlow>> = Object.freeze(
  Object.fromEntries(
    [
      // Device model (2.x): paged by seqNo from 0, tbc=false on the last part.
      flow('GetBaseReport', 'NotifyReport', ['Accepted'], ['EmptyResultSet'], REPORT_PARTS, 10 * MINUTE),
      flow('GetReport', 'NotifyReport', ['Accepted'], ['EmptyResultSet'], REPORT_PARTS, 10 * MINUTE),
      flow('GetMonitoringReport', 'NotifyMonitoringReport', ['Accepted'], ['EmptyResultSet'], REPORT_PARTS, 10 * MINUTE),
      flow('CustomerInformation', 'NotifyCustomerInformation', ['Accepted'], [], REPORT_PARTS, 10 * MINUTE),
      // Paged by tbc only: a repeated part cannot be told from a new one.
      flow('GetChargingProfiles', 'ReportChargingProfiles', ['Accepted'], ['NoProfiles'], UNNUMBERED_PARTS, 10 * MINUTE),
      flow('GetDisplayMessages', 'NotifyDisplayMessages', ['Accepted'], ['Unknown'], UNNUMBERED_PARTS, 10 * MINUTE),
      flow('GetDERControl', 'ReportDERControl', ['Accepted'], ['NotFound'], UNNUMBERED_PARTS, 10 * MINUTE), // 2.1
      // Status sequences (1.6 security whitepaper and 2.x). AcceptedCanceled answers: accepted, an
      // older upload or update was cancelled for it. A LogStatusNotification AcceptedCanceled is
      // progress, not an end: which request it names is not pinned down by the schema text.
      flow('GetLog', 'LogStatusNotification', ['Accepted', 'AcceptedCanceled'], [], {
        kind: 'status',
        done: ['Uploaded'],
        failed: ['BadMessage', 'NotSupportedOperation', 'PermissionDenied', 'UploadFailure'],
        ignored: ['Idle'],
      }, HOUR),
      flow('UpdateFirmware', 'FirmwareStatusNotification', ['Accepted', 'AcceptedCanceled'], [], FIRMWARE, 24 * HOUR),
      flow('SignedUpdateFirmware', 'SignedFirmwareStatusNotification', ['Accepted', 'AcceptedCanceled'], [], FIRMWARE, 24 * HOUR), // 1.6
      // 1.6 only, no requestId (LATEST_REQUEST_OF). Any CALLRESULT accepts it: GetDiagnostics.conf has no status.
      flow('GetDiagnostics', 'DiagnosticsStatusNotification', ['Accepted'], [], {
        kind: 'status',
        done: ['Uploaded'],
        failed: ['UploadFailed'],
        ignored: ['Idle'],
      }, HOUR),
      // Inverted (2.x A02/A03, 1.6 security whitepaper): the station's SignCertificate is the request,
      // our answer to it the "answer" (Accepted: we sign), and the station's answer to the
      // CertificateSigned we send the final status. SigningFailed: the CA could not sign.
      flow('SignCertificate', 'CertificateSigned', ['Accepted'], [], {
        kind: 'status',
        done: ['Accepted'],
        failed: ['Rejected', 'SigningFailed'],
        ignored: [],
      }, 10 * MINUTE),
      flow('PublishFirmware', 'PublishFirmwareStatusNotification', ['Accepted'], [], {
        kind: 'status',
        done: ['Published'],
        failed: ['DownloadFailed', 'InvalidChecksum', 'PublishFailed'],
        ignored: ['Idle'],
      }, 24 * HOUR),
    ].map((f) => [f.action, f]),
  ),
);

/**
 * Flows the station starts (SignCertificate): the request is the station's, its "answer" ours,
 * and the "notification" the station's answer to our call (CertificateSigned.conf). No requestId
 * on the wire: the CSMS numbers them and finds the station's newest open one.
 */
export const STATION_STARTED_FLOWS: readonly string[] = ['SignCertificate'];

/**
 * 1.6 notifications that name no request (their request has no requestId): each completes the
 * station's newest request of this action. The request's answer (an empty 1.6 CALLRESULT, or
 * GetDiagnostics' fileName) counts as `ANSWERED_WITHOUT_STATUS`.
 */
export const LATEST_REQUEST_OF: Readonly<Record<string, string>> = Object.freeze({
  FirmwareStatusNotification: 'UpdateFirmware',
  DiagnosticsStatusNotification: 'GetDiagnostics',
});

/** The answer status recorded for a 1.6 CALLRESULT that has none (UpdateFirmware.conf, GetDiagnostics.conf). */
export const ANSWERED_WITHOUT_STATUS = 'Accepted';

/**
 * The paged report flows (NotifyReport, NotifyMonitoringReport, NotifyCustomerInformation,
 * ReportChargingProfiles, NotifyDisplayMessages, ReportDERControl): a station that stops before the
 * last part leaves them open; `timeOutReport` closes them `failed` after CSMS_REPORT_TIMEOUT_SEC.
 * Status flows (firmware, logs) are not closed so: a firmware update may resume days later.
 */
export const REPORT_ACTIONS: readonly string[] = Object.values(REQUEST_FLOWS)
  .filter((f) => f.progress.kind === 'parts')
  .map((f) => f.action);

/**
 * Parts kept per request: its record holds the seqNos received, so a station numbering pages
 * without end would grow it (and each write) without bound. Beyond it the request fails; the
 * pages themselves are bounded per station where they are stored.
 */
export const MAX_REQUEST_PARTS = 10_000;

/** seqNos as ranges, e.g. [0,1,2,5,7,8] → "0-2, 5, 7-8"; at most `max` ranges, then "…". */
export function seqNoRanges(seqNos: readonly number[], max = 20): string {
  const ranges: string[] = [];
  for (let i = 0; i < seqNos.length; ) {
    let j = i;
    while (j + 1 < seqNos.length && seqNos[j + 1] === seqNos[j]! + 1) j++;
    ranges.push(i === j ? String(seqNos[i]) : `${seqNos[i]}-${seqNos[j]}`);
    i = j + 1;
  }
  return ranges.length > max ? `${ranges.slice(0, max).join(', ')}, …` : ranges.join(', ');
}

/** Why an open report request is incomplete: what was and was not received. */
export function incompleteReason(request: StationRequest): string {
  if (request.answer === null && request.parts === 0) return 'no answer and no part received';
  if (request.parts === 0) return 'no part received';
  const flow = requestFlow(request.action);
  if (!flow || flow.progress.kind !== 'parts' || !flow.progress.seqNo) return `${request.parts} part(s) received, the last (tbc=false) never came`;
  const top = request.finalSeqNo ?? request.lastSeqNo ?? 0;
  const have = new Set(request.seqNos);
  const missing: number[] = [];
  for (let n = 0; n <= top && missing.length <= MAX_REQUEST_PARTS; n++) if (!have.has(n)) missing.push(n);
  const last = request.finalSeqNo === null ? `; the last part (tbc=false) never came` : '';
  const gaps = missing.length > 0 ? `; missing seqNo ${seqNoRanges(missing)}` : '';
  return `received seqNo ${seqNoRanges(request.seqNos)}${gaps}${last}`;
}

/**
 * An open report request whose station went silent (its last change before the cutoff): closed
 * `failed` with the reason; the pages received stay where they were stored. Anything else is ignored.
 */
export function timeOutReport(request: StationRequest, at: string, timeoutSec: number): RequestTransition {
  if (!isOpen(request.status) || !REPORT_ACTIONS.includes(request.action)) return same(request, 'ignored');
  return {
    request: { ...request, status: 'failed', error: `timed out after ${timeoutSec} s without a message: ${incompleteReason(request)}`, expiresAt: null, updatedAt: at },
    outcome: 'applied',
  };
}

export function requestFlow(action: string): RequestFlow | undefined {
  return Object.hasOwn(REQUEST_FLOWS, action) ? REQUEST_FLOWS[action] : undefined;
}

/** The request actions a notification completes (NotifyReport → GetBaseReport, GetReport). */
export function requestActionsOf(notification: string): string[] {
  return Object.values(REQUEST_FLOWS)
    .filter((f) => f.notification === notification)
    .map((f) => f.action);
}

/** One CSMS request and how far its flow got. */
export interface StationRequest {
  tenantId: string;
  stationId: string;
  requestId: number;
  /** The request's action, e.g. GetBaseReport. */
  action: string;
  status: RequestStatus;
  /** The station's answer status as sent (Accepted, NotSupported, EmptyResultSet…); null until recorded. */
  answer: string | null;
  /** Distinct notifications received. */
  parts: number;
  /** Highest seqNo received (flows numbered by seqNo); null before the first. */
  lastSeqNo: number | null;
  /** seqNo of the part with tbc=false; null until it arrived. */
  finalSeqNo: number | null;
  /** seqNos received, ascending: gaps and repeats are found with it. */
  seqNos: number[];
  /** The last status a status flow reported (Uploading, Installing…). */
  progress: string | null;
  /** What the answer and the notifications said beyond their status (e.g. GetLog's filename). */
  result: Record<string, unknown> | null;
  /** Why it was rejected or failed: statusInfo.reasonCode or the status itself. */
  error: string | null;
  /** Until when the next message is awaited; null once finished. */
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewStationRequest {
  tenantId: string;
  stationId: string;
  action: string;
  /** The caller's own id; absent: the store allocates the next one for this station. */
  requestId?: number;
  /** When it is sent (ISO-8601). */
  at: string;
}

/** The station's CALLRESULT to the request, as far as the flow cares. */
export interface RequestAnswer {
  status: string;
  /** statusInfo.reasonCode, when given. */
  reason?: string;
  /** Anything else worth keeping (GetLog's filename). */
  details?: Record<string, unknown>;
}

/** One notification carrying the request's id. */
export interface RequestNotification {
  /** The notification's action, e.g. NotifyReport. */
  action: string;
  seqNo?: number;
  /** More parts follow; absent means false (the schemas' default). */
  tbc?: boolean;
  /** Status flows: the reported status (Uploading, Installed…). */
  status?: string;
  /** Kept in `result` (merged): e.g. counts a handler found worth showing. */
  summary?: Record<string, unknown>;
}

/**
 * What a message did to a request: `applied` (changed, to be stored), `duplicate` (seen before),
 * `ignored` (not for this request or after its end; nothing changes).
 */
export interface RequestTransition {
  request: StationRequest;
  outcome: 'applied' | 'duplicate' | 'ignored';
}

function deadline(at: string, ms: number): string {
  return new Date(Date.parse(at) + ms).toISOString();
}

function merge(result: Record<string, unknown> | null, extra: Record<string, unknown> | undefined): Record<string, unknown> | null {
  return extra && Object.keys(extra).length > 0 ? { ...(result ?? {}), ...extra } : result;
}

/** A request as it is recorded when sent. */
export function newRequest(input: NewStationRequest & { requestId: number }): StationRequest {
  return {
    tenantId: input.tenantId,
    stationId: input.stationId,
    requestId: input.requestId,
    action: input.action,
    status: 'requested',
    answer: null,
    parts: 0,
    lastSeqNo: null,
    finalSeqNo: null,
    seqNos: [],
    progress: null,
    result: null,
    error: null,
    expiresAt: deadline(input.at, ANSWER_WINDOW_MS),
    createdAt: input.at,
    updatedAt: input.at,
  };
}

/** As a reader sees it at `now`: an open request past its deadline has timed out. */
export function withTimeOut(request: StationRequest, now: string): StationRequest {
  return isOpen(request.status) && request.expiresAt !== null && request.expiresAt <= now ? { ...request, status: 'timed-out' } : request;
}

function moved(request: StationRequest, status: RequestStatus, at: string, windowMs: number, change: Partial<StationRequest> = {}): RequestTransition {
  const expiresAt = isOpen(status) ? deadline(at, windowMs) : null;
  return { request: { ...request, ...change, status, expiresAt, updatedAt: at }, outcome: 'applied' };
}

const same = (request: StationRequest, outcome: 'duplicate' | 'ignored'): RequestTransition => ({ request, outcome });

/** The station answered the request. Only a request still waiting for its answer changes status. */
export function applyAnswer(request: StationRequest, answer: RequestAnswer, at: string): RequestTransition {
  const flow = requestFlow(request.action);
  if (!flow) return same(request, 'ignored');
  if (request.answer !== null) return same(request, 'duplicate');
  const change = { answer: answer.status, result: merge(request.result, answer.details) };
  // Notifications already arrived (they overtook the answer): they say more than the answer.
  if (request.status !== 'requested') return { request: { ...request, ...change, updatedAt: at }, outcome: 'applied' };
  if (flow.accepted.includes(answer.status)) return moved(request, 'accepted', at, flow.windowMs, change);
  if (flow.empty.includes(answer.status)) return moved(request, 'complete', at, flow.windowMs, change);
  return moved(request, 'rejected', at, flow.windowMs, { ...change, error: answer.reason ?? answer.status });
}

/** A notification carrying the request's id arrived. */
export function applyNotification(request: StationRequest, note: RequestNotification, at: string): RequestTransition {
  const flow = requestFlow(request.action);
  if (!flow || flow.notification !== note.action || request.status === 'rejected') return same(request, 'ignored');
  const ended = request.status === 'complete' || request.status === 'failed';
  const result = merge(request.result, note.summary);
  const progress = flow.progress;

  if (progress.kind === 'status') {
    if (note.status === undefined || progress.ignored.includes(note.status)) return same(request, 'ignored');
    if (note.status === request.progress) return same(request, 'duplicate');
    if (ended) return same(request, 'ignored');
    const status: RequestStatus = progress.done.includes(note.status) ? 'complete' : progress.failed.includes(note.status) ? 'failed' : 'receiving';
    return moved(request, status, at, flow.windowMs, {
      parts: request.parts + 1,
      progress: note.status,
      result,
      ...(status === 'failed' ? { error: note.status } : {}),
    });
  }

  const tooMany = `more than ${MAX_REQUEST_PARTS} parts`;
  if (!progress.seqNo || note.seqNo === undefined) {
    if (ended) return same(request, 'ignored');
    if (request.parts >= MAX_REQUEST_PARTS) return moved(request, 'failed', at, flow.windowMs, { error: tooMany });
    return moved(request, note.tbc ? 'receiving' : 'complete', at, flow.windowMs, { parts: request.parts + 1, result });
  }

  const seqNo = note.seqNo;
  if (request.seqNos.includes(seqNo)) return same(request, 'duplicate');
  if (ended) return same(request, 'ignored');
  if (request.seqNos.length >= MAX_REQUEST_PARTS) return moved(request, 'failed', at, flow.windowMs, { error: tooMany });
  const seqNos = [...request.seqNos, seqNo].sort((a, b) => a - b);
  const lastSeqNo = seqNos[seqNos.length - 1]!;
  const finalSeqNo = note.tbc ? request.finalSeqNo : seqNo;
  const change = { seqNos, parts: seqNos.length, lastSeqNo, finalSeqNo, result };
  const conflict =
    !note.tbc && request.finalSeqNo !== null
      ? `two last parts: ${request.finalSeqNo} and ${seqNo}`
      : finalSeqNo !== null && lastSeqNo > finalSeqNo
        ? `part ${lastSeqNo} after the last part ${finalSeqNo}`
        : undefined;
  if (conflict) return moved(request, 'failed', at, flow.windowMs, { ...change, error: conflict });
  // Distinct seqNos, none above the last: all of 0..last are here when there are last+1 of them.
  const complete = finalSeqNo !== null && seqNos[0] === 0 && seqNos.length === finalSeqNo + 1;
  return moved(request, complete ? 'complete' : 'receiving', at, flow.windowMs, change);
}
