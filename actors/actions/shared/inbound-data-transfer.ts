import { boundedPayload } from '../../../core/station-events.js';
import type { HandlerContext } from '../../handler-context.js';
import { publish, reportsOf, type ReportContext } from './station-reports.js';
import { NO_VENDORS, type VendorAnswer, type VendorHandler } from './vendor-extensions.js';

export interface InboundDataTransfer {
  vendorId: string;
  messageId?: string;
  data?: unknown;
}

/**
 * A station's DataTransfer (both version families): answered by the vendor's registered handler
 * (UnknownVendorId / UnknownMessageId when there is none), stored with the answer and published.
 * A handler that throws answers Rejected; `encode` turns the handler's data into the version's type.
 * `builtIn`: a handler of Switchyard's own (1.6 ISO 15118 Plug & Charge) that takes precedence.
 */
export async function inboundDataTransfer(
  ctx: ReportContext & Pick<HandlerContext, 'vendors'>,
  req: InboundDataTransfer,
  encode: (data: unknown) => unknown,
  builtIn?: VendorHandler | 'UnknownMessageId',
): Promise<{ status: string; data?: unknown }> {
  const handler = builtIn ?? (ctx.vendors ?? NO_VENDORS).resolve(req.vendorId, req.messageId);
  let answer: VendorAnswer | { status: 'UnknownVendorId' };
  if (typeof handler === 'string') answer = { status: handler };
  else {
    try {
      answer = await handler({ session: ctx.session, messageId: req.messageId, data: req.data });
    } catch (error) {
      const { tenantId, stationId } = ctx.session;
      ctx.log?.info({ stationId, tenantId, vendorId: req.vendorId, messageId: req.messageId ?? null, err: String(error) }, 'vendor DataTransfer handler failed: answered Rejected');
      answer = { status: 'Rejected' };
    }
  }
  const reply = 'data' in answer && answer.data !== undefined ? { status: answer.status, data: encode(answer.data) } : { status: answer.status };
  const records = reportsOf(ctx, [
    {
      kind: 'data-transfer',
      type: reply.status,
      requestId: null,
      payload: boundedPayload({ vendorId: req.vendorId, ...(req.messageId !== undefined ? { messageId: req.messageId } : {}), ...(req.data !== undefined ? { data: req.data } : {}) }),
    },
  ]);
  await ctx.store.stationEvents.record(records);
  publish(ctx, records);
  return reply;
}
