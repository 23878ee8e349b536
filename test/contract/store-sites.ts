import type { Test } from 'tap';
import type { Store } from '../../core/ports/store/store.js';
import type { Site } from '../../core/sites.js';
import type { StoreContractOptions } from './store.js';

/**
 * Sites (`store.sites`): create / get / list with tenant scoping, compare-and-set saves, the
 * station index (`findByStation`) following the attachments, delete. Run by every adapter.
 */
const BASE = Date.parse('2026-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(BASE + seconds * 1000).toISOString();

function site(tenantId: string, id: string, seconds: number, stationIds: string[] = []): Site {
  return {
    tenantId,
    id,
    name: `site ${id}`,
    minA: 6,
    defaultMaxA: 32,
    nodes: [
      { id: 'grid', parentId: null, limitA: 100 },
      { id: 'feeder', parentId: 'grid', limitKw: 22 },
    ],
    attachments: stationIds.map((stationId) => ({ stationId, evseId: 1, nodeId: 'feeder', attachedAt: at(seconds) })),
    lease: null,
    allocation: null,
    version: 0,
    createdAt: at(seconds),
    updatedAt: at(seconds),
  };
}

export function siteStoreContract(t: Test, name: string, options: StoreContractOptions): void {
  async function fresh(tt: Test): Promise<Store> {
    const store = await options.open();
    tt.teardown(() => store.close().catch(() => {}));
    return store;
  }

  t.test(`${name}: site store contract`, async (t) => {
    t.test('create, get, tenant scoping, a taken id', async (t) => {
      const store = await fresh(t);
      const s = site('t1', 'site-1', 1, ['CS1']);
      t.equal(await store.sites.create(s), true);
      t.equal(await store.sites.create(site('t1', 'site-1', 2)), false, 'the id is taken in that tenant');
      t.equal(await store.sites.create(site('t2', 'site-1', 2)), true, 'ids are per tenant');
      t.same(await store.sites.get('t1', 'site-1'), { ...s, version: 0 });
      t.equal((await store.sites.get('t2', 'site-1'))?.attachments.length, 0, 'each tenant its own');
      t.equal(await store.sites.get('t1', 'nope'), undefined);
      t.equal(await store.sites.get('t3', 'site-1'), undefined);
    });

    t.test('save is a compare-and-set on version; the station index follows the attachments', async (t) => {
      const store = await fresh(t);
      await store.sites.create(site('t1', 'site-2', 1, ['CS1', 'CS2']));
      t.equal((await store.sites.findByStation('t1', 'CS2'))?.id, 'site-2');
      t.equal(await store.sites.findByStation('t2', 'CS2'), undefined, 'tenant-scoped');
      const v0 = (await store.sites.get('t1', 'site-2'))!;
      const moved = { ...v0, attachments: [v0.attachments[0]!, { stationId: 'CS3', evseId: 0, nodeId: 'grid', attachedAt: at(2) }] };
      const v1 = await store.sites.save(moved, 0);
      t.equal(v1?.version, 1);
      t.equal(await store.sites.save({ ...v0, name: 'lost' }, 0), undefined, 'a writer that read version 0 loses');
      const stored = (await store.sites.get('t1', 'site-2'))!;
      t.equal(stored.version, 1);
      t.equal(stored.name, 'site site-2', 'the losing write left nothing');
      t.equal(await store.sites.findByStation('t1', 'CS2'), undefined, 'a detached station has no site');
      t.equal((await store.sites.findByStation('t1', 'CS3'))?.version, 1);
      const allocated = { ...stored, allocation: { at: at(3), sessions: [{ stationId: 'CS1', evseId: 1, transactionId: 'tx1', limitA: 16, paused: false }], nodeLoad: { grid: { L1: 16, L2: 16, L3: 16 } } }, lease: { nodeId: 'n1', until: at(30) } };
      t.same(await store.sites.save(allocated, 1), { ...allocated, version: 2 });
      t.same(await store.sites.get('t1', 'site-2'), { ...allocated, version: 2 }, 'allocation and lease round-trip');
    });

    t.test('list pages oldest first; delete removes the site and its index', async (t) => {
      const store = await fresh(t);
      for (let i = 0; i < 5; i++) await store.sites.create(site('t1', `s${i}`, 10 - i, [`CS${i}`]));
      await store.sites.create(site('t2', 'other', 0));
      const first = await store.sites.list('t1', { limit: 3 });
      t.same(first.items.map((s) => s.id), ['s4', 's3', 's2']);
      t.ok(first.nextCursor);
      const second = await store.sites.list('t1', { limit: 3, cursor: first.nextCursor });
      t.same(second.items.map((s) => s.id), ['s1', 's0']);
      t.equal(second.nextCursor, undefined);
      t.equal(await store.sites.delete('t2', 's1'), false, 'another tenant cannot delete it');
      t.equal(await store.sites.delete('t1', 's1'), true);
      t.equal(await store.sites.delete('t1', 's1'), false);
      t.equal(await store.sites.get('t1', 's1'), undefined);
      t.equal(await store.sites.findByStation('t1', 'CS1'), undefined);
      t.equal((await store.sites.findByStation('t1', 'CS0'))?.id, 's0');
    });
  });
}
