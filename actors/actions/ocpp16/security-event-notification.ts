import { boundedPayload } from '../../../core/station-events.js';
import { publish, reportsOf, type ReportContext } from '../shared/station-reports.js';

interface SecurityEventNotificationRequest {
  type: string;
  timestamp: string;
  techInfo?: string;
}

/** SecurityEventNotification (1.6 security whitepaper; 2.x has the same shape): kept per station with its type, time and techInfo, and published. */
export async function securityEventNotification(ctx: ReportContext, req: SecurityEventNotificationRequest): Promise<Record<string, never>> {
  const records = reportsOf(ctx, [
    { kind: 'security-event', type: req.type, at: req.timestamp, requestId: null, payload: boundedPayload(req.techInfo !== undefined ? { techInfo: req.techInfo } : {}) },
  ]);
  await ctx.store.stationEvents.record(records);
  publish(ctx, records);
  return {};
}
