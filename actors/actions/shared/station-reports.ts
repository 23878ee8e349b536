import { recordNotification } from '../request-correlation.js';
import { LATEST_REQUEST_OF, type RequestNotification, type RequestTransition } from '../../../core/requests.js';
import { BUS_EVENT_OF, requestIdOf, type NewStationEvent } from '../../../core/station-events.js';
import type { HandlerContext } from '../../handler-context.js';

export type ReportContext = Pick<HandlerContext, 'session' | 'store' | 'events' | 'clock' | 'log'>;

/** A record as a handler describes it; tenant, station and receive time come from the context. */
export type Report = Omit<NewStationEvent, 'tenantId' | 'stationId' | 'receivedAt' | 'at'> & { at?: string };

/** The records of one message, ready for `store.stationEvents.record` (one write). */
export function reportsOf(ctx: ReportContext, reports: readonly Report[]): NewStationEvent[] {
  const receivedAt = ctx.clock().toISOString();
  const { tenantId, stationId } = ctx.session;
  return reports.map((r) => ({ ...r, tenantId, stationId, receivedAt, at: r.at ?? receivedAt }));
}

/** Publishes each record on the bus once it is stored (BUS_EVENT_OF its kind). */
export function publish(ctx: ReportContext, records: readonly NewStationEvent[], extra: Record<string, unknown> = {}): void {
  for (const r of records) ctx.events.emit(BUS_EVENT_OF[r.kind], ctx.session, { type: r.type, at: r.at, requestId: r.requestId, ...r.payload, ...extra });
}

/**
 * Applies a notification to the request it names (request-correlation.ts). A requestId the
 * station has no request for, or a notification that does not fit it, is logged and accepted:
 * the specs leave no room to refuse it, and the record is kept either way.
 */
export async function correlate(
  ctx: ReportContext,
  notification: string,
  requestId: unknown,
  part: Omit<RequestNotification, 'action'>,
): Promise<RequestTransition | undefined> {
  const id = requestIdOf(requestId);
  if (id === null) return undefined;
  const { tenantId, stationId } = ctx.session;
  const transition = await recordNotification(ctx.store, tenantId, stationId, notification, id, part, ctx.clock().toISOString());
  if (!transition || transition.outcome === 'ignored') {
    ctx.log?.info(
      { stationId, tenantId, action: notification, requestId: id, request: transition ? transition.request.status : 'unknown' },
      transition ? 'notification does not fit its request: kept, request unchanged' : 'notification for an unknown request: kept',
    );
  }
  return transition;
}

/**
 * The handler of a status notification (firmware, diagnostics, log, publish firmware): the status
 * is kept per station (history; the newest is the current one), applied to the request it names
 * when the flow has one, and published. `byLatest` (1.6 firmware and diagnostics, LATEST_REQUEST_OF):
 * the notification names no request and applies to the station's newest request of the action.
 */
export function statusHandler(kind: NewStationEvent['kind'], correlatedBy?: string, options: { byLatest?: boolean } = {}) {
  return async (ctx: ReportContext, req: { status: string; requestId?: number; [key: string]: unknown }): Promise<Record<string, never>> => {
    const { status, customData: _c, ...rest } = req;
    let requestId: unknown = req.requestId;
    delete rest.requestId;
    const latestOf = options.byLatest && correlatedBy && requestId === undefined ? LATEST_REQUEST_OF[correlatedBy] : undefined;
    if (latestOf) {
      // 1.6: the notification names no request; it is about the station's newest one of the action.
      const { tenantId, stationId } = ctx.session;
      requestId = (await ctx.store.requests.list(tenantId, stationId, { action: latestOf, limit: 1 })).items[0]?.requestId;
    }
    const records = reportsOf(ctx, [{ kind, type: status, requestId: requestIdOf(requestId), payload: rest }]);
    const transition = correlatedBy ? correlate(ctx, correlatedBy, requestId, { status }) : undefined;
    const [, applied] = await Promise.all([ctx.store.stationEvents.record(records), transition]);
    // A status naming a request the CSMS has no record of is kept as it came (uncorrelated: its
    // requestId matches no GET /stations/{id}/requests/{requestId}) and published as such.
    const uncorrelated = requestIdOf(requestId) !== null && applied === undefined;
    publish(ctx, records, applied ? { request: applied.request.status } : uncorrelated ? { request: null, correlated: false } : {});
    return {};
  };
}
