import type { Test } from 'tap';
import type { LoggedFrame } from '../../core/ports/store/message-log-store.js';
import type { StoreContractOptions } from './store.js';

/** The control-plane slices of `Store` (API keys, OCPP message log), run by every adapter. */
function frame(stationId: string, n: number, extra: Partial<LoggedFrame> = {}): LoggedFrame {
  return {
    tenantId: 'acme', stationId, direction: n % 2 ? 'out' : 'in', messageType: n % 2 ? 3 : 2, messageId: `m${n}`,
    action: 'Heartbeat',
    frame: JSON.stringify(n % 2 ? [3, `m${n}`, { n, nested: { list: [1, 'two', null] } }] : [2, `m${n}`, 'Heartbeat', { n, nested: { list: [1, 'two', null] } }]),
    at: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(), ...extra,
  };
}

const key = (id: string, extra: Record<string, unknown> = {}) => ({
  id, role: 'tenant' as const, tenantId: 'acme', name: null, prefix: 'sy_abcdef', hash: `hash-${id}`, ...extra,
});

export function controlPlaneStoreContract(t: Test, name: string, options: StoreContractOptions): void {
  t.test(`${name}: API key store contract`, async (t) => {
    const store = await options.open();
    t.teardown(() => store.close().catch(() => {}));
    t.equal(await store.apiKeys.createApiKey(key('k1', { name: 'ci' })), true);
    t.equal(await store.apiKeys.createApiKey(key('k1')), false, 'same id (same hash) refused');
    t.equal(await store.apiKeys.createApiKey(key('k2', { tenantId: 'globex' })), true);
    t.equal(await store.apiKeys.createApiKey(key('adm', { role: 'admin', tenantId: null })), true);
    t.match(await store.apiKeys.findApiKeyByHash('hash-k1'), { id: 'k1', role: 'tenant', tenantId: 'acme', name: 'ci', prefix: 'sy_abcdef', revokedAt: null, createdAt: String });
    t.notOk(JSON.stringify(await store.apiKeys.findApiKeyByHash('hash-k1')).includes('hash-k1'), 'records never carry the hash');
    t.equal(await store.apiKeys.findApiKeyByHash('nope'), undefined);
    t.same((await store.apiKeys.listApiKeys('acme')).map((k) => k.id), ['k1']);
    t.same((await store.apiKeys.listApiKeys()).map((k) => k.id).sort(), ['adm', 'k1', 'k2']);
    t.equal(await store.apiKeys.countAdminKeys(), 1);
    t.equal(await store.apiKeys.revokeApiKey('k1'), true);
    t.equal(await store.apiKeys.revokeApiKey('k1'), false, 'already revoked');
    t.equal(await store.apiKeys.findApiKeyByHash('hash-k1'), undefined, 'a revoked key is not found');
    t.match((await store.apiKeys.listApiKeys('acme'))[0], { id: 'k1', revokedAt: String }, 'but still listed');
    t.equal(await store.apiKeys.revokeApiKey('adm'), true);
    t.equal(await store.apiKeys.countAdminKeys(), 0, 'revoked admin keys do not count');
  });

  t.test(`${name}: user store contract (users, sessions, audit log)`, async (t) => {
    const store = await options.open();
    t.teardown(() => store.close().catch(() => {}));
    const users = store.users;
    const user = (id: string, username: string, extra: Record<string, unknown> = {}) => ({
      id, username, role: 'operator' as const, tenantId: 'acme', passwordHash: `scrypt$${id}`, ...extra,
    });
    t.equal(await users.createUser(user('u1', 'Alice')), true);
    t.equal(await users.createUser(user('u2', 'alice')), false, 'usernames are unique case-insensitively');
    t.equal(await users.createUser(user('u1', 'other')), false, 'ids are unique');
    t.equal(await users.createUser(user('u3', 'bob', { role: 'viewer', tenantId: 'globex' })), true);
    t.equal(await users.createUser(user('root', 'root', { role: 'admin', tenantId: null })), true);
    t.match(await users.findUserByName('ALICE'), { id: 'u1', username: 'Alice', role: 'operator', tenantId: 'acme', passwordHash: 'scrypt$u1', disabledAt: null, createdAt: String });
    t.equal(await users.findUserByName('nobody'), undefined);
    t.notOk(JSON.stringify(await users.getUser('u1')).includes('scrypt'), 'records never carry the password hash');
    t.notOk(JSON.stringify(await users.listUsers()).includes('scrypt'), 'listings never carry the password hash');
    t.same((await users.listUsers('acme')).map((u) => u.id), ['u1']);
    t.same((await users.listUsers()).map((u) => u.id).sort(), ['root', 'u1', 'u3']);
    t.equal(await users.countClusterAdmins(), 1);

    const later = new Date(Date.now() + 3_600_000).toISOString();
    const now = new Date().toISOString();
    await users.createSession({ tokenHash: 'h1', userId: 'u1', csrfToken: 'c1', expiresAt: later });
    await users.createSession({ tokenHash: 'h2', userId: 'u1', csrfToken: 'c2', expiresAt: later });
    await users.createSession({ tokenHash: 'old', userId: 'u1', csrfToken: 'c0', expiresAt: '2000-01-01T00:00:00.000Z' });
    t.match(await users.findSession('h1', now), { user: { id: 'u1', role: 'operator', tenantId: 'acme' }, csrfToken: 'c1', expiresAt: later });
    t.equal(await users.findSession('old', now), undefined, 'an expired session is not found');
    t.equal(await users.findSession('h1', '2999-01-01T00:00:00.000Z'), undefined, 'nor one past its expiry');
    t.equal(await users.updateUser('u1', { role: 'admin', passwordHash: 'scrypt$new' }), true);
    t.match(await users.findUserByName('alice'), { role: 'admin', passwordHash: 'scrypt$new' });
    t.equal(await users.updateUser('nope', { role: 'viewer' }), false);
    t.equal(await users.deleteUserSessions('u1', 'h1'), 2, 'every other session (expired ones too) ends');
    t.ok(await users.findSession('h1', now), 'the kept session stays');
    t.equal(await users.findSession('h2', now), undefined);
    t.equal(await users.updateUser('u1', { disabled: true }), true);
    t.match(await users.getUser('u1'), { disabledAt: String });
    t.equal(await users.findSession('h1', now), undefined, 'a disabled user has no session');
    t.equal(await users.updateUser('u1', { disabled: false }), true);
    t.match(await users.getUser('u1'), { disabledAt: null, role: 'admin' }, 'enabling keeps the other fields');
    t.ok(await users.findSession('h1', now));
    await users.deleteSession('h1');
    t.equal(await users.findSession('h1', now), undefined, 'logged out');
    await users.createSession({ tokenHash: 'h3', userId: 'u3', csrfToken: 'c3', expiresAt: later });
    t.equal(await users.deleteUser('u3'), true);
    t.equal(await users.deleteUser('u3'), false);
    t.equal(await users.findSession('h3', now), undefined, 'deleting a user ends its sessions');
    t.equal(await users.updateUser('root', { disabled: true }), true);
    t.equal(await users.countClusterAdmins(), 0, 'disabled admins do not count');

    const entry = (tenantId: string, n: number) => ({
      tenantId, at: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(), userId: 'u1', username: 'Alice', route: 'POST /stations/CS-1/reset',
      stationId: 'CS-1', action: n % 2 ? 'Reset' : null, result: 'Accepted', httpStatus: 200, request: { type: 'Immediate', n },
    });
    for (let n = 0; n < 5; n++) await users.appendAudit(entry('acme', n));
    await users.appendAudit(entry('globex', 9));
    const page = await users.listAudit('acme', { limit: 3 });
    t.same(page.map((a) => a.request), [{ type: 'Immediate', n: 4 }, { type: 'Immediate', n: 3 }, { type: 'Immediate', n: 2 }], 'newest first, request intact');
    t.match(page[1], { tenantId: 'acme', userId: 'u1', username: 'Alice', route: 'POST /stations/CS-1/reset', stationId: 'CS-1', action: 'Reset', result: 'Accepted', httpStatus: 200, id: Number });
    t.equal(page[0]!.action, null);
    const next = await users.listAudit('acme', { limit: 10, before: page[2]!.id });
    t.same(next.map((a) => (a.request as { n: number }).n), [1, 0]);
    t.equal((await users.listAudit(undefined, { limit: 10 })).length, 6, 'every tenant');
    t.same((await users.listAudit('globex', { limit: 10 })).map((a) => a.tenantId), ['globex'], 'tenant-scoped');
  });

  t.test(`${name}: message log store contract`, async (t) => {
    const store = await options.open();
    t.teardown(() => store.close().catch(() => {}));
    await store.messageLog.appendMessages(Array.from({ length: 7 }, (_, i) => frame('CS-1', i)));
    await store.messageLog.appendMessages([frame('CS-1', 99, { tenantId: 'globex' }), frame('CS-2', 1)]);
    await store.messageLog.appendMessages([]);
    const first = await store.messageLog.listMessages('acme', 'CS-1', { limit: 3 });
    t.same(first.items.map((m) => m.messageId), ['m6', 'm5', 'm4'], 'newest first');
    t.match(first.items[0], { tenantId: 'acme', stationId: 'CS-1', direction: 'in', messageType: 2, action: 'Heartbeat', at: '2025-01-01T00:00:06.000Z', seq: Number });
    t.same(first.items[0]!.payload, { n: 6, nested: { list: [1, 'two', null] } }, 'payload intact');
    t.ok(first.nextCursor);
    const second = await store.messageLog.listMessages('acme', 'CS-1', { limit: 10, cursor: first.nextCursor });
    t.same(second.items.map((m) => m.messageId), ['m3', 'm2', 'm1', 'm0']);
    t.equal(second.nextCursor, undefined);
    t.same((await store.messageLog.listMessages('acme', 'CS-1', { limit: 10, direction: 'out' })).items.map((m) => m.messageId), ['m5', 'm3', 'm1']);
    t.same((await store.messageLog.listMessages('acme', 'CS-1', { limit: 10, action: 'Reset' })).items, []);
    t.same((await store.messageLog.listMessages('globex', 'CS-1', { limit: 10 })).items.map((m) => m.messageId), ['m99'], 'tenant-scoped');

    // The bound is per station id (ids are unique across tenants): the 3 newest rows stay.
    t.equal(await store.messageLog.pruneMessages({ maxPerStation: 3, stationIds: ['CS-1'] }), 5, 'rows bound per station');
    t.same((await store.messageLog.listMessages('acme', 'CS-1', { limit: 10 })).items.map((m) => m.messageId), ['m6', 'm5']);
    t.same((await store.messageLog.listMessages('globex', 'CS-1', { limit: 10 })).items.map((m) => m.messageId), ['m99']);
    t.equal((await store.messageLog.listMessages('acme', 'CS-2', { limit: 10 })).items.length, 1, 'other stations untouched');
    const recent = new Date().toISOString();
    await store.messageLog.appendMessages([frame('CS-3', 1, { at: new Date(Date.now() - 3 * 3_600_000).toISOString() }), frame('CS-3', 2, { at: recent })]);
    t.ok((await store.messageLog.pruneMessages({ olderThan: new Date(Date.now() - 3_600_000).toISOString() })) >= 2, 'age bound');
    t.same((await store.messageLog.listMessages('acme', 'CS-3', { limit: 10 })).items.map((m) => m.messageId), ['m2']);
  });

  t.test(`${name}: message log appends only the missing frames of a replay`, async (t) => {
    const store = await options.open();
    t.teardown(() => store.close().catch(() => {}));
    await store.messageLog.appendMessages([frame('CS-R', 1), frame('CS-R', 2)]);
    const replay = [
      frame('CS-R', 1),
      frame('CS-R', 2),
      frame('CS-R', 2, { tenantId: 'globex' }),
      frame('CS-R', 3),
      frame('CS-R', 1, { at: '2025-01-01T00:00:09.000Z' }),
    ];
    t.equal(await store.messageLog.appendMissingMessages(replay), 3, 'frames already logged are skipped');
    t.equal(await store.messageLog.appendMissingMessages(replay), 0, 'a second replay appends nothing');
    t.equal(await store.messageLog.appendMissingMessages([]), 0);
    t.same((await store.messageLog.listMessages('acme', 'CS-R', { limit: 10 })).items.map((m) => m.messageId), ['m1', 'm3', 'm2', 'm1']);
    t.same((await store.messageLog.listMessages('globex', 'CS-R', { limit: 10 })).items.map((m) => m.messageId), ['m2']);
  });
}
