import type { RegistrationStatus } from './boot-policy.js';
import type { OcppVersion } from './protocols.js';
import type { SecurityProfile } from './security-profile.js';

export const DEFAULT_TENANT = 'default';

/**
 * OCPP's identifierString (2.0.1 Part 2, primitive datatypes): a-z, A-Z, 0-9 and
 * `* - _ = : + | @ .`; at most 48 characters for the station identity in the OCPP-J URL. Minus
 * ':', which cannot be in a Basic-auth user id (the station id is the user), and minus the ids
 * `.` and `..`, which URL paths resolve away.
 */
export const STATION_ID_PATTERN = /^(?!\.\.?$)[A-Za-z0-9*\-_=+|@.]{1,48}$/;

export function isValidStationId(id: string): boolean {
  return STATION_ID_PATTERN.test(id);
}

/** The one envelope shape shared by gateway threads, the API and the bus. */
export interface Envelope<P = Record<string, unknown>> {
  tenantId: string;
  stationId: string;
  protocol: OcppVersion;
  messageId: string;
  action: string;
  payload: P;
}

export interface BootInfo {
  vendor: string;
  model: string;
  serialNumber?: string;
  firmwareVersion?: string;
  iccid?: string;
  imsi?: string;
  reason?: string;
  protocol: OcppVersion;
  at: string;
}

/** A station as stored. Timestamps are ISO-8601 strings. */
export interface StationRecord {
  tenantId: string;
  id: string;
  /** scrypt hash; null when the station connects without a password (allow-unknown mode). */
  passwordHash: string | null;
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  iccid: string | null;
  imsi: string | null;
  protocol: OcppVersion | null;
  bootReason: string | null;
  lastBootAt: string | null;
  lastSeenAt: string | null;
  /** Boot policy (core/boot-policy.ts): what its BootNotification is answered; Accepted unless the operator set otherwise. */
  registrationStatus: RegistrationStatus;
  /** Its heartbeat interval in seconds; null: the CSMS default. */
  heartbeatIntervalSec: number | null;
  /** Security profile 1-3 (core/security-profile.ts): the weakest transport it may log in over. */
  securityProfile: SecurityProfile;
  /** A password rotation is under way: the previous password still works until the station logs in with the new one. */
  previousPasswordPending: boolean;
  /** When its password was last set through POST /stations/{id}/password; null: never. */
  passwordRotatedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * Version-neutral connector status: the 2.x ConnectorStatus values. A 1.6 status is mapped onto
 * them and kept verbatim in `detailedStatus` (e.g. 'Charging' → Occupied / Charging).
 */
export type ConnectorStatus = 'Available' | 'Occupied' | 'Reserved' | 'Unavailable' | 'Faulted';

export interface ConnectorStatusRecord {
  tenantId: string;
  stationId: string;
  /** 0 addresses the whole station (1.6 connector 0). */
  evseId: number;
  connectorId: number;
  status: ConnectorStatus;
  detailedStatus: string | null;
  errorCode: string | null;
  info: string | null;
  vendorErrorCode: string | null;
  reportedAt: string;
  updatedAt: string;
}

/** Events on the bus. `type` is the subject suffix, e.g. station.booted. */
export type StationEventType =
  | 'station.connected'
  | 'station.disconnected'
  | 'station.booted'
  | 'connector.status'
  | 'transaction.started'
  | 'transaction.updated'
  | 'transaction.ended'
  | 'meter.values'
  | 'authorization.requested'
  // Station messages (core/station-events.ts BUS_EVENT_OF, DEVICE_MODEL_REPORTED)
  | 'security.event'
  | 'alert.raised'
  | 'device.event'
  | 'device-model.reported'
  | 'firmware.status'
  | 'firmware.published'
  | 'diagnostics.status'
  | 'log.status'
  | 'monitoring.reported'
  | 'customer-information.reported'
  | 'data.transfer'
  // Smart charging (core/charging-profile.ts)
  | 'profile.set'
  | 'profile.cleared'
  | 'profile.reported'
  | 'charging-limit.set'
  | 'charging-limit.cleared'
  | 'ev.charging-needs'
  | 'ev.charging-schedule'
  | 'composite-schedule.reported'
  // Reservations (core/reservations.ts): one event per status a reservation enters
  | 'reservation.created'
  | 'reservation.accepted'
  | 'reservation.rejected'
  | 'reservation.cancelled'
  | 'reservation.expired'
  | 'reservation.removed'
  | 'reservation.used'
  // Display messages (core/display-messages.ts)
  | 'display-message.set'
  | 'display-message.cleared'
  | 'display-message.reported'
  // Station certificates (core/certificates.ts)
  | 'certificate.sign-requested'
  | 'certificate.signed'
  // Tariffs and cost (core/tariff-assignment.ts)
  | 'cost.updated';

/** The bus event shape lives with the other wire shapes. */
export type { BusEvent } from './envelope.js';
