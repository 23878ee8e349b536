import type { BootPolicy } from '../../core/boot-policy.js';
import type { TransactionFold, TransactionState } from '../../core/transaction-fold.js';
import type { MeterValueRecord, SignedMeterValue, TransactionRecord } from '../../core/transaction-types.js';
import type { ConnectorStatusRecord, StationRecord } from '../../core/types.js';
import type { SecurityProfile } from '../../core/security-profile.js';
import type { StationLogin } from '../../core/ports/store/store.js';
import type { IdTokenRecord } from '../../core/authorization.js';
import type { LocalList, LocalListEntry } from '../../core/local-list.js';
import { toMessageLogRecord, type LoggedFrame, type MessageLogRecord } from '../../core/ports/store/message-log-store.js';
import type { StationRequest } from '../../core/requests.js';
import type { ConnectorStatusUpdate } from '../../core/ports/store/store.js';

/**
 * Rows of the SQL adapters (SQLite and PostgreSQL share column names) turned into records:
 * one mapping per table, so a new column is read the same way by both.
 */
export type Row = Record<string, unknown>;

/** A security_profile column (1 when absent or out of range). */
export function profileOf(value: unknown): SecurityProfile {
  const n = Number(value);
  return n === 2 || n === 3 ? n : 1;
}

/** A TEXT (SQLite) or timestamptz (PostgreSQL: a Date) column as an ISO string. */
function isoOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}

/** The login columns of a stations row (id, tenant_id, password_hash, security_profile, previous_password_hash). */
export function toLogin(row: Row): StationLogin {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    passwordHash: (row.password_hash as string | null) ?? null,
    securityProfile: profileOf(row.security_profile),
    previousPasswordHash: (row.previous_password_hash as string | null) ?? null,
  };
}

export function toStation(row: Row): StationRecord {
  return {
    tenantId: row.tenant_id as string,
    id: row.id as string,
    passwordHash: (row.password_hash as string | null) ?? null,
    vendor: (row.vendor as string | null) ?? null,
    model: (row.model as string | null) ?? null,
    serialNumber: (row.serial_number as string | null) ?? null,
    firmwareVersion: (row.firmware_version as string | null) ?? null,
    iccid: (row.iccid as string | null) ?? null,
    imsi: (row.imsi as string | null) ?? null,
    protocol: (row.protocol as StationRecord['protocol']) ?? null,
    bootReason: (row.boot_reason as string | null) ?? null,
    lastBootAt: (row.last_boot_at as string | null) ?? null,
    lastSeenAt: (row.last_seen_at as string | null) ?? null,
    registrationStatus: (row.registration_status as StationRecord['registrationStatus'] | null) ?? 'Accepted',
    heartbeatIntervalSec: row.heartbeat_interval_sec === null || row.heartbeat_interval_sec === undefined ? null : Number(row.heartbeat_interval_sec),
    securityProfile: profileOf(row.security_profile),
    previousPasswordPending: row.previous_password_hash !== null && row.previous_password_hash !== undefined,
    passwordRotatedAt: isoOrNull(row.password_rotated_at),
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
  };
}

/** The boot-policy columns of a stations row. */
export function policyOf(row: Row): BootPolicy {
  const { registrationStatus, heartbeatIntervalSec } = toStation({ ...row, tenant_id: '', id: '' });
  return { registrationStatus, heartbeatIntervalSec };
}

export function toConnector(row: Row): ConnectorStatusRecord {
  return {
    tenantId: row.tenant_id as string,
    stationId: row.station_id as string,
    evseId: row.evse_id as number,
    connectorId: row.connector_id as number,
    status: row.status as ConnectorStatusRecord['status'],
    detailedStatus: (row.detailed_status as string | null) ?? null,
    errorCode: (row.error_code as string | null) ?? null,
    info: (row.info as string | null) ?? null,
    vendorErrorCode: (row.vendor_error_code as string | null) ?? null,
    reportedAt: row.reported_at as string,
    updatedAt: row.updated_at as string,
  };
}

/** A connector_status_history row. */
export function toStatusChange(row: Row): ConnectorStatusUpdate {
  const { updatedAt: _u, ...change } = toConnector({ ...row, updated_at: null });
  return change;
}

