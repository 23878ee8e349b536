import { alertOfSecurityEvent } from '../../../core/alerts.js';
import { boundedPayload } from '../../../core/station-events.js';
import { publish, reportsOf, type ReportContext } from '../shared/station-reports.js';

interface SecurityEventNotificationRequest {
  type: string;
  timestamp: string;
  techInfo?: string;
}

/** SecurityEventNotification (1.6 security whitepaper; 2.x has the same shape): kept per station with its type, time and techInfo, and published; a critical type also raises an alert. */
export async function securityEventNotification(ctx: ReportContext, req: SecurityEventNotificationRequest): Promise<Record<string, never>> {
  const alert = alertOfSecurityEvent(req);
  const records = reportsOf(ctx, [
    { kind: 'security-event', type: req.type, at: req.timestamp, requestId: null, payload: boundedPayload(req.techInfo !== undefined ? { techInfo: req.techInfo } : {}) },
    // A critical type is an alert too (core/alerts.ts), in the same write.
    ...(alert ? [{ kind: 'alert' as const, requestId: null, ...alert, payload: boundedPayload(alert.payload) }] : []),
  ]);
  await ctx.store.stationEvents.record(records);
  publish(ctx, records);
  return {};
}
