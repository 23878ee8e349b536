import { commandTable, sendOnly, type NotSupported } from '../command-spec.js';
import * as changeAvailability from './change-availability.js';
import * as dataTransfer from './data-transfer.js';
import * as getLocalListVersion from './get-local-list-version.js';
import * as getTransactionStatus from './get-transaction-status.js';
import * as getVariables from './get-variables.js';
import * as requestStartTransaction from './request-start-transaction.js';
import * as requestStopTransaction from './request-stop-transaction.js';
import * as reset from './reset.js';
import * as sendLocalList from './send-local-list.js';
import * as setVariables from './set-variables.js';
import * as triggerMessage from './trigger-message.js';
import * as unlockConnector from './unlock-connector.js';

/**
 * OCPP 2.0.1 (and the 2.0.1 part of 2.1): every CSMS-initiated action we send. Actions with a
 * version-neutral mapping or an effect have their own file; the rest are sent as given.
 */
export const CSMS_INITIATED = commandTable([
  changeAvailability.command,
  dataTransfer.command,
  getLocalListVersion.command,
  getTransactionStatus.command,
  getVariables.command,
  requestStartTransaction.command,
  requestStopTransaction.command,
  reset.command,
  sendLocalList.command,
  setVariables.command,
  triggerMessage.command,
  unlockConnector.command,
  // Provisioning and device model
  sendOnly('GetBaseReport'),
  sendOnly('GetReport'),
  sendOnly('SetNetworkProfile'),
  sendOnly('ClearCache'),
  // Monitoring
  sendOnly('ClearVariableMonitoring'),
  sendOnly('GetMonitoringReport'),
  sendOnly('SetMonitoringBase'),
  sendOnly('SetMonitoringLevel'),
  sendOnly('SetVariableMonitoring'),
  // Smart charging, reservations, tariff and cost
  sendOnly('ClearChargingProfile'),
  sendOnly('GetChargingProfiles'),
  sendOnly('GetCompositeSchedule'),
  sendOnly('SetChargingProfile'),
  sendOnly('CancelReservation'),
  sendOnly('ReserveNow'),
  sendOnly('CostUpdated'),
  // Display messages and customer data
  sendOnly('ClearDisplayMessage'),
  sendOnly('GetDisplayMessages'),
  sendOnly('SetDisplayMessage'),
  sendOnly('CustomerInformation'),
  // Security, firmware, diagnostics
  sendOnly('CertificateSigned'),
  sendOnly('DeleteCertificate'),
  sendOnly('GetInstalledCertificateIds'),
  sendOnly('InstallCertificate'),
  sendOnly('GetLog'),
  sendOnly('PublishFirmware'),
  sendOnly('UnpublishFirmware'),
  sendOnly('UpdateFirmware'),
]);

/** CSMS-initiated 2.0.1 actions we refuse to send, each with the reason. */
export const NOT_SUPPORTED_OUTBOUND: NotSupported = {};
