import t from 'tap';
import { decide, idTagInfo16, idTokenInfo2, type IdTokenRecord } from '../../core/authorization.js';
import { applyLocalListUpdate } from '../../core/local-list.js';

const token = (over: Partial<IdTokenRecord> = {}): IdTokenRecord => ({
  tenantId: 't', idToken: 'A', type: 'ISO14443', status: 'Accepted', expiresAt: null, groupId: null, source: 'api',
  createdAt: '', updatedAt: '', ...over,
});
const now = new Date('2026-01-01T00:00:00Z');

t.test('decisions per policy, expiry and status', async (t) => {
  t.same(decide(undefined, 'reject', now), { status: 'Unknown' });
  t.same(decide(undefined, 'accept-all', now), { status: 'Accepted' });
  t.same(decide(token(), 'reject', now), { status: 'Accepted' });
  t.same(decide(token({ expiresAt: '2025-12-31T00:00:00Z' }), 'reject', now), { status: 'Expired', expiresAt: '2025-12-31T00:00:00Z' });
  t.same(decide(token({ status: 'Blocked', groupId: 'G' }), 'accept-all', now), { status: 'Blocked', groupId: 'G' });
});

t.test('version spellings', async (t) => {
  t.same(idTagInfo16({ status: 'Unknown' }), { status: 'Invalid' }, '1.6 has no Unknown');
  t.same(idTagInfo16({ status: 'Accepted', expiresAt: 'X', groupId: 'G' }), { status: 'Accepted', expiryDate: 'X', parentIdTag: 'G' });
  t.same(idTokenInfo2({ status: 'Accepted', expiresAt: 'X', groupId: 'G' }), {
    status: 'Accepted', cacheExpiryDateTime: 'X', groupIdToken: { idToken: 'G', type: 'Central' },
  });
});

t.test('local lists: full replaces, differential merges and deletes', async (t) => {
  const full = applyLocalListUpdate([{ idToken: 'OLD', type: 'x', status: 'Accepted' }], {
    updateType: 'Full', version: 1, entries: [{ idToken: 'A', type: 'x', status: 'Accepted' }, { idToken: 'B', type: 'x', status: 'Blocked' }],
  });
  t.same(full.map((e) => e.idToken), ['A', 'B']);
  const diff = applyLocalListUpdate(full, {
    updateType: 'Differential', version: 2, entries: [{ idToken: 'A', type: 'x' }, { idToken: 'C', type: 'x', status: 'Accepted' }, { idToken: 'B', type: 'x', status: 'Accepted' }],
  });
  t.same(diff, [{ idToken: 'B', type: 'x', status: 'Accepted' }, { idToken: 'C', type: 'x', status: 'Accepted' }]);
});
