import { boundedPayload } from '../../../core/station-events.js';
import { alertOfStatus16 } from '../../../core/alerts.js';
import { publish, reportsOf } from '../shared/station-reports.js';
import { connectorStatusFrom16, evseFrom16 } from '../../../core/version-mapping.js';
import type { HandlerContext } from '../../handler-context.js';
import { applyStatusToTransaction } from './status-effects.js';

interface StatusNotificationRequest {
  connectorId: number;
  errorCode: string;
  status: string;
  info?: string;
  timestamp?: string;
  vendorId?: string;
  vendorErrorCode?: string;
}

export async function statusNotification(
  ctx: Pick<HandlerContext, 'session' | 'store' | 'events' | 'clock'>,
  req: StatusNotificationRequest,
) {
  const { evseId, connectorId } = evseFrom16(req.connectorId);
  const update = {
    tenantId: ctx.session.tenantId,
    stationId: ctx.session.stationId,
    evseId,
    connectorId,
    status: connectorStatusFrom16(req.status),
    detailedStatus: req.status,
    errorCode: req.errorCode,
    info: req.info ?? null,
    vendorErrorCode: req.vendorErrorCode ?? null,
    reportedAt: req.timestamp ?? ctx.clock().toISOString(),
  };
  // An errorCode other than NoError is an alert (core/alerts.ts), stored beside the status.
  const alert = alertOfStatus16(req, update.reportedAt);
  const alerts = alert ? reportsOf(ctx, [{ kind: 'alert', requestId: null, ...alert, payload: boundedPayload(alert.payload) }]) : [];
  if (alerts.length === 0) await ctx.store.stations.recordConnectorStatus(update);
  else await Promise.all([ctx.store.stations.recordConnectorStatus(update), ctx.store.stationEvents.record(alerts)]);
  await applyStatusToTransaction(ctx, req);
  ctx.events.emit('connector.status', ctx.session, { ...update, ocppConnectorId: req.connectorId });
  publish(ctx, alerts);
  return {};
}

/** Last write wins, and OCPP does not guarantee its delivery: the gateway answers at once. */
export function answerStatusNotification() {
  return {};
}
