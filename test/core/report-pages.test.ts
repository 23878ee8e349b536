import t from 'tap';
import fc from 'fast-check';
import { customerInformationView, pagesBySeqNo } from '../../core/report-pages.js';
import type { StationEvent } from '../../core/station-events.js';

// Report pages out of order or repeated: ordered by seqNo, the first received kept, repeats counted.

t.test('out of order and repeated pages', async (t) => {
  const set = pagesBySeqNo([
    { seqNo: 2, tbc: true, v: 'c' },
    { seqNo: 0, tbc: true, v: 'a' },
    { seqNo: 2, tbc: true, v: 'c again' },
    { seqNo: 4, tbc: false, v: 'e' },
  ]);
  t.same(set.pages.map((p) => p.v), ['a', 'c', 'e']);
  t.equal(set.duplicates, 1);
  t.same(set.missing, [1, 3]);
  t.equal(set.complete, false);
  t.match(pagesBySeqNo([{ seqNo: 1, tbc: false }, { seqNo: 0, tbc: true }]), { complete: true, missing: [], duplicates: 0 });
  t.match(pagesBySeqNo([{ seqNo: 0, tbc: true }]), { complete: false, missing: [] }, 'no last part yet');
});

t.test('property: any order and repeats give the same pages', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 30 }), fc.array(fc.nat(60), { maxLength: 60 }), (n, repeats) => {
      const pages = Array.from({ length: n }, (_, seqNo) => ({ seqNo, tbc: seqNo < n - 1 }));
      const received = [...pages, ...repeats.map((r) => pages[r % n]!)].sort(() => 0).reverse();
      const set = pagesBySeqNo(received);
      return set.complete && set.pages.length === n && set.duplicates === repeats.length && set.pages.every((p, i) => p.seqNo === i);
    }),
  );
  t.pass('holds');
});

t.test('customer information: data joined in seqNo order, the clear found', async (t) => {
  const ev = (id: number, type: string, payload: Record<string, unknown>): StationEvent => ({
    id, tenantId: 't', stationId: 's', kind: 'customer-information', type, at: `2026-01-01T00:00:0${id}.000Z`, receivedAt: `2026-01-01T00:00:0${id}.000Z`, requestId: 7, payload,
  });
  const view = customerInformationView([
    ev(4, 'last', { seqNo: 2, tbc: false, data: 'C' }),
    ev(3, 'part', { seqNo: 1, tbc: true, data: 'B-again' }),
    ev(2, 'part', { seqNo: 0, tbc: true, data: 'A' }),
    ev(1, 'part', { seqNo: 1, tbc: true, data: 'B' }),
    ev(5, 'cleared', { clear: true, identifiedBy: ['idToken'] }),
  ]);
  t.equal(view.data, 'ABC', 'the first received of seqNo 1 kept');
  t.equal(view.duplicates, 1);
  t.equal(view.complete, true);
  t.same(view.cleared, { at: '2026-01-01T00:00:05.000Z', identifiedBy: ['idToken'] });
});
