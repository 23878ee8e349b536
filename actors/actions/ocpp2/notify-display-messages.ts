import { fromMessageInfo, type MessageInfo2 } from '../../../core/display-messages.js';
import { correlate, type ReportContext } from '../shared/station-reports.js';

interface NotifyDisplayMessagesRequest {
  requestId: number;
  tbc?: boolean;
  messageInfo?: MessageInfo2[];
}

/**
 * NotifyDisplayMessages: one page of a GetDisplayMessages answer. Each message is kept as what the
 * station reports (source 'station', beside what the CSMS set), the page is applied to the request
 * (tbc: receiving → complete), in the same group commit, then it is published.
 */
export async function notifyDisplayMessages(ctx: ReportContext, req: NotifyDisplayMessagesRequest): Promise<Record<string, never>> {
  const { tenantId, stationId } = ctx.session;
  const updatedAt = ctx.clock().toISOString();
  const messages = (req.messageInfo ?? []).map(fromMessageInfo);
  const [, transition] = await Promise.all([
    ctx.store.displayMessages.put(messages.map((message) => ({ tenantId, stationId, source: 'station' as const, message, updatedAt }))),
    correlate(ctx, 'NotifyDisplayMessages', req.requestId, { tbc: req.tbc ?? false, summary: { messages: messages.length } }),
  ]);
  ctx.events.emit('display-message.reported', ctx.session, {
    requestId: req.requestId,
    messages: messages.length,
    ids: messages.map((m) => m.id),
    tbc: req.tbc ?? false,
    request: transition?.request.status ?? null,
  });
  return {};
}
