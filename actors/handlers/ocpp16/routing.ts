import type { RoutingTable } from '../../handler-context.js';
import { bootNotification } from './boot-notification.js';
import { heartbeat } from './heartbeat.js';
import { statusNotification } from './status-notification.js';

/** OCPP 1.6: every station-initiated action we handle. Others answer NotSupported. */
export const ocpp16Routes: RoutingTable = {
  BootNotification: bootNotification,
  Heartbeat: heartbeat,
  StatusNotification: statusNotification,
};
