import { decodeCursor, encodeCursor } from '../../core/cursor.js';

/** Keyset cursor for transaction listings: [sort value, stationId, id] of the last item. */
export function encodeTransactionCursor(sortValue: string, stationId: string, id: string): string {
  return encodeCursor(JSON.stringify([sortValue, stationId, id]));
}

/** Throws SyntaxError for anything that is not a cursor we issued (the API answers 400). */
export function decodeTransactionCursor(cursor: string): [string, string, string] {
  const value: unknown = JSON.parse(decodeCursor(cursor));
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'string')) throw new SyntaxError('Invalid cursor');
  return value as [string, string, string];
}