export function toTransactionRecord(row: Row): TransactionRecord {
  return {
    tenantId: row.tenant_id as string,
    stationId: row.station_id as string,
    id: row.id as string,
    ocppTransactionId: (row.ocpp_transaction_id as number | null) ?? null,
    protocol: row.protocol as TransactionRecord['protocol'],
    evseId: (row.evse_id as number | null) ?? null,
    connectorId: (row.connector_id as number | null) ?? null,
    idToken: row.id_token === null ? null : { idToken: row.id_token as string, type: row.id_token_type as string },
    // SQLite stores 0/1, PostgreSQL a boolean.
    isActive: row.is_active === 1 || row.is_active === true,
    chargingState: (row.charging_state as string | null) ?? null,
    timeSpentChargingSec: row.time_spent_charging_sec as number,
    totalKwh: row.total_kwh as number,
    stoppedReason: (row.stopped_reason as string | null) ?? null,
    remoteStartId: (row.remote_start_id as number | null) ?? null,
    operationMode: (row.operation_mode as string | null) ?? null,
    tariffId: (row.tariff_id as string | null) ?? null,
    startedAt: row.started_at as string,
    endedAt: (row.ended_at as string | null) ?? null,
    meterStartWh: (row.meter_start_wh as number | null) ?? null,
    meterStopWh: (row.meter_stop_wh as number | null) ?? null,
    lastSeqNo: (row.last_seq_no as number | null) ?? null,
    reservationId: (row.reservation_id as number | null) ?? null,
    triggerReason: (row.trigger_reason as string | null) ?? null,
    idTokens: typeof row.id_tokens === 'string' ? JSON.parse(row.id_tokens) : [],
    flags: JSON.parse(row.flags as string),
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
  };
}

export function toTransactionState(row: Row): TransactionState {
  return { record: toTransactionRecord(row), fold: JSON.parse(row.fold as string) as TransactionFold };
}

export function toMeterValue(row: Row): MeterValueRecord {
  return {
    tenantId: row.tenant_id as string,
    stationId: row.station_id as string,
    transactionId: (row.transaction_id as string | null) ?? null,
    evseId: (row.evse_id as number | null) ?? null,
    timestamp: row.ts as string,
    measurand: row.measurand as string,
    phase: (row.phase as string | null) ?? null,
    location: (row.location as string | null) ?? null,
    context: (row.context as string | null) ?? null,
    value: row.value as number,
    unit: (row.unit as string | null) ?? null,
    multiplier: row.multiplier as number,
    signedMeterValue: typeof row.signed_meter_value === 'string' ? (JSON.parse(row.signed_meter_value) as SignedMeterValue) : null,
  };
}

/** Transaction list orders: API sort key → column. */
export const TRANSACTION_SORTS = {
  startedAt: { column: 'started_at', field: 'startedAt', desc: false },
  '-startedAt': { column: 'started_at', field: 'startedAt', desc: true },
  updatedAt: { column: 'updated_at', field: 'updatedAt', desc: false },
  '-updatedAt': { column: 'updated_at', field: 'updatedAt', desc: true },
} as const;

export function toToken(row: Row): IdTokenRecord {
  return {
    tenantId: row.tenant_id as string,
    idToken: row.id_token as string,
    type: row.type as string,
    status: row.status as IdTokenRecord['status'],
    expiresAt: (row.expires_at as string | null) ?? null,
    groupId: (row.group_id as string | null) ?? null,
    allowConcurrentTx: Boolean(row.allow_concurrent_tx),
    ...(row.priority !== null && row.priority !== undefined ? { priority: Number(row.priority) } : {}),
    source: row.source as IdTokenRecord['source'],
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
  };
}

export function toList(row: Row): LocalList {
  return {
    tenantId: row.tenant_id as string,
    stationId: row.station_id as string,
    version: row.version as number,
    entries: JSON.parse(row.entries as string) as LocalListEntry[],
    updatedAt: row.updated_at as string,
  };
}

export function toMessageLogRow(row: Row): MessageLogRecord {
  return toMessageLogRecord(row.seq as number, {
    tenantId: row.tenant_id as string,
    stationId: row.station_id as string,
    direction: row.direction as LoggedFrame['direction'],
    messageType: row.message_type as number,
    messageId: row.message_id as string,
    action: (row.action as string | null) ?? null,
    frame: row.payload as string,
    at: row.at as string,
  });
}

export function toRequest(row: Row): StationRequest {
  return {
    tenantId: row.tenant_id as string,
    stationId: row.station_id as string,
    // PostgreSQL may hand back a bigint column as a string.
    requestId: Number(row.request_id),
    action: row.action as string,
    status: row.status as StationRequest['status'],
    answer: (row.answer as string | null) ?? null,
    parts: row.parts as number,
    lastSeqNo: (row.last_seq_no as number | null) ?? null,
    finalSeqNo: (row.final_seq_no as number | null) ?? null,
    seqNos: JSON.parse(row.seq_nos as string) as number[],
    progress: (row.progress as string | null) ?? null,
    result: row.result === null ? null : (JSON.parse(row.result as string) as Record<string, unknown>),
    error: (row.error as string | null) ?? null,
    expiresAt: (row.expires_at as string | null) ?? null,
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
  };
}
