import { boundedPayload, MAX_REPORT_PAGE_CHARS } from '../../../core/station-events.js';
import { correlate, reportsOf, type ReportContext } from '../shared/station-reports.js';

interface NotifyCustomerInformationRequest {
  data: string;
  tbc?: boolean;
  seqNo: number;
  generatedAt: string;
  requestId: number;
}

/** NotifyCustomerInformation: each page kept (by requestId) and applied to its CustomerInformation request. */
export async function notifyCustomerInformation(ctx: ReportContext, req: NotifyCustomerInformationRequest): Promise<Record<string, never>> {
  const tbc = req.tbc ?? false;
  const records = reportsOf(ctx, [
    {
      kind: 'customer-information',
      type: tbc ? 'part' : 'last',
      at: req.generatedAt,
      requestId: req.requestId,
      payload: boundedPayload({ seqNo: req.seqNo, tbc, data: req.data }, MAX_REPORT_PAGE_CHARS),
    },
  ]);
  const [, transition] = await Promise.all([
    ctx.store.stationEvents.record(records),
    correlate(ctx, 'NotifyCustomerInformation', req.requestId, { seqNo: req.seqNo, tbc }),
  ]);
  // The customer data itself stays out of the bus event: it is personal data, readable through the API only.
  ctx.events.emit('customer-information.reported', ctx.session, { requestId: req.requestId, seqNo: req.seqNo, tbc, request: transition?.request.status ?? null });
  return {};
}
