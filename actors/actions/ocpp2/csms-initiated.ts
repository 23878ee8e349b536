import * as customerInformation from './customer-information.js';
import { commandTable, sendOnly, type NotSupported } from '../command-spec.js';
import { correlated } from '../request-correlation.js';
import * as getCompositeSchedule from './get-composite-schedule.js';
import * as changeAvailability from './change-availability.js';
import * as clearChargingProfile from './clear-charging-profile.js';
import * as setChargingProfile from './set-charging-profile.js';
import * as reserveNow from './reserve-now.js';
import * as setDisplayMessage from './set-display-message.js';
import * as clearDisplayMessage from './clear-display-message.js';
import * as getDisplayMessages from './get-display-messages.js';
import * as cancelReservation from './cancel-reservation.js';
import * as dataTransfer from './data-transfer.js';
import * as getLocalListVersion from './get-local-list-version.js';
import * as getTransactionStatus from './get-transaction-status.js';
import * as costUpdated from './cost-updated.js';
import * as getVariables from './get-variables.js';
import * as requestStartTransaction from './request-start-transaction.js';
import * as requestStopTransaction from './request-stop-transaction.js';
import * as reset from './reset.js';
import * as sendLocalList from './send-local-list.js';
import * as setVariables from './set-variables.js';
import * as triggerMessage from './trigger-message.js';
import * as unlockConnector from './unlock-connector.js';
import * as getLog from './get-log.js';
import * as publishFirmware from './publish-firmware.js';
import * as unpublishFirmware from './unpublish-firmware.js';
import * as updateFirmware from './update-firmware.js';
import * as certificateSigned from './certificate-signed.js';
import * as deleteCertificate from './delete-certificate.js';
import * as getInstalledCertificateIds from './get-installed-certificate-ids.js';
import * as installCertificate from './install-certificate.js';

/**
 * OCPP 2.0.1 (and the 2.0.1 part of 2.1): every CSMS-initiated action we send. Actions with a
 * version-neutral mapping or an effect have their own file; those completed by later
 * notifications are `correlated` (request-correlation.ts); the rest are sent as given.
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
  correlated('GetBaseReport'), // → NotifyReport
  correlated('GetReport'), // → NotifyReport
  sendOnly('SetNetworkProfile'),
  sendOnly('ClearCache'),
  // Monitoring
  sendOnly('ClearVariableMonitoring'),
  correlated('GetMonitoringReport'), // → NotifyMonitoringReport
  sendOnly('SetMonitoringBase'),
  sendOnly('SetMonitoringLevel'),
  sendOnly('SetVariableMonitoring'),
  // Smart charging, reservations, tariff and cost
  clearChargingProfile.command,
  correlated('GetChargingProfiles'), // → ReportChargingProfiles
  getCompositeSchedule.command,
  setChargingProfile.command,
  cancelReservation.command,
  reserveNow.command,
  costUpdated.command,
  // Display messages and customer data
  clearDisplayMessage.command,
  getDisplayMessages.command, // → NotifyDisplayMessages (correlated)
  setDisplayMessage.command,
  customerInformation.command, // → NotifyCustomerInformation (correlated); a clear recorded
  // Security, firmware, diagnostics
  certificateSigned.command, // completes the station's SignCertificate request
  deleteCertificate.command,
  getInstalledCertificateIds.command,
  installCertificate.command,
  getLog.command, // → LogStatusNotification
  publishFirmware.command, // → PublishFirmwareStatusNotification
  unpublishFirmware.command,
  updateFirmware.command, // → FirmwareStatusNotification
]);

/** CSMS-initiated 2.0.1 actions we refuse to send, each with the reason. */
export const NOT_SUPPORTED_OUTBOUND: NotSupported = {};
