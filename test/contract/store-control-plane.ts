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
