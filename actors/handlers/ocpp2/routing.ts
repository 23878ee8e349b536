import type { RoutingTable } from '../../handler-context.js';
import { bootNotification } from './boot-notification.js';
import { heartbeat } from './heartbeat.js';
import { statusNotification } from './status-notification.js';

/** OCPP 2.0.1: every station-initiated action we handle. Others answer NotSupported. */
export const ocpp201Routes: RoutingTable = {
  BootNotification: bootNotification,
  Heartbeat: heartbeat,
  StatusNotification: statusNotification,
};

/** OCPP 2.1 shares the 2.0.1 shapes for these actions; 2.1-only actions join here. */
export const ocpp21Routes: RoutingTable = {
  ...ocpp201Routes,
};
