import type { Test } from 'tap';
import type { OcpiDoc } from '../../core/ports/store/ocpi-store.js';
import type { Store } from '../../core/ports/store/store.js';
import type { StoreContractOptions } from './store.js';

/**
 * The OCPI slice (`store.ocpi`, issue #16): documents per tenant and kind (replace, lookup across
 * tenants, unique lookups, lists by scope and last_updated window with offset/limit and a total),
 * and the per-partner delivery outbox (heads per partner in seq order, postpone, complete, counts).
 */
export function ocpiStoreContract(t: Test, name: string, options: StoreContractOptions): void {
  async function fresh(tt: Test): Promise<Store> {
    const store = await options.open();
    tt.teardown(() => store.close().catch(() => {}));
    return store;
  }
  const doc = (over: Partial<OcpiDoc>): OcpiDoc => ({
    tenantId: 't1', kind: 'location', id: 'L1', scope: 'NL*SWY', lookup: null, lastUpdated: '2026-01-01T00:00:00.000Z', body: { n: 1 }, ...over,
  });

  t.test(`${name}: ocpi store contract`, async (t) => {
    t.test('documents: put, replace, get, tenant and kind scoped, delete', async (t) => {
      const store = await fresh(t);
      t.equal(await store.ocpi.putDoc(doc({})), true, 'new');
      t.equal(await store.ocpi.putDoc(doc({ body: { n: 2 }, lastUpdated: '2026-01-02T00:00:00.000Z' })), false, 'replaced');
      t.same(await store.ocpi.getDoc('location', 't1', 'L1'), doc({ body: { n: 2 }, lastUpdated: '2026-01-02T00:00:00.000Z' }));
      t.equal(await store.ocpi.getDoc('location', 't2', 'L1'), undefined, 'other tenant');
      t.equal(await store.ocpi.getDoc('token', 't1', 'L1'), undefined, 'other kind');
      t.equal(await store.ocpi.deleteDoc('location', 't2', 'L1'), false);
      t.equal(await store.ocpi.deleteDoc('location', 't1', 'L1'), true);
      t.equal(await store.ocpi.getDoc('location', 't1', 'L1'), undefined);
    });

    t.test('compare-and-set: replaced only while unchanged since read', async (t) => {
      const store = await fresh(t);
      await store.ocpi.putDoc(doc({ lookup: 'keep-me', body: { evses: [{ uid: 'E1', status: 'AVAILABLE' }, { uid: 'E2', status: 'AVAILABLE' }], n: 1.5 } }));
      const readA = (await store.ocpi.getDoc('location', 't1', 'L1'))!;
      const readB = (await store.ocpi.getDoc('location', 't1', 'L1'))!;
      const a = { ...readA, lastUpdated: '2026-01-02T00:00:00.000Z', body: { evses: [{ uid: 'E1', status: 'CHARGING' }, { uid: 'E2', status: 'AVAILABLE' }], n: 1.5 } };
      t.equal(await store.ocpi.replaceDocIf(a, readA), true, 'the first writer wins');
      const b = { ...readB, lastUpdated: '2026-01-02T00:00:00.000Z', body: { evses: [{ uid: 'E1', status: 'AVAILABLE' }, { uid: 'E2', status: 'CHARGING' }], n: 1.5 } };
      t.equal(await store.ocpi.replaceDocIf(b, readB), false, 'the second read a document that changed since');
      t.same((await store.ocpi.getDoc('location', 't1', 'L1'))!.body, a.body, 'nothing lost');
      const again = (await store.ocpi.getDoc('location', 't1', 'L1'))!;
      const merged = { ...again, lastUpdated: '2026-01-03T00:00:00.000Z', scope: 'hidden', body: { evses: [{ uid: 'E1', status: 'CHARGING' }, { uid: 'E2', status: 'CHARGING' }], n: 1.5 } };
      t.equal(await store.ocpi.replaceDocIf(merged, again), true, 'read again, then it wins');
      t.same(await store.ocpi.getDoc('location', 't1', 'L1'), { ...merged, lookup: 'keep-me' }, 'scope, lastUpdated and body replaced; the lookup stays');
      t.match(await store.ocpi.findDocByLookup('location', 'keep-me'), { id: 'L1' });
      const sameTimeOtherBody = { ...merged, body: { evses: [], n: 1.5 } };
      t.equal(await store.ocpi.replaceDocIf(sameTimeOtherBody, { ...merged, body: { evses: [], n: 2 } }), false, 'same lastUpdated, another body: unchanged is both');
      await store.ocpi.deleteDoc('location', 't1', 'L1');
      t.equal(await store.ocpi.replaceDocIf(merged, merged), false, 'removed meanwhile');
      t.equal(await store.ocpi.getDoc('location', 't1', 'L1'), undefined, 'and not created again');
    });

    t.test('lookups are found across tenants, unique per kind, and move on replace', async (t) => {
      const store = await fresh(t);
      await store.ocpi.putDoc(doc({ kind: 'partner', tenantId: 't2', id: 'P1', lookup: 'hash-a' }));
      t.match(await store.ocpi.findDocByLookup('partner', 'hash-a'), { tenantId: 't2', id: 'P1' });
      t.equal(await store.ocpi.findDocByLookup('location', 'hash-a'), undefined, 'per kind');
      await t.rejects(store.ocpi.putDoc(doc({ kind: 'partner', tenantId: 't1', id: 'P9', lookup: 'hash-a' })), 'taken by another document');
      await store.ocpi.putDoc(doc({ kind: 'partner', tenantId: 't2', id: 'P1', lookup: 'hash-c' }));
      t.equal(await store.ocpi.findDocByLookup('partner', 'hash-a'), undefined, 'the old lookup is gone');
      t.match(await store.ocpi.findDocByLookup('partner', 'hash-c'), { id: 'P1' });
      await store.ocpi.putDoc(doc({ kind: 'partner', tenantId: 't1', id: 'P9', lookup: 'hash-a' }));
      t.match(await store.ocpi.findDocByLookup('partner', 'hash-a'), { tenantId: 't1', id: 'P9' }, 'free again');
    });

    t.test('lists: scope, date window (from inclusive, to exclusive), oldest first, offset/limit, total', async (t) => {
      const store = await fresh(t);
      for (let i = 1; i <= 5; i++) await store.ocpi.putDoc(doc({ id: `L${i}`, lastUpdated: `2026-01-0${i}T00:00:00.000Z` }));
      await store.ocpi.putDoc(doc({ id: 'OTHER', scope: 'DE*ABC', lastUpdated: '2026-01-03T00:00:00.000Z' }));
      await store.ocpi.putDoc(doc({ tenantId: 't2', id: 'T2', lastUpdated: '2026-01-03T00:00:00.000Z' }));
      const all = await store.ocpi.listDocs('location', 't1', { offset: 0, limit: 10 });
      t.equal(all.total, 6);
      const scoped = await store.ocpi.listDocs('location', 't1', { scope: 'NL*SWY', offset: 1, limit: 2 });
      t.same(scoped.items.map((d) => d.id), ['L2', 'L3']);
      t.equal(scoped.total, 5, 'total ignores offset and limit');
      const window = await store.ocpi.listDocs('location', 't1', { scope: 'NL*SWY', from: '2026-01-02T00:00:00.000Z', to: '2026-01-04T00:00:00.000Z', offset: 0, limit: 10 });
      t.same(window.items.map((d) => d.id), ['L2', 'L3']);
      t.equal(window.total, 2);
    });

    t.test('tenants with a document of a kind: each once, in id order, others left out', async (t) => {
      const store = await fresh(t);
      t.same(await store.ocpi.tenantsWithDoc('partner'), [], 'none yet');
      await store.ocpi.putDoc(doc({ kind: 'partner', tenantId: 'tb', id: 'P1' }));
      await store.ocpi.putDoc(doc({ kind: 'partner', tenantId: 'tb', id: 'P2' }));
      await store.ocpi.putDoc(doc({ kind: 'partner', tenantId: 'ta', id: 'P1' }));
      for (let i = 0; i < 5; i++) await store.ocpi.putDoc(doc({ kind: 'location', tenantId: 'tc', id: `L${i}` }));
      await store.ocpi.putDoc(doc({ kind: 'location', tenantId: 'ta', id: 'L1' }));
      t.same(await store.ocpi.tenantsWithDoc('partner'), ['ta', 'tb']);
      t.same(await store.ocpi.tenantsWithDoc('location'), ['ta', 'tc']);
      t.same(await store.ocpi.tenantsWithDoc('cdr'), []);
      await store.ocpi.deleteDoc('partner', 'ta', 'P1');
      t.same(await store.ocpi.tenantsWithDoc('partner'), ['tb'], 'gone with its last document');
    });

    t.test('deliveries: one head per partner in seq order, postponed, completed, counted, dropped', async (t) => {
      const store = await fresh(t);
      const d = (partnerId: string, n: number, tenantId = 't1') => ({
        tenantId, partnerId, module: 'locations', method: 'PATCH' as const, path: `/NL/SWY/L1/E${n}`, body: { n }, objectKey: 'location:L1', createdAt: '2026-01-01T00:00:00.000Z',
      });
      await store.ocpi.enqueueDeliveries([d('A', 1), d('A', 2), d('B', 3)]);
      await store.ocpi.enqueueDeliveries([d('A', 4, 't2')]);
      const heads = await store.ocpi.deliveryHeads(10);
      t.same(heads.map((h) => [h.tenantId, h.partnerId, (h.body as { n: number }).n]), [['t1', 'A', 1], ['t1', 'B', 3], ['t2', 'A', 4]]);
      t.match(heads[0], { module: 'locations', method: 'PATCH', path: '/NL/SWY/L1/E1', attempts: 0, nextAt: '2026-01-01T00:00:00.000Z', lastError: null });
      t.equal((await store.ocpi.deliveryHeads(1)).length, 1, 'limit');
      await store.ocpi.postponeDelivery(heads[0]!.seq, '2026-01-01T00:01:00.000Z', 'HTTP 503');
      t.match((await store.ocpi.deliveryHeads(10))[0], { seq: heads[0]!.seq, attempts: 1, nextAt: '2026-01-01T00:01:00.000Z', lastError: 'HTTP 503' }, 'still the head, held back');
      t.same([...(await store.ocpi.countDeliveries())].sort(), [['t1|A', 2], ['t1|B', 1], ['t2|A', 1]]);
      await store.ocpi.completeDelivery(heads[0]!.seq);
      t.match((await store.ocpi.deliveryHeads(10))[0], { partnerId: 'A', body: { n: 2 } }, 'the next one of that partner');
      t.equal(await store.ocpi.dropDeliveries('t1', 'A'), 1);
      t.same((await store.ocpi.deliveryHeads(10)).map((h) => `${h.tenantId}|${h.partnerId}`), ['t1|B', 't2|A']);
    });

    t.test('a document write enqueues its pushes with it: both or neither', async (t) => {
      const store = await fresh(t);
      const push = (n: number) => ({
        tenantId: 't1', partnerId: 'A', module: 'locations', method: 'PATCH' as const, path: `/NL/SWY/L1/E1`, body: { n }, objectKey: 'location:L1', createdAt: '2026-01-01T00:00:00.000Z',
      });
      const pushed = async () => [...(await store.ocpi.countDeliveries()).values()];
      t.equal(await store.ocpi.putDoc(doc({}), [push(1)]), true);
      t.same(await pushed(), [1], 'putDoc: the push is queued');
      const read = (await store.ocpi.getDoc('location', 't1', 'L1'))!;
      t.equal(await store.ocpi.replaceDocIf({ ...read, body: { n: 2 } }, { ...read, body: { n: 9 } }, [push(2)]), false, 'lost the compare-and-set');
      t.same(await pushed(), [1], 'and queued nothing');
      t.equal(await store.ocpi.replaceDocIf({ ...read, body: { n: 3 } }, read, [push(3), push(4)]), true, 'won');
      t.same(await pushed(), [3], 'and queued both of its pushes');
      const order: number[] = [];
      for (let head = (await store.ocpi.deliveryHeads(1))[0]; head; head = (await store.ocpi.deliveryHeads(1))[0]) {
        order.push((head.body as { n: number }).n);
        await store.ocpi.completeDelivery(head.seq);
      }
      t.same(order, [1, 3, 4], 'in order');
      t.same((await store.ocpi.getDoc('location', 't1', 'L1'))!.body, { n: 3 });
    });
  });
}
