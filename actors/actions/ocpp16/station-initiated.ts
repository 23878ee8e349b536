import type { GatewayAnswers, RoutingTable } from '../../handler-context.js';
import { authorize } from './authorize.js';
import { bootNotification } from './boot-notification.js';
import { dataTransfer } from './data-transfer.js';
import { diagnosticsStatusNotification } from './diagnostics-status-notification.js';
import { firmwareStatusNotification } from './firmware-status-notification.js';
import { logStatusNotification } from './log-status-notification.js';
import { securityEventNotification } from './security-event-notification.js';
import { signCertificate } from './sign-certificate.js';
import { signedFirmwareStatusNotification } from './signed-firmware-status-notification.js';
import { answerHeartbeat, heartbeat } from './heartbeat.js';
import { answerMeterValues, meterValues } from './meter-values.js';
import { startTransaction } from './start-transaction.js';
import { answerStatusNotification, statusNotification } from './status-notification.js';
import { stopTransaction } from './stop-transaction.js';

/** OCPP 1.6: every station-initiated action we handle, each in its own file named after it. */
export const STATION_INITIATED: RoutingTable = {
  BootNotification: bootNotification,
  Heartbeat: heartbeat,
  StatusNotification: statusNotification,
  Authorize: authorize,
  StartTransaction: startTransaction,
  StopTransaction: stopTransaction,
  MeterValues: meterValues,
  DataTransfer: dataTransfer,
  DiagnosticsStatusNotification: diagnosticsStatusNotification,
  FirmwareStatusNotification: firmwareStatusNotification,
  LogStatusNotification: logStatusNotification,
  SecurityEventNotification: securityEventNotification,
  SignCertificate: signCertificate,
  SignedFirmwareStatusNotification: signedFirmwareStatusNotification,
};

/** Messages the gateway may answer itself (nothing to make durable first); see GatewayAnswer. */
export const GATEWAY_ANSWERS: GatewayAnswers = {
  Heartbeat: answerHeartbeat,
  StatusNotification: answerStatusNotification,
  MeterValues: answerMeterValues,
};

/** Station-initiated 1.6 actions answered NotSupported, each with the reason: none. */
export const NOT_SUPPORTED_INBOUND: Readonly<Record<string, string>> = {};
