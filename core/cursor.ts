import { InvalidCursorError } from './errors.js';

/**
 * Opaque pagination cursors: base64url of a format tag and the last key seen, so clients cannot
 * depend on the format. Anything that is not a cursor we issued throws InvalidCursorError (the
 * API answers 400 INVALID_CURSOR) instead of quietly becoming some other key.
 */
const TAG = 'c1:';
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function encodeCursor(key: string): string {
  return Buffer.from(TAG + key, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const bytes = Buffer.from(cursor, 'base64url');
  // Node's decoder skips characters outside the alphabet and stray trailing bits; only an exact
  // round trip is a cursor we wrote.
  if (bytes.toString('base64url') !== cursor) throw new InvalidCursorError();
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new InvalidCursorError();
  }
  if (!text.startsWith(TAG)) throw new InvalidCursorError();
  return text.slice(TAG.length);
}

/** The key of a cursor made by `encodeCursor(JSON.stringify(key))`; InvalidCursorError unless it is one. The caller checks the key's shape. */
export function decodeJsonCursor(cursor: string): unknown {
  const key = decodeCursor(cursor);
  try {
    return JSON.parse(key);
  } catch {
    throw new InvalidCursorError();
  }
}

/** Keyset cursor of a list ordered by createdAt, then id: [createdAt, id] of the last item. */
export function encodeCreatedAtCursor(item: { createdAt: string; id: string }): string {
  return encodeCursor(JSON.stringify([item.createdAt, item.id]));
}

/** [createdAt, id] of a cursor made by encodeCreatedAtCursor; InvalidCursorError for anything else. */
export function decodeCreatedAtCursor(cursor: string): [string, string] {
  const value = decodeJsonCursor(cursor);
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string') throw new InvalidCursorError();
  return value as [string, string];
}
