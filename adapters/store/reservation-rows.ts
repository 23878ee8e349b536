import type { DisplayMessage } from '../../core/display-messages.js';
import type { StoredDisplayMessage } from '../../core/ports/store/display-message-store.js';
import type { Reservation } from '../../core/reservations.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import { InvalidCursorError } from '../../core/errors.js';
import type { Row } from './sql-rows.js';

/**
 * Rows of `reservations` and `display_messages` (SQLite and PostgreSQL share the columns): the
 * whole record is the JSON `body`; the columns beside it are what queries filter and order by.
 */
export function toReservation(row: Row): Reservation {
  return JSON.parse(row.body as string) as Reservation;
}

/** The columns of a reservation row; expires_at normalised to UTC ISO so text order is time order. */
export function reservationColumns(r: Reservation) {
  return {
    tenantId: r.tenantId,
    reservationId: r.reservationId,
    stationId: r.stationId,
    status: r.status,
    idToken: r.idToken.idToken,
    expiresAt: new Date(r.expiresAt).toISOString(),
    body: JSON.stringify(r),
    updatedAt: r.updatedAt,
  };
}

export function encodeReservationCursor(reservationId: number): string {
  return encodeCursor(String(reservationId));
}

export function decodeReservationCursor(cursor: string): number {
  const id = Number(decodeCursor(cursor));
  if (!Number.isSafeInteger(id)) throw new InvalidCursorError();
  return id;
}

export function toStoredDisplayMessage(row: Row): StoredDisplayMessage {
  return {
    tenantId: row.tenant_id as string,
    stationId: row.station_id as string,
    source: row.source as StoredDisplayMessage['source'],
    message: JSON.parse(row.body as string) as DisplayMessage,
    updatedAt: row.updated_at as string,
  };
}

export function byStationIdSource(a: StoredDisplayMessage, b: StoredDisplayMessage): number {
  return (
    (a.stationId < b.stationId ? -1 : a.stationId > b.stationId ? 1 : 0) ||
    a.message.id - b.message.id ||
    (a.source < b.source ? -1 : a.source > b.source ? 1 : 0)
  );
}

export const DISPLAY_MESSAGE_LIST_LIMIT = 1000;
