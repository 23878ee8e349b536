import type { RoutingTable } from '../../handler-context.js';
import { authorize } from './authorize.js';
import { bootNotification } from './boot-notification.js';
import { heartbeat } from './heartbeat.js';
import { meterValues } from './meter-values.js';
import { statusNotification } from './status-notification.js';
import { transactionEvent } from './transaction-event.js';

/** OCPP 2.0.1: every station-initiated action we handle. Others answer NotSupported. */
export const ocpp201Routes: RoutingTable = {
  BootNotification: bootNotification,
  Heartbeat: heartbeat,
  StatusNotification: statusNotification,
  Authorize: authorize,
  TransactionEvent: transactionEvent,
  MeterValues: meterValues,
};

/** OCPP 2.1 shares the 2.0.1 shapes for these actions; 2.1-only actions join here. */
export const ocpp21Routes: RoutingTable = {
  ...ocpp201Routes,
};
