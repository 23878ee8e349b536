import type { GatewayAnswers, RoutingTable } from '../../handler-context.js';
import { authorize } from './authorize.js';
import { bootNotification } from './boot-notification.js';
import { clearedChargingLimit } from './cleared-charging-limit.js';
import { notifyChargingLimit } from './notify-charging-limit.js';
import { notifyEVChargingNeeds } from './notify-ev-charging-needs.js';
import { notifyEVChargingSchedule } from './notify-ev-charging-schedule.js';
import { dataTransfer } from './data-transfer.js';
import { get15118EVCertificate } from './get-15118-ev-certificate.js';
import { getCertificateStatus } from './get-certificate-status.js';
import { firmwareStatusNotification } from './firmware-status-notification.js';
import { logStatusNotification } from './log-status-notification.js';
import { notifyCustomerInformation } from './notify-customer-information.js';
import { notifyDisplayMessages } from './notify-display-messages.js';
import { notifyEvent } from './notify-event.js';
import { notifyMonitoringReport } from './notify-monitoring-report.js';
import { notifyReport } from './notify-report.js';
import { publishFirmwareStatusNotification } from './publish-firmware-status-notification.js';
import { reportChargingProfiles } from './report-charging-profiles.js';
import { reservationStatusUpdate } from './reservation-status-update.js';
import { securityEventNotification } from './security-event-notification.js';
import { signCertificate } from './sign-certificate.js';
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
  DataTransfer: dataTransfer,
  FirmwareStatusNotification: firmwareStatusNotification,
  LogStatusNotification: logStatusNotification,
  NotifyCustomerInformation: notifyCustomerInformation,
  NotifyDisplayMessages: notifyDisplayMessages,
  NotifyEvent: notifyEvent,
  NotifyMonitoringReport: notifyMonitoringReport,
  NotifyReport: notifyReport,
  PublishFirmwareStatusNotification: publishFirmwareStatusNotification,
  ReportChargingProfiles: reportChargingProfiles,
  ReservationStatusUpdate: reservationStatusUpdate,
  SecurityEventNotification: securityEventNotification,
  SignCertificate: signCertificate,
  NotifyChargingLimit: notifyChargingLimit,
  ClearedChargingLimit: clearedChargingLimit,
  NotifyEVChargingNeeds: notifyEVChargingNeeds,
  NotifyEVChargingSchedule: notifyEVChargingSchedule,
  GetCertificateStatus: getCertificateStatus,
  Get15118EVCertificate: get15118EVCertificate,
};

/** Messages the gateway may answer itself (nothing to make durable first); see GatewayAnswer. */
export const GATEWAY_ANSWERS: GatewayAnswers = {
  Heartbeat: answerHeartbeat,
  StatusNotification: answerStatusNotification,
  MeterValues: answerMeterValues,
};

const SECURITY = 'certificates and ISO 15118 come with the security work (issue #14)';

/** Station-initiated 2.0.1 actions answered NotSupported, each with the reason. */
export const NOT_SUPPORTED_INBOUND: Readonly<Record<string, string>> = {
};
