import { decodeJsonCursor, encodeCursor } from './cursor.js';
import { InvalidCursorError } from './errors.js';
import type { OcppVersion } from './protocols.js';
import type { ConnectorStatus } from './types.js';

/**
 * The stations table's server-side query (GET /stations): filters, one sort column and keyset
 * pages. Every sort is over `(coalesce(column, ''), id)`, which each SQL adapter serves from an
 * index of the same expression, so a page costs an index range walk, never a sort of the tenant.
 */
export const STATION_SORTS = ['id', 'vendor', 'model', 'firmwareVersion', 'protocol', 'lastSeenAt'] as const;
export type StationSort = (typeof STATION_SORTS)[number];

export interface StationSearch {
  limit: number;
  cursor?: string;
  sort?: StationSort;
  dir?: 'asc' | 'desc';
  /** Case-insensitive prefix of the id, vendor, model or firmware version. */
  q?: string;
  protocol?: OcppVersion;
  vendor?: string;
  model?: string;
  firmwareVersion?: string;
  /** Stations with at least one connector in this status. */
  status?: ConnectorStatus;
  /** Only these ids (online: the connected ones), or all but these (offline). */
  ids?: { only: string[] } | { except: string[] };
}

/** Column of each sort key (the same in SQLite and PostgreSQL). */
export const STATION_SORT_COLUMNS: Record<StationSort, string> = {
  id: 'id',
  vendor: 'vendor',
  model: 'model',
  firmwareVersion: 'firmware_version',
  protocol: 'protocol',
  lastSeenAt: 'last_seen_at',
};

/** The cursor of the page after a row: its sort value ('' for none) and id. */
export function encodeStationCursor(sort: StationSort, value: string | null, id: string): string {
  return encodeCursor(JSON.stringify([sort, value ?? '', id]));
}

/** The position a cursor names; a cursor of another sort is no cursor of this query (400). */
export function decodeStationCursor(sort: StationSort, cursor: string): { value: string; id: string } {
  const parsed = decodeJsonCursor(cursor);
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== sort || typeof parsed[1] !== 'string' || typeof parsed[2] !== 'string') {
    throw new InvalidCursorError();
  }
  return { value: parsed[1], id: parsed[2] };
}

/** LIKE pattern of a prefix: `%`, `_` and the escape character itself taken literally (ESCAPE '\'). */
export function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
}
