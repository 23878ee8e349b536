import type { OcppVersion } from './protocols.js';

/**
 * Who initiates each action. The official schema sets list every action of a version but not
 * its direction; the specs do. Actions not listed as station-initiated are CSMS-initiated,
 * except DataTransfer which goes both ways.
 */
const OCPP16_FROM_STATION = [
  'Authorize', 'BootNotification', 'DataTransfer', 'DiagnosticsStatusNotification',
  'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StartTransaction',
  'StatusNotification', 'StopTransaction',
  // Security whitepaper extensions
  'LogStatusNotification', 'SecurityEventNotification', 'SignCertificate', 'SignedFirmwareStatusNotification',
];

const OCPP201_FROM_STATION = [
  'Authorize', 'BootNotification', 'ClearedChargingLimit', 'DataTransfer', 'FirmwareStatusNotification',
  'Get15118EVCertificate', 'GetCertificateStatus', 'Heartbeat', 'LogStatusNotification', 'MeterValues',
  'NotifyChargingLimit', 'NotifyCustomerInformation', 'NotifyDisplayMessages', 'NotifyEVChargingNeeds',
  'NotifyEVChargingSchedule', 'NotifyEvent', 'NotifyMonitoringReport', 'NotifyReport',
  'PublishFirmwareStatusNotification', 'ReportChargingProfiles', 'ReservationStatusUpdate',
  'SecurityEventNotification', 'SignCertificate', 'StatusNotification', 'TransactionEvent',
];

const OCPP21_FROM_STATION = [
  ...OCPP201_FROM_STATION,
  'BatterySwap', 'ClosePeriodicEventStream', 'GetCertificateChainStatus', 'NotifyDERAlarm',
  'NotifyDERStartStop', 'NotifyPeriodicEventStream', 'NotifyPriorityCharging', 'NotifyQRCodeScanned',
  'NotifySettlement', 'OpenPeriodicEventStream', 'PullDynamicScheduleUpdate', 'ReportDERControl',
  'VatNumberValidation',
];

const FROM_STATION: Record<OcppVersion, ReadonlySet<string>> = {
  'ocpp1.6': new Set(OCPP16_FROM_STATION),
  'ocpp2.0.1': new Set(OCPP201_FROM_STATION),
  'ocpp2.1': new Set(OCPP21_FROM_STATION),
};

export function isStationInitiated(version: OcppVersion, action: string): boolean {
  return FROM_STATION[version].has(action);
}

export function isCsmsInitiated(version: OcppVersion, action: string, knownActions: ReadonlySet<string>): boolean {
  return knownActions.has(action) && (action === 'DataTransfer' || !FROM_STATION[version].has(action));
}
