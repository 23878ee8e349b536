import { alertsOfEvents, type WireEventData } from '../../../core/alerts.js';
import { componentRef, variableRef, type ActualValueUpdate } from '../../../core/device-model.js';
import { boundedPayload } from '../../../core/station-events.js';
import { publish, reportsOf, type Report, type ReportContext } from '../shared/station-reports.js';
import { DEFAULT_EVENT_BUDGET, takeEvents, type EventBudget, type StormNote } from '../../../core/event-budget.js';
import type { HandlerContext } from '../../handler-context.js';

interface EventData extends WireEventData {
  cause?: number;
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
 *
 * Storms (core/event-budget.ts): per station, a token bucket grants the events stored one by one.
 * The rest are answered all the same but only counted (`notifyEventsDropped`) and summarised in
 * an `EventStorm` record (started, every minute while it lasts, ended), with one warn line when a
 * storm starts and one info line when it ends; they change no device model value and raise no
 * alert. A message whose events are all beyond the budget costs no write at all.
 */
export async function notifyEvent(ctx: ReportContext & Pick<HandlerContext, 'state' | 'settings' | 'metrics'>, req: NotifyEventRequest): Promise<Record<string, never>> {
  const now = ctx.clock();
  const decision = takeEvents(ctx.state.eventBudget, req.eventData.length, now.getTime(), ctx.settings.eventBudget ?? DEFAULT_EVENT_BUDGET);
  ctx.state.eventBudget = decision.state;
  const stored = decision.dropped > 0 ? req.eventData.slice(0, decision.granted) : req.eventData;
  if (decision.dropped > 0) ctx.metrics?.notifyEventsDropped(decision.dropped);
  const records = reportsOf(ctx, [
    ...stored.map(({ trigger, timestamp, customData: _c, ...rest }) => ({
      kind: 'event' as const,
      type: trigger,
      at: timestamp,
      requestId: null,
      payload: boundedPayload({ ...rest, component: componentRef(rest.component), variable: variableRef(rest.variable), seqNo: req.seqNo, generatedAt: req.generatedAt }),
    })),
    // Problems (core/alerts.ts) are alerts too, in the same write.
    ...alertsOfEvents(stored).map((a) => ({ kind: 'alert' as const, requestId: null, ...a, payload: boundedPayload(a.payload) })),
    ...(decision.note ? [stormRecord(decision.note, ctx.settings.eventBudget ?? DEFAULT_EVENT_BUDGET)] : []),
  ]);
  const { tenantId, stationId } = ctx.session;
  if (decision.note?.state === 'started') {
    (ctx.log?.warn ?? ctx.log?.info)?.call(ctx.log, { tenantId, stationId, ...decision.note, budget: ctx.settings.eventBudget ?? DEFAULT_EVENT_BUDGET }, 'NotifyEvent storm: events beyond the budget are counted, not stored');
  } else if (decision.note?.state === 'ended') {
    ctx.log?.info({ tenantId, stationId, ...decision.note }, 'NotifyEvent storm ended');
  }
  if (records.length === 0) return {};
  const updates: ActualValueUpdate[] = stored.map((d) => ({ component: componentRef(d.component), variable: variableRef(d.variable), value: d.actualValue, at: d.timestamp }));
  await Promise.all([
    ctx.store.stationEvents.record(records),
    updates.length > 0 ? ctx.store.deviceModel.recordActualValues(tenantId, stationId, updates) : undefined,
  ]);
  publish(ctx, records);
  return {};
}

function stormRecord(note: StormNote, budget: EventBudget): Report {
  return { kind: 'event', type: 'EventStorm', at: note.state === 'started' ? note.since : note.until, requestId: null, payload: { ...note, ...budget } };
}
