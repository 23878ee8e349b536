import type { OcppVersion } from './protocols.js';

/**
 * Boot policy (issue #12, 2.0.1/2.1 block B, 1.6 BootNotification): what the CSMS answers a
 * station's BootNotification — its registration status, set per station by the operator, and
 * its heartbeat interval (per station, else the CSMS default). While Pending the CSMS may still
 * send its provisioning calls (B02.FR.01: GetBaseReport, SetVariables…); a TriggerMessage of
 * BootNotification, or the station's next boot, then gets the new status.
 */
export type RegistrationStatus = 'Accepted' | 'Pending' | 'Rejected';

export const REGISTRATION_STATUSES: readonly RegistrationStatus[] = ['Accepted', 'Pending', 'Rejected'];

export interface BootPolicy {
  registrationStatus: RegistrationStatus;
  /** Seconds; null: the CSMS default (CSMS_HEARTBEAT_INTERVAL). */
  heartbeatIntervalSec: number | null;
}

export const DEFAULT_BOOT_POLICY: BootPolicy = { registrationStatus: 'Accepted', heartbeatIntervalSec: null };

/** The BootNotification answer's status and interval for a station with this policy (none: a station not registered yet). */
export function bootAnswer(policy: BootPolicy | undefined, defaultIntervalSec: number): { status: RegistrationStatus; interval: number } {
  return { status: policy?.registrationStatus ?? 'Accepted', interval: policy?.heartbeatIntervalSec ?? defaultIntervalSec };
}

/** The action a TriggerMessage's requestedMessage makes the station send (2.x names certificate requests differently). */
export function triggeredAction(requestedMessage: string): string {
  return requestedMessage.startsWith('Sign') && requestedMessage.endsWith('Certificate') ? 'SignCertificate' : requestedMessage;
}

/**
 * The messages a station sends because the CSMS asked with a request other than TriggerMessage:
 * provisioning while Pending (B02) is GetBaseReport/GetReport answered by NotifyReport pages, and
 * the same holds for the other reports and status flows the CSMS starts.
 */
const FOLLOW_UPS: Readonly<Record<string, string>> = {
  GetBaseReport: 'NotifyReport',
  GetReport: 'NotifyReport',
  GetMonitoringReport: 'NotifyMonitoringReport',
  CustomerInformation: 'NotifyCustomerInformation',
  GetChargingProfiles: 'ReportChargingProfiles',
  GetDisplayMessages: 'NotifyDisplayMessages',
  GetLog: 'LogStatusNotification',
  UpdateFirmware: 'FirmwareStatusNotification',
  PublishFirmware: 'PublishFirmwareStatusNotification',
};

/** What the station may send while not Accepted because the CSMS sent `action` (with `payload`); undefined: nothing. */
export function requestedFollowUp(action: string, payload: unknown): string | undefined {
  if (action === 'TriggerMessage') {
    const requested = (payload as { requestedMessage?: unknown } | null)?.requestedMessage;
    return typeof requested === 'string' ? triggeredAction(requested) : undefined;
  }
  return FOLLOW_UPS[action];
}

/**
 * 2.0.1/2.1 B02.FR.09 and B03.FR.07: a CALL from a station whose last BootNotification was answered
 * Pending or Rejected is answered CALLERROR SecurityError, unless it is a BootNotification or a
 * message the CSMS asked for (`triggered`: by TriggerMessage, or the report or status flow of a
 * request it sent, see `requestedFollowUp`). 1.6 has no such requirement (its
 * station SHALL NOT send them; when it does, it is answered as usual). A connection whose boot the
 * CSMS has not answered yet (`registration` null, e.g. a reconnect) is not held back.
 */
export function refusedBeforeAccepted(version: OcppVersion, registration: string | null, action: string, triggered: ReadonlySet<string>): boolean {
  if (version === 'ocpp1.6' || registration === null || registration === 'Accepted') return false;
  return action !== 'BootNotification' && !triggered.has(action);
}
