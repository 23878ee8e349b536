import type { Test } from 'tap';
import type { Store } from '../../core/ports/store/store.js';
import type { StoreContractOptions } from './store.js';

/**
 * The request slice of `Store` (`store.requests`, core/requests.ts): requestId allocation,
 * answers and notifications applied as read-transition-write, time-outs as readers see them,
 * listing with filters and cursors. Written once, run by every adapter.
 */

/** A minute ago plus `seconds`: recent enough that nothing times out while a test runs. */
const BASE = Date.now() - 60_000;
const at = (seconds: number) => new Date(BASE + seconds * 1000).toISOString();

export function requestStoreContract(t: Test, name: string, options: StoreContractOptions): void {
  async function fresh(tt: Test): Promise<Store> {
    const store = await options.open();
    tt.teardown(() => store.close().catch(() => {}));
    return store;
  }

  const req = (stationId: string, action: string, seconds: number, requestId?: number) => ({
    tenantId: 't1',
    stationId,
    action,
    at: at(seconds),
    ...(requestId === undefined ? {} : { requestId }),
  });

  t.test(`${name}: request store contract`, async (t) => {
    t.test('requestIds are allocated per station, and a caller’s own id is kept', async (t) => {
      const store = await fresh(t);
      t.equal(await store.requests.create(req('CS1', 'GetBaseReport', 1)), 1);
      t.equal(await store.requests.create(req('CS1', 'GetLog', 2)), 2);
      t.equal(await store.requests.create(req('CS2', 'GetBaseReport', 3)), 1, 'another station counts on its own');
      t.equal(await store.requests.create(req('CS1', 'GetReport', 4, 3)), 3, 'the caller’s id');
      t.equal(await store.requests.create(req('CS1', 'GetReport', 5)), 4, 'an id a caller took is skipped');
      const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => store.requests.create(req('CS3', 'GetLog', 10 + n))));
      t.same([...ids].sort((a, b) => a - b), [1, 2, 3, 4, 5], 'concurrent creates get distinct ids');

      const got = await store.requests.get('t1', 'CS1', 2);
      t.match(got, { tenantId: 't1', stationId: 'CS1', requestId: 2, action: 'GetLog', status: 'requested', answer: null, parts: 0, seqNos: [], createdAt: at(2) });
      t.equal(await store.requests.get('t2', 'CS1', 2), undefined, 'another tenant sees nothing');
      t.equal(await store.requests.get('t1', 'CS1', 99), undefined);
    });

    t.test('answers: accepted, rejected, complete at once; only the first counts', async (t) => {
      const store = await fresh(t);
      for (let n = 1; n <= 4; n++) await store.requests.create(req('CS1', n === 4 ? 'GetChargingProfiles' : 'GetBaseReport', n));
      const answer = (id: number, status: string, extra = {}) => store.requests.applyAnswer('t1', 'CS1', id, { status, ...extra }, at(30));
      t.match(await answer(1, 'Accepted'), { outcome: 'applied', request: { status: 'accepted', answer: 'Accepted', updatedAt: at(30) } });
      t.match(await answer(2, 'NotSupported', { reason: 'NoReports' }), { request: { status: 'rejected', error: 'NoReports', expiresAt: null } });
      t.match(await answer(3, 'EmptyResultSet'), { request: { status: 'complete', parts: 0 } });
      t.match(await answer(4, 'NoProfiles'), { request: { status: 'complete' } });
      t.match(await answer(1, 'Rejected'), { outcome: 'duplicate', request: { status: 'accepted' } });
      t.equal((await store.requests.get('t1', 'CS1', 2))?.status, 'rejected', 'stored');
      t.equal(await store.requests.applyAnswer('t2', 'CS1', 1, { status: 'Accepted' }, at(31)), undefined, 'another tenant’s request is not found');
      t.equal(await store.requests.applyAnswer('t1', 'CS1', 42, { status: 'Accepted' }, at(31)), undefined);
      await store.requests.create(req('CS1', 'GetLog', 5));
      t.match(await answer(5, 'Accepted', { details: { filename: 'log.tar' } }), { request: { result: { filename: 'log.tar' } } });
    });

    t.test('report parts out of order and twice: complete once 0..last are all in', async (t) => {
      const store = await fresh(t);
      const id = await store.requests.create(req('CS1', 'GetBaseReport', 1));
      await store.requests.applyAnswer('t1', 'CS1', id, { status: 'Accepted' }, at(2));
      const part = (seqNo: number, tbc: boolean, seconds: number) =>
        store.requests.applyNotification('t1', 'CS1', id, { action: 'NotifyReport', seqNo, tbc }, at(seconds));
      t.match(await part(2, false, 3), { outcome: 'applied', request: { status: 'receiving', finalSeqNo: 2, parts: 1 } });
      t.match(await part(0, true, 4), { request: { status: 'receiving', seqNos: [0, 2] } });
      t.match(await part(0, true, 5), { outcome: 'duplicate', request: { parts: 2 } });
      t.match(await part(1, true, 6), { request: { status: 'complete', parts: 3, lastSeqNo: 2, seqNos: [0, 1, 2], expiresAt: null } });
      t.match(await store.requests.applyNotification('t1', 'CS1', id, { action: 'NotifyMonitoringReport', seqNo: 3 }, at(7)), { outcome: 'ignored' });
      t.match(await store.requests.get('t1', 'CS1', id), { status: 'complete', parts: 3, updatedAt: at(6) });
    });

    t.test('a notification may overtake the answer; the answer then changes nothing else', async (t) => {
      const store = await fresh(t);
      const id = await store.requests.create(req('CS1', 'GetLog', 1));
      t.match(await store.requests.applyNotification('t1', 'CS1', id, { action: 'LogStatusNotification', status: 'Uploading' }, at(2)), {
        request: { status: 'receiving', progress: 'Uploading' },
      });
      t.match(await store.requests.applyAnswer('t1', 'CS1', id, { status: 'Accepted' }, at(3)), { request: { status: 'receiving', answer: 'Accepted' } });
      t.match(await store.requests.applyNotification('t1', 'CS1', id, { action: 'LogStatusNotification', status: 'Uploaded' }, at(4)), {
        request: { status: 'complete', parts: 2 },
      });
    });

    t.test('concurrent notifications of one request lose nothing', async (t) => {
      const store = await fresh(t);
      const id = await store.requests.create(req('CS1', 'GetReport', 1));
      await store.requests.applyAnswer('t1', 'CS1', id, { status: 'Accepted' }, at(2));
      await Promise.all(
        Array.from({ length: 10 }, (_, n) => store.requests.applyNotification('t1', 'CS1', id, { action: 'NotifyReport', seqNo: n, tbc: n < 9 }, at(3))),
      );
      t.match(await store.requests.get('t1', 'CS1', id), { status: 'complete', parts: 10, seqNos: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    });

    t.test('an open request past its deadline reads as timed out; a late message still applies', async (t) => {
      const store = await fresh(t);
      const old = new Date(Date.now() - 2 * 60 * 60_000).toISOString();
      const id = await store.requests.create({ tenantId: 't1', stationId: 'CS1', action: 'GetBaseReport', at: old });
      await store.requests.create(req('CS1', 'GetBaseReport', 50));
      t.equal((await store.requests.get('t1', 'CS1', id))?.status, 'timed-out');
      t.same((await store.requests.list('t1', 'CS1', { limit: 10, status: 'timed-out' })).items.map((r) => r.requestId), [id]);
      t.same((await store.requests.list('t1', 'CS1', { limit: 10, status: 'requested' })).items.map((r) => r.requestId), [2]);
      const late = await store.requests.applyNotification('t1', 'CS1', id, { action: 'NotifyReport', seqNo: 0 }, new Date().toISOString());
      t.match(late, { outcome: 'applied', request: { status: 'complete' } });
      t.equal((await store.requests.get('t1', 'CS1', id))?.status, 'complete');
    });

    t.test('failStaleReports: report requests silent for the timeout fail with the reason; others stay', async (t) => {
      const store = await fresh(t);
      const now = at(1000);
      const report = await store.requests.create(req('CS1', 'GetBaseReport', 1));
      await store.requests.applyAnswer('t1', 'CS1', report, { status: 'Accepted' }, at(2));
      for (const seqNo of [0, 1, 3]) await store.requests.applyNotification('t1', 'CS1', report, { action: 'NotifyReport', seqNo, tbc: true }, at(3));
      const customer = await store.requests.create(req('CS1', 'CustomerInformation', 1));
      await store.requests.applyAnswer('t1', 'CS1', customer, { status: 'Accepted' }, at(2));
      const unanswered = await store.requests.create({ ...req('CS2', 'GetMonitoringReport', 1), tenantId: 't2' });
      const recent = await store.requests.create(req('CS1', 'GetReport', 950));
      const firmware = await store.requests.create(req('CS1', 'UpdateFirmware', 1));
      await store.requests.applyAnswer('t1', 'CS1', firmware, { status: 'Accepted' }, at(2));
      const done = await store.requests.create(req('CS1', 'GetChargingProfiles', 1));
      await store.requests.applyAnswer('t1', 'CS1', done, { status: 'NoProfiles' }, at(2));

      const first = await store.requests.failStaleReports(now, 60, 2);
      t.equal(first.length, 2, 'at most limit');
      const rest = await store.requests.failStaleReports(now, 60, 100);
      const closed = [...first, ...rest];
      t.same(closed.map((r) => `${r.stationId}/${r.requestId}`).sort(), [`CS1/${customer}`, `CS1/${report}`, `CS2/${unanswered}`].sort(), 'open report requests older than the timeout, every tenant');
      t.same(await store.requests.failStaleReports(now, 60, 100), [], 'each closed once');
      const failed = await store.requests.get('t1', 'CS1', report);
      t.match(failed, { status: 'failed', expiresAt: null, updatedAt: now, parts: 3, seqNos: [0, 1, 3] }, 'the parts received are kept on the record');
      t.equal(failed!.error, 'timed out after 60 s without a message: received seqNo 0-1, 3; missing seqNo 2; the last part (tbc=false) never came');
      t.match(await store.requests.get('t1', 'CS1', customer), { status: 'failed', error: /no part received/ });
      t.match(await store.requests.get('t2', 'CS2', unanswered), { status: 'failed', error: /no answer and no part received/ });
      t.match(await store.requests.get('t1', 'CS1', recent), { status: 'requested' }, 'a recent one stays open');
      t.match(await store.requests.get('t1', 'CS1', firmware), { status: 'accepted' }, 'status flows are not closed so (a firmware update resumes later)');
      t.match(await store.requests.get('t1', 'CS1', done), { status: 'complete', error: null });
      t.match(
        await store.requests.applyNotification('t1', 'CS1', report, { action: 'NotifyReport', seqNo: 2 }, at(1001)),
        { outcome: 'ignored', request: { status: 'failed' } },
        'a part after the failure changes nothing',
      );
    });

    t.test('a caller’s id sent again starts that request again', async (t) => {
      const store = await fresh(t);
      await store.requests.create(req('CS1', 'GetLog', 1, 7));
      await store.requests.applyAnswer('t1', 'CS1', 7, { status: 'Rejected' }, at(2));
      t.equal(await store.requests.create(req('CS1', 'GetReport', 3, 7)), 7);
      t.match(await store.requests.get('t1', 'CS1', 7), { action: 'GetReport', status: 'requested', answer: null, error: null, createdAt: at(3) });
    });

    t.test('listing: newest first, filters, cursor pages, tenant scope', async (t) => {
      const store = await fresh(t);
      for (let n = 1; n <= 5; n++) await store.requests.create(req('CS1', n % 2 ? 'GetLog' : 'GetReport', n));
      await store.requests.create(req('CS2', 'GetLog', 6));
      await store.requests.applyAnswer('t1', 'CS1', 5, { status: 'Rejected' }, at(7));
      const all = [];
      let cursor: string | undefined;
      do {
        const page = await store.requests.list('t1', 'CS1', { limit: 2, cursor });
        t.ok(page.items.length <= 2);
        all.push(...page.items.map((r) => r.requestId));
        cursor = page.nextCursor;
      } while (cursor);
      t.same(all, [5, 4, 3, 2, 1]);
      t.same((await store.requests.list('t1', 'CS1', { limit: 10, action: 'GetLog' })).items.map((r) => r.requestId), [5, 3, 1]);
      t.same((await store.requests.list('t1', 'CS1', { limit: 10, status: 'rejected' })).items.map((r) => r.requestId), [5]);
      t.same((await store.requests.list('t1', 'CS1', { limit: 10, action: 'GetLog', status: 'requested' })).items.map((r) => r.requestId), [3, 1]);
      t.same((await store.requests.list('t2', 'CS1', { limit: 10 })).items, [], 'another tenant sees nothing');
      await t.rejects(store.requests.list('t1', 'CS1', { limit: 10, cursor: 'garbage' }), { code: 'INVALID_CURSOR' });
    });

    if (options.reopen) {
      t.test('requests and their id sequence survive a reopen', async (t) => {
        const store = await options.open();
        await store.requests.create(req('CS1', 'GetLog', 1));
        await store.requests.applyAnswer('t1', 'CS1', 1, { status: 'Accepted' }, at(2));
        await store.close();
        const again = await options.reopen!(store);
        t.teardown(() => again.close().catch(() => {}));
        t.match(await again.requests.get('t1', 'CS1', 1), { status: 'accepted', answer: 'Accepted' });
        t.equal(await again.requests.create(req('CS1', 'GetLog', 3)), 2);
      });
    }
  });
}
