import { commandTable, sendOnly, type NotSupported } from '../command-spec.js';
import * as getCompositeSchedule from './get-composite-schedule.js';
import * as changeAvailability from './change-availability.js';
import * as clearChargingProfile from './clear-charging-profile.js';
import * as setChargingProfile from './set-charging-profile.js';
import * as reserveNow from './reserve-now.js';
import * as cancelReservation from './cancel-reservation.js';
import * as changeConfiguration from './change-configuration.js';
import * as dataTransfer from './data-transfer.js';
import * as getConfiguration from './get-configuration.js';
import * as getLocalListVersion from './get-local-list-version.js';
import * as remoteStartTransaction from './remote-start-transaction.js';
import * as remoteStopTransaction from './remote-stop-transaction.js';
import * as reset from './reset.js';
import * as sendLocalList from './send-local-list.js';
import * as triggerMessage from './trigger-message.js';
import * as unlockConnector from './unlock-connector.js';
import * as getDiagnostics from './get-diagnostics.js';
import * as getLog from './get-log.js';
import * as signedUpdateFirmware from './signed-update-firmware.js';
import * as updateFirmware from './update-firmware.js';
import * as certificateSigned from './certificate-signed.js';
import * as deleteCertificate from './delete-certificate.js';
import * as extendedTriggerMessage from './extended-trigger-message.js';
import * as getInstalledCertificateIds from './get-installed-certificate-ids.js';
import * as installCertificate from './install-certificate.js';

/**
 * OCPP 1.6 (with the security whitepaper): every CSMS-initiated action we send. Actions with a
 * version-neutral mapping or an effect have their own file; those completed by later
 * notifications are `correlated` (request-correlation.ts); the rest are sent as given.
 */
export const CSMS_INITIATED = commandTable([
  changeAvailability.command,
  changeConfiguration.command,
  dataTransfer.command,
  getConfiguration.command,
  getLocalListVersion.command,
  remoteStartTransaction.command,
  remoteStopTransaction.command,
  reset.command,
  sendLocalList.command,
  triggerMessage.command,
  unlockConnector.command,
  cancelReservation.command,
  sendOnly('ClearCache'),
  clearChargingProfile.command,
  getCompositeSchedule.command,
  getDiagnostics.command, // → DiagnosticsStatusNotification (no requestId: the newest request)
  reserveNow.command,
  setChargingProfile.command,
  updateFirmware.command, // → FirmwareStatusNotification (no requestId: the newest request)
  // Security whitepaper
  certificateSigned.command, // completes the station's SignCertificate request
  deleteCertificate.command,
  extendedTriggerMessage.command,
  getInstalledCertificateIds.command,
  getLog.command, // → LogStatusNotification
  installCertificate.command,
  signedUpdateFirmware.command, // → SignedFirmwareStatusNotification
]);

/** CSMS-initiated 1.6 actions we refuse to send, each with the reason. */
export const NOT_SUPPORTED_OUTBOUND: NotSupported = {};
