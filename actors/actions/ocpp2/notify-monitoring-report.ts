import { boundedPayload, MAX_REPORT_PAGE_CHARS } from '../../../core/station-events.js';
import { correlate, reportsOf, type ReportContext } from '../shared/station-reports.js';

interface NotifyMonitoringReportRequest {
  requestId: number;
  seqNo: number;
  generatedAt: string;
  tbc?: boolean;
  monitor?: unknown[];
}

/** NotifyMonitoringReport: each page kept with its monitors (by requestId) and applied to its GetMonitoringReport request. */
export async function notifyMonitoringReport(ctx: ReportContext, req: NotifyMonitoringReportRequest): Promise<Record<string, never>> {
  const tbc = req.tbc ?? false;
  const records = reportsOf(ctx, [
    {
      kind: 'monitoring-report',
      type: tbc ? 'part' : 'last',
      at: req.generatedAt,
      requestId: req.requestId,
      payload: boundedPayload({ seqNo: req.seqNo, tbc, monitor: req.monitor ?? [] }, MAX_REPORT_PAGE_CHARS),
    },
  ]);
  const [, transition] = await Promise.all([
    ctx.store.stationEvents.record(records),
    correlate(ctx, 'NotifyMonitoringReport', req.requestId, { seqNo: req.seqNo, tbc }),
  ]);
  // A page may hold thousands of monitors: the bus gets the count, the API the page.
  ctx.events.emit('monitoring.reported', ctx.session, {
    requestId: req.requestId, seqNo: req.seqNo, tbc, monitors: req.monitor?.length ?? 0, request: transition?.request.status ?? null,
  });
  return {};
}
