import { reportEntries, type WireReportData } from '../../../core/device-model.js';
import { DEVICE_MODEL_REPORTED } from '../../../core/station-events.js';
import { correlate, type ReportContext } from '../shared/station-reports.js';

interface NotifyReportRequest {
  requestId: number;
  generatedAt: string;
  reportData?: WireReportData[];
  tbc?: boolean;
  seqNo: number;
}

/**
 * NotifyReport: one page of a GetBaseReport/GetReport result. Its variables go into the device
 * model in one write (a page of thousands is one batch), the page is applied to the request
 * (seqNo/tbc: receiving → complete), both in the same group commit, then it is published.
 */
export async function notifyReport(ctx: ReportContext, req: NotifyReportRequest): Promise<Record<string, never>> {
  const entries = reportEntries(req.reportData ?? [], req.generatedAt);
  const { tenantId, stationId } = ctx.session;
  const [, transition] = await Promise.all([
    ctx.store.deviceModel.recordDeviceModel(tenantId, stationId, entries),
    correlate(ctx, 'NotifyReport', req.requestId, { seqNo: req.seqNo, tbc: req.tbc ?? false }),
  ]);
  ctx.events.emit(DEVICE_MODEL_REPORTED, ctx.session, {
    requestId: req.requestId,
    seqNo: req.seqNo,
    tbc: req.tbc ?? false,
    generatedAt: req.generatedAt,
    variables: entries.length,
    request: transition?.request.status ?? null,
  });
  return {};
}
