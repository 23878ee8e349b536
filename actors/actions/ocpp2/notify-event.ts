import { alertsOfEvents } from '../../../core/alerts.js';
import { componentRef, variableRef, type ActualValueUpdate, type WireComponent, type WireVariable } from '../../../core/device-model.js';
import { boundedPayload } from '../../../core/station-events.js';
import { publish, reportsOf, type ReportContext } from '../shared/station-reports.js';

interface EventData {
  eventId: number;
  timestamp: string;
  trigger: string;
  actualValue: string;
  component: WireComponent;
  variable: WireVariable;
  eventNotificationType: string;
  cause?: number;
  techCode?: string;
  techInfo?: string;
  cleared?: boolean;
  transactionId?: string;
  variableMonitoringId?: number;
  [key: string]: unknown;
}

interface NotifyEventRequest {
  generatedAt: string;
  seqNo: number;
  tbc?: boolean;
  eventData: EventData[];
}

/**
 * NotifyEvent: each eventData is kept as an event (its trigger as the type) and its actualValue
 * becomes the variable's Actual value in the device model; both in one group commit, however
 * many events the message carries. Each event is published.
 */
export async function notifyEvent(ctx: ReportContext, req: NotifyEventRequest): Promise<Record<string, never>> {
  const records = reportsOf(ctx, [
    ...req.eventData.map(({ trigger, timestamp, customData: _c, ...rest }) => ({
      kind: 'event' as const,
      type: trigger,
      at: timestamp,
      requestId: null,
      payload: boundedPayload({ ...rest, component: componentRef(rest.component), variable: variableRef(rest.variable), seqNo: req.seqNo, generatedAt: req.generatedAt }),
    })),
    // Problems (core/alerts.ts) are alerts too, in the same write.
    ...alertsOfEvents(req.eventData).map((a) => ({ kind: 'alert' as const, requestId: null, ...a, payload: boundedPayload(a.payload) })),
  ]);
  const updates: ActualValueUpdate[] = req.eventData.map((d) => ({ component: componentRef(d.component), variable: variableRef(d.variable), value: d.actualValue, at: d.timestamp }));
  const { tenantId, stationId } = ctx.session;
  await Promise.all([ctx.store.stationEvents.record(records), ctx.store.deviceModel.recordActualValues(tenantId, stationId, updates)]);
  publish(ctx, records);
  return {};
}
