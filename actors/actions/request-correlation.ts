import {
  ANSWERED_WITHOUT_STATUS,
  requestActionsOf,
  requestFlow,
  type RequestNotification,
  type RequestTransition,
} from '../../core/requests.js';
import type { CommandContext, CommandSpec } from './command-spec.js';

/** The part of a correlated request the helper reads or fills in. */
export interface CorrelatedRequest {
  requestId?: number;
  [key: string]: unknown;
}

/** The part of the station's answer the helper reads: every flow's answer has a `status`. */
export interface CorrelatedAnswer {
  status: string;
  statusInfo?: { reasonCode?: string; additionalInfo?: string };
  [key: string]: unknown;
}

/**
 * A CSMS-initiated action whose result comes later in notifications carrying its `requestId`
 * (core/requests.ts, REQUEST_FLOWS). `prepare` records the request, whoever sent it: a caller's
 * integer requestId is kept and recorded; without one the store allocates the next free id of the
 * station and it is filled in. The id is in the reply's facts (`requestId`). `onResult` applies
 * the station's answer (accepted, rejected, or complete at once when nothing will follow).
 *
 * A call that gets no answer (time-out, disconnect, CALLERROR) leaves the request `requested`
 * until its answer window passes, then it reads as `timed-out`.
 */
export function correlated(action: string): CommandSpec<CorrelatedRequest, CorrelatedAnswer> {
  if (!requestFlow(action)) throw new Error(`${action} has no request flow in core/requests.ts`);
  return {
    action,
    async prepare(ctx, req) {
      // Runs before the schema check: a payload that is not an object, or a requestId that is not
      // an integer, is left for the gateway to refuse, and nothing is recorded.
      if (typeof req !== 'object' || req === null || Array.isArray(req)) return req;
      const given = req.requestId;
      if (given !== undefined && !Number.isSafeInteger(given)) return req;
      const requestId = await ctx.store.requests.create({
        tenantId: ctx.tenantId,
        stationId: ctx.stationId,
        action,
        requestId: given,
        at: ctx.clock().toISOString(),
      });
      ctx.note('requestId', requestId);
      return given === undefined ? { ...req, requestId } : req;
    },
    async onResult(ctx, req, res) {
      if (typeof req?.requestId !== 'number') return;
      const { status, statusInfo, customData: _c, ...details } = res;
      await ctx.store.requests.applyAnswer(
        ctx.tenantId,
        ctx.stationId,
        req.requestId,
        { status, ...(statusInfo?.reasonCode ? { reason: statusInfo.reasonCode } : {}), ...(Object.keys(details).length > 0 ? { details } : {}) },
        ctx.clock().toISOString(),
      );
    },
  };
}

/** The request id each call's `prepare` recorded, for its `onResult` (the same context object). */
const unnumberedIds = new WeakMap<CommandContext, number>();

/**
 * A 1.6 action whose request carries no requestId but is completed by later notifications
 * (UpdateFirmware → FirmwareStatusNotification, GetDiagnostics → DiagnosticsStatusNotification;
 * LATEST_REQUEST_OF in core/requests.ts). `prepare` records the request under the next free id of
 * the station (in the reply's facts as `requestId`) and sends the payload unchanged; `onResult`
 * records the answer as accepted (the CALLRESULT has no status; GetDiagnostics' fileName is kept).
 * Notifications complete the station's newest request of the action.
 */
export function correlatedByLatest(action: string): CommandSpec<Record<string, unknown>, Record<string, unknown>> {
  if (!requestFlow(action)) throw new Error(`${action} has no request flow in core/requests.ts`);
  return {
    action,
    async prepare(ctx, req) {
      if (typeof req !== 'object' || req === null || Array.isArray(req)) return req;
      const requestId = await ctx.store.requests.create({ tenantId: ctx.tenantId, stationId: ctx.stationId, action, at: ctx.clock().toISOString() });
      unnumberedIds.set(ctx, requestId);
      ctx.note('requestId', requestId);
      return req;
    },
    async onResult(ctx, _req, res) {
      const requestId = unnumberedIds.get(ctx);
      if (requestId === undefined) return;
      const { customData: _c, ...details } = res ?? {};
      await ctx.store.requests.applyAnswer(
        ctx.tenantId,
        ctx.stationId,
        requestId,
        { status: ANSWERED_WITHOUT_STATUS, ...(Object.keys(details).length > 0 ? { details } : {}) },
        ctx.clock().toISOString(),
      );
    },
  };
}

/**
 * For the handlers of the notifications that complete a request (issue #12): applies one
 * notification to the station's request with that `requestId`. Undefined when the station has no
 * such request (unsolicited, or sent before requests were recorded); `ignored` when the request
 * is of an action this notification does not complete, or has ended.
 *
 * Which notification completes which request (REQUEST_FLOWS in core/requests.ts):
 * - NotifyReport → GetBaseReport, GetReport (2.x; seqNo from 0, tbc)
 * - NotifyMonitoringReport → GetMonitoringReport (2.x; seqNo, tbc)
 * - NotifyCustomerInformation → CustomerInformation (2.x; seqNo, tbc)
 * - ReportChargingProfiles → GetChargingProfiles (2.x; tbc only)
 * - NotifyDisplayMessages → GetDisplayMessages (2.x; tbc only)
 * - ReportDERControl → GetDERControl (2.1; tbc only)
 * - LogStatusNotification → GetLog (1.6 security whitepaper and 2.x; status: Uploaded ends it)
 * - FirmwareStatusNotification → UpdateFirmware (2.x by requestId; 1.6 the newest UpdateFirmware; status: Installed ends it)
 * - DiagnosticsStatusNotification → GetDiagnostics (1.6, the newest GetDiagnostics; status: Uploaded ends it)
 * - SignedFirmwareStatusNotification → SignedUpdateFirmware (1.6 security whitepaper; status)
 * - PublishFirmwareStatusNotification → PublishFirmware (2.x; status: Published ends it)
 *
 * Pass `seqNo`/`tbc` for the paged ones and `status` for the status ones, as the payload has them;
 * `summary` is merged into the request's `result`.
 */
export async function recordNotification(
  store: Pick<CommandContext['store'], 'requests'>,
  tenantId: string,
  stationId: string,
  action: string,
  requestId: number,
  part: Omit<RequestNotification, 'action'>,
  at: string = new Date().toISOString(),
): Promise<RequestTransition | undefined> {
  if (requestActionsOf(action).length === 0) throw new Error(`${action} completes no request flow in core/requests.ts`);
  return store.requests.applyNotification(tenantId, stationId, requestId, { ...part, action }, at);
}
