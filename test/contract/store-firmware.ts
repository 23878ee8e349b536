import type { Test } from 'tap';
import { applySend, control, markSending, newCampaign, type FirmwareCampaign } from '../../core/firmware-campaign.js';
import type { Store } from '../../core/ports/store/store.js';
import type { StoreContractOptions } from './store.js';

/**
 * Firmware campaigns (`store.campaigns`) and upload slots (`store.uploads`): campaigns written
 * with compare-and-set on their version, the driver's list of active campaigns, tenant scoping,
 * one-time upload slots. Written once, run by every adapter.
 */
const BASE = Date.parse('2026-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(BASE + seconds * 1000).toISOString();

function campaign(tenantId: string, id: string, seconds: number, stationIds = ['CS1', 'CS2', 'CS3']): FirmwareCampaign {
  return newCampaign({ tenantId, id, firmware: { location: `https://fw.example/${id}.bin` }, target: { stationIds }, rollout: { waves: [1] } }, stationIds, at(seconds));
}

export function firmwareStoreContract(t: Test, name: string, options: StoreContractOptions): void {
  async function fresh(tt: Test): Promise<Store> {
    const store = await options.open();
    tt.teardown(() => store.close().catch(() => {}));
    return store;
  }

  t.test(`${name}: campaign store contract`, async (t) => {
    t.test('create, get, tenant scoping, a taken id', async (t) => {
      const store = await fresh(t);
      const c = campaign('t1', 'camp-1', 1);
      t.equal(await store.campaigns.create(c), true);
      t.equal(await store.campaigns.create(campaign('t2', 'camp-1', 2)), false, 'ids are unique across tenants');
      const got = await store.campaigns.get('t1', 'camp-1');
      t.same(got, { ...c, version: 0 }, 'stored as given, version 0');
      t.equal(await store.campaigns.get('t2', 'camp-1'), undefined, 'another tenant does not see it');
      t.equal(await store.campaigns.get('t1', 'nope'), undefined);
    });

    t.test('every kind reads back with its one discriminator (kind) and what it needs', async (t) => {
      const store = await fresh(t);
      const report = newCampaign({ tenantId: 't1', id: 'rep-1', kind: 'report', reportBase: 'SummaryInventory', target: {} }, ['CS1'], at(1));
      const rotation = newCampaign({ tenantId: 't1', id: 'rot-1', kind: 'password-rotation', target: {} }, ['CS1'], at(2));
      for (const c of [report, rotation]) t.equal(await store.campaigns.create(c), true);
      t.match(await store.campaigns.get('t1', 'rep-1'), { kind: 'report', reportBase: 'SummaryInventory' });
      t.match(await store.campaigns.get('t1', 'rot-1'), { kind: 'password-rotation' });
      t.same((await store.campaigns.list('t1', { limit: 10 })).items.map((c) => c.kind), ['password-rotation', 'report'], 'listed with their kinds');
    });

    t.test('save is a compare-and-set on version', async (t) => {
      const store = await fresh(t);
      await store.campaigns.create(campaign('t1', 'camp-2', 1));
      const v0 = (await store.campaigns.get('t1', 'camp-2'))!;
      const sending = markSending(v0, 'CS1', at(2));
      const v1 = await store.campaigns.save(sending, 0);
      t.equal(v1?.version, 1);
      t.equal(await store.campaigns.save(markSending(v0, 'CS2', at(3)), 0), undefined, 'a writer that read version 0 loses');
      const stored = (await store.campaigns.get('t1', 'camp-2'))!;
      t.equal(stored.version, 1);
      t.match(stored.stations[0], { stationId: 'CS1', state: 'downloading', attempts: 1 });
      t.match(stored.stations[1], { stationId: 'CS2', state: 'pending', attempts: 0 }, 'the losing write left nothing');
      const accepted = applySend(stored, 'CS1', { kind: 'accepted', requestId: 7 }, at(4));
      t.equal((await store.campaigns.save(accepted, 1))?.version, 2);
      t.match((await store.campaigns.get('t1', 'camp-2'))!.stations[0], { requestId: 7 });
      const wrongTenant = { ...accepted, tenantId: 't2' };
      t.equal(await store.campaigns.save(wrongTenant, 2), undefined, 'another tenant cannot write it');
    });

    t.test('listActive: running, paused and aborted-with-stations-in-flight; every tenant; oldest first', async (t) => {
      const store = await fresh(t);
      await store.campaigns.create(campaign('t1', 'a-running', 1));
      await store.campaigns.create(campaign('t2', 'b-other-tenant', 2));
      await store.campaigns.create(campaign('t1', 'c-empty', 3, [])); // complete at once
      await store.campaigns.create(campaign('t1', 'd-aborted', 4));
      const d = (await store.campaigns.get('t1', 'd-aborted'))!;
      const aborted = control(d, 'abort', at(5));
      if ('error' in aborted) throw new Error(aborted.error);
      await store.campaigns.save(aborted.campaign, 0);
      await store.campaigns.create(campaign('t1', 'e-aborted-in-flight', 6));
      const e = (await store.campaigns.get('t1', 'e-aborted-in-flight'))!;
      const inFlight = control(markSending(e, 'CS1', at(7)), 'abort', at(8));
      if ('error' in inFlight) throw new Error(inFlight.error);
      await store.campaigns.save(inFlight.campaign, 0);
      const active = await store.campaigns.listActive(10);
      t.same(active.map((c) => c.id), ['a-running', 'b-other-tenant', 'e-aborted-in-flight']);
      t.same((await store.campaigns.listActive(1)).map((c) => c.id), ['a-running'], 'limit');
    });

    t.test('list: newest first, by status, cursor pages, tenant-scoped', async (t) => {
      const store = await fresh(t);
      for (let i = 0; i < 5; i++) await store.campaigns.create(campaign('t1', `l-${i}`, 10 + i));
      await store.campaigns.create(campaign('t2', 'l-x', 20));
      await store.campaigns.create(campaign('t1', 'l-empty', 30, []));
      const first = await store.campaigns.list('t1', { limit: 4 });
      t.same(first.items.map((c) => c.id), ['l-empty', 'l-4', 'l-3', 'l-2']);
      t.type(first.nextCursor, 'string');
      const second = await store.campaigns.list('t1', { limit: 4, cursor: first.nextCursor });
      t.same(second.items.map((c) => c.id), ['l-1', 'l-0']);
      t.equal(second.nextCursor, undefined);
      t.same((await store.campaigns.list('t1', { limit: 10, status: 'complete' })).items.map((c) => c.id), ['l-empty']);
    });
  });

  t.test(`${name}: upload slot store contract`, async (t) => {
    const slot = (tokenHash: string, stationId: string, requestId: number, seconds: number, tenantId = 't1') => ({
      tokenHash, tenantId, stationId, requestId, action: 'GetLog', expiresAt: at(seconds + 3600), createdAt: at(seconds),
    });

    t.test('a slot is claimed once, released after a failed upload, completed with its file', async (t) => {
      const store = await fresh(t);
      await store.uploads.create(slot('h1', 'CS1', 4, 1));
      t.match(await store.uploads.findByToken('h1'), { tokenHash: 'h1', stationId: 'CS1', requestId: 4, action: 'GetLog', claimedAt: null, fileName: null, size: null });
      t.equal(await store.uploads.findByToken('h2'), undefined);
      t.equal(await store.uploads.claim('h1', at(2)), true);
      t.equal(await store.uploads.claim('h1', at(3)), false, 'a claimed slot cannot be claimed again');
      await store.uploads.release('h1');
      t.equal(await store.uploads.claim('h1', at(4)), true, 'released after a failed upload: usable again');
      await store.uploads.complete('h1', { fileName: 'log.tar.gz', size: 1234, storedAs: 'uploads/t1/CS1/4-log.tar.gz', uploadedAt: at(5) });
      await store.uploads.release('h1');
      t.equal(await store.uploads.claim('h1', at(6)), false, 'a completed slot stays used (release does not free it)');
      t.match(await store.uploads.findByToken('h1'), { claimedAt: at(4), fileName: 'log.tar.gz', size: 1234, storedAs: 'uploads/t1/CS1/4-log.tar.gz', uploadedAt: at(5) });
    });

    t.test('a slot made before the call goes out is bound to its request after the answer', async (t) => {
      const store = await fresh(t);
      await store.uploads.create({ ...slot('u', 'CS9', 0, 1), requestId: null });
      t.equal((await store.uploads.findByToken('u'))?.requestId, null);
      t.equal(await store.uploads.getForRequest('t1', 'CS9', 12), undefined);
      await store.uploads.bind('u', 12);
      t.equal((await store.uploads.getForRequest('t1', 'CS9', 12))?.tokenHash, 'u');
    });

    t.test('getForRequest: the newest slot of the request, tenant-scoped', async (t) => {
      const store = await fresh(t);
      await store.uploads.create(slot('a', 'CS1', 1, 1));
      await store.uploads.create(slot('b', 'CS1', 1, 2));
      await store.uploads.create(slot('c', 'CS1', 2, 3));
      await store.uploads.create(slot('d', 'CS2', 1, 4, 't2'));
      t.equal((await store.uploads.getForRequest('t1', 'CS1', 1))?.tokenHash, 'b');
      t.equal((await store.uploads.getForRequest('t1', 'CS1', 2))?.tokenHash, 'c');
      t.equal(await store.uploads.getForRequest('t1', 'CS2', 1), undefined, 'another tenant’s slot');
      t.equal((await store.uploads.getForRequest('t2', 'CS2', 1))?.tokenHash, 'd');
    });
  });
}
