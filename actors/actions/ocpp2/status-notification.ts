import type { ConnectorStatus } from '../../../core/types.js';
import type { HandlerContext } from '../../handler-context.js';

interface StatusNotificationRequest {
  timestamp: string;
  connectorStatus: ConnectorStatus;
  evseId: number;
  connectorId: number;
}

export async function statusNotification(
  ctx: Pick<HandlerContext, 'session' | 'store' | 'events'>,
  req: StatusNotificationRequest,
) {
  const update = {
    tenantId: ctx.session.tenantId,
    stationId: ctx.session.stationId,
    evseId: req.evseId,
    connectorId: req.connectorId,
    status: req.connectorStatus,
    detailedStatus: null,
    errorCode: null,
    info: null,
    vendorErrorCode: null,
    reportedAt: req.timestamp,
  };
  await ctx.store.stations.recordConnectorStatus(update);
  ctx.events.emit('connector.status', ctx.session, { ...update });
  return {};
}

/** Last write wins, and OCPP does not guarantee its delivery: the gateway answers at once. */
export function answerStatusNotification() {
  return {};
}
