import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import { InvalidCursorError } from '../../core/errors.js';
import type { StationEvent, StationEventKind } from '../../core/station-events.js';

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

