import t from 'tap';
import fc from 'fast-check';
import { decodeCreatedAtCursor, decodeJsonCursor, encodeCreatedAtCursor, encodeCursor } from '../../core/cursor.js';
import { InvalidCursorError } from '../../core/errors.js';

// The JSON keyset cursors shared by the store slices (campaigns, sites, requests, alerts, stations).

t.test('a createdAt cursor reads back as the [createdAt, id] it was made from', async (t) => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (createdAt, id) => {
      const back = decodeCreatedAtCursor(encodeCreatedAtCursor({ createdAt, id }));
      return back[0] === createdAt && back[1] === id;
    }),
  );
  t.same(decodeJsonCursor(encodeCursor(JSON.stringify([1, 'a']))), [1, 'a']);
});

t.test('anything else is an InvalidCursorError', async (t) => {
  t.throws(() => decodeJsonCursor(encodeCursor('not json')), InvalidCursorError, 'a cursor we issued whose key is not JSON');
  t.throws(() => decodeJsonCursor('%%%'), InvalidCursorError, 'not base64url');
  for (const key of [['2026-01-01'], ['2026-01-01', 7], [1, 'a'], { createdAt: 'x', id: 'y' }, ['a', 'b', 'c']]) {
    t.throws(() => decodeCreatedAtCursor(encodeCursor(JSON.stringify(key))), InvalidCursorError, `wrong shape ${JSON.stringify(key)}`);
  }
});
