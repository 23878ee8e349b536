import type { GatewayAnswers, RoutingTable } from '../../handler-context.js';
import { authorize } from './authorize.js';
import { bootNotification } from './boot-notification.js';
import { answerHeartbeat, heartbeat } from './heartbeat.js';
import { answerMeterValues, meterValues } from './meter-values.js';
import { answerStatusNotification, statusNotification } from './status-notification.js';
import { transactionEvent } from './transaction-event.js';

/** OCPP 2.0.1 (and the base of 2.1): every station-initiated action we handle. */
export const STATION_INITIATED: RoutingTable = {
  BootNotification: bootNotification,
  Heartbeat: heartbeat,
  StatusNotification: statusNotification,
  Authorize: authorize,
  TransactionEvent: transactionEvent,
  MeterValues: meterValues,
};

/** Messages the gateway may answer itself (nothing to make durable first); see GatewayAnswer. */
export const GATEWAY_ANSWERS: GatewayAnswers = {
  Heartbeat: answerHeartbeat,
  StatusNotification: answerStatusNotification,
  MeterValues: answerMeterValues,
};

const STATION_MESSAGES = 'answered NotSupported until the station-messages work (issue #12) stores it';
const ENERGY = 'smart charging, reservations and display messages come with issue #13';
const SECURITY = 'certificates and ISO 15118 come with the security work (issue #14)';

/** Station-initiated 2.0.1 actions answered NotSupported, each with the reason. */
export const NOT_SUPPORTED_INBOUND: Readonly<Record<string, string>> = {
  DataTransfer: `${STATION_MESSAGES} (vendor-extension registry)`,
  FirmwareStatusNotification: STATION_MESSAGES,
  LogStatusNotification: STATION_MESSAGES,
  NotifyCustomerInformation: STATION_MESSAGES,
  NotifyEvent: STATION_MESSAGES,
  NotifyMonitoringReport: STATION_MESSAGES,
  NotifyReport: STATION_MESSAGES,
  PublishFirmwareStatusNotification: STATION_MESSAGES,
  SecurityEventNotification: STATION_MESSAGES,
  ClearedChargingLimit: ENERGY,
  NotifyChargingLimit: ENERGY,
  NotifyDisplayMessages: ENERGY,
  NotifyEVChargingNeeds: ENERGY,
  NotifyEVChargingSchedule: ENERGY,
  ReportChargingProfiles: ENERGY,
  ReservationStatusUpdate: ENERGY,
  Get15118EVCertificate: SECURITY,
  GetCertificateStatus: SECURITY,
  SignCertificate: SECURITY,
};
