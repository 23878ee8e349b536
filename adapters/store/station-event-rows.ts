import { decodeCursor, decodeJsonCursor, encodeCursor } from '../../core/cursor.js';
import { InvalidCursorError } from '../../core/errors.js';
import type { StationEvent, StationEventKind } from '../../core/station-events.js';
import { alertSubject, type AlertSource, type AlertState, type AlertStateRecord } from '../../core/alerts.js';

/** Row mapping and cursors of station events, shared by the SQLite and PostgreSQL adapters. */
export type Row = Record<string, unknown>;

/** The cursor of a newest-first list keyed by an increasing integer id. */
export function encodeIdCursor(id: number): string {
  return encodeCursor(String(id));
}

export function decodeIdCursor(cursor: string): number {
  const id = Number(decodeCursor(cursor));
  if (!Number.isSafeInteger(id)) throw new InvalidCursorError();
  return id;
}

export function toStationEvent(r: Row): StationEvent {
  return {
    id: Number(r.id),
    tenantId: r.tenant_id as string,
    stationId: r.station_id as string,
    kind: r.kind as StationEventKind,
    type: r.type as string,
    at: r.at as string,
    receivedAt: r.received_at as string,
    requestId: r.request_id === null || r.request_id === undefined ? null : Number(r.request_id),
    payload: JSON.parse(r.payload as string) as Record<string, unknown>,
  };
}


/** Cursor of the alert-state list (newest change first): [lastAt, stationId, key] of the last item. */
export function encodeAlertCursor(a: AlertStateRecord): string {
  return encodeCursor(JSON.stringify([a.lastAt, a.stationId, a.key]));
}

export function decodeAlertCursor(cursor: string): [string, string, string] {
  const value = decodeJsonCursor(cursor);
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'string')) throw new InvalidCursorError();
  return value as [string, string, string];
}

export function toAlertState(r: Row): AlertStateRecord {
  return {
    tenantId: r.tenant_id as string,
    stationId: r.station_id as string,
    key: r.alert_key as string,
    source: r.source as AlertSource,
    type: r.type as string,
    evseId: r.evse_id === null || r.evse_id === undefined ? null : Number(r.evse_id),
    connectorId: r.connector_id === null || r.connector_id === undefined ? null : Number(r.connector_id),
    state: r.state as AlertState,
    openedAt: r.opened_at as string,
    clearedAt: (r.cleared_at as string | null) ?? null,
    lastAt: r.last_at as string,
    count: Number(r.count),
    payload: JSON.parse(r.payload as string) as Record<string, unknown>,
  };
}

/** The parameters of one alert record's upsert into alert_states (SQLite and PostgreSQL). */
export function alertUpsertParams(e: { tenantId: string; stationId: string; type: string; at: string; payload: Record<string, unknown> }) {
  const { key, evseId, connectorId } = alertSubject(e);
  const cleared = e.payload.cleared === true;
  return {
    tenantId: e.tenantId, stationId: e.stationId, key, source: String(e.payload.source), type: e.type, evseId, connectorId,
    state: cleared ? 'cleared' : 'open', at: e.at, clearedAt: cleared ? e.at : null, count: cleared ? 0 : 1, payload: JSON.stringify(e.payload),
  };
}

/**
 * The upsert's update, in SQL both stores speak (`alert_states` is the old row, `excluded` the
 * new): the same transition as core/alerts.ts `nextAlertState`; an older record changes nothing.
 */
export const ALERT_UPSERT_UPDATE = `ON CONFLICT (station_id, alert_key) DO UPDATE SET
    opened_at = CASE WHEN excluded.state = 'open' AND alert_states.state = 'cleared' THEN excluded.opened_at ELSE alert_states.opened_at END,
    cleared_at = CASE WHEN excluded.state = 'open' THEN NULL WHEN alert_states.state = 'cleared' THEN alert_states.cleared_at ELSE excluded.last_at END,
    state = excluded.state, last_at = excluded.last_at, count = alert_states.count + excluded.count, payload = excluded.payload
  WHERE excluded.last_at >= alert_states.last_at AND alert_states.tenant_id = excluded.tenant_id`;
