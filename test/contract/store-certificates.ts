import type { Test } from 'tap';
import { newCertificateRecord, type StationCertificate } from '../../core/certificate-inventory.js';
import type { Store } from '../../core/ports/store/store.js';
import type { StoreContractOptions } from './store.js';

/** Station certificates (`store.certificates`): per station by id, reported sets replaced per type, renewal candidates, the job lease. */
export function certificateStoreContract(t: Test, name: string, options: StoreContractOptions): void {
  async function fresh(tt: Test): Promise<Store> {
    const store = await options.open();
    tt.teardown(() => store.close().catch(() => {}));
    return store;
  }
  const at = '2026-11-30T08:00:00.000Z';
  const cert = (tenantId: string, stationId: string, serial: string, extra: Partial<StationCertificate> & { type?: string } = {}): StationCertificate => ({
    ...newCertificateRecord({
      tenantId,
      stationId,
      certificateType: extra.type ?? 'ChargingStationCertificate',
      hashData: { hashAlgorithm: 'SHA256', issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: serial },
      source: extra.source ?? 'signed',
      notAfter: extra.notAfter ?? '2027-01-01T00:00:00.000Z',
      subject: 'CN=' + stationId,
      at,
    }),
    ...(extra.renewal !== undefined ? { renewal: extra.renewal } : {}),
  });

  t.test(`${name}: certificate store contract`, async (t) => {
    t.test('put, get, list, remove; tenants and stations apart', async (t) => {
      const store = await fresh(t);
      const a = cert('acme', 'CP-1', '0A');
      await store.certificates.put(a);
      await store.certificates.put(cert('acme', 'CP-1', '0B', { type: 'CSMSRootCertificate', source: 'installed' }));
      await store.certificates.put(cert('globex', 'CP-1', '0A'));
      t.same(await store.certificates.get('acme', 'CP-1', a.id), a);
      t.same((await store.certificates.list('acme', 'CP-1')).map((c) => c.certificateType), ['CSMSRootCertificate', 'ChargingStationCertificate'], 'by type');
      t.equal((await store.certificates.list('acme', 'CP-2')).length, 0);
      await store.certificates.put({ ...a, notAfter: '2028-01-01T00:00:00.000Z' });
      t.equal((await store.certificates.get('acme', 'CP-1', a.id))!.notAfter, '2028-01-01T00:00:00.000Z', 'put replaces');
      t.equal(await store.certificates.remove('acme', 'CP-1', a.id), true);
      t.equal(await store.certificates.remove('acme', 'CP-1', a.id), false, 'already gone');
      t.ok(await store.certificates.get('globex', 'CP-1', a.id), "the other tenant's record stays");
    });

    t.test('replaceReported: the reported set of those types, keeping what was known', async (t) => {
      const store = await fresh(t);
      const installed = cert('acme', 'CP-1', '01', { type: 'CSMSRootCertificate', source: 'installed', notAfter: '2030-01-01T00:00:00.000Z' });
      const stale = cert('acme', 'CP-1', '02', { type: 'CSMSRootCertificate', source: 'installed' });
      const otherType = cert('acme', 'CP-1', '03', { type: 'ManufacturerRootCertificate', source: 'reported', notAfter: null });
      for (const c of [installed, stale, otherType]) await store.certificates.put(c);
      const reportedAgain = { ...installed, source: 'reported' as const, notAfter: null, updatedAt: '2026-11-30T09:00:00.000Z' };
      const fresh4 = cert('acme', 'CP-1', '04', { type: 'CSMSRootCertificate', source: 'reported', notAfter: null });
      await store.certificates.replaceReported('acme', 'CP-1', ['CSMSRootCertificate'], [reportedAgain, fresh4]);
      const list = await store.certificates.list('acme', 'CP-1');
      t.same(list.map((c) => c.hashData.serialNumber).sort(), ['01', '03', '04'], 'the unreported one of that type went; the other type stays');
      const kept = list.find((c) => c.hashData.serialNumber === '01')!;
      t.equal(kept.source, 'installed');
      t.equal(kept.notAfter, '2030-01-01T00:00:00.000Z', 'expiry kept');
      t.equal(kept.updatedAt, '2026-11-30T09:00:00.000Z');
    });

    t.test('renewal candidates across tenants, renewals per tenant, setRenewal', async (t) => {
      const store = await fresh(t);
      const soon = cert('acme', 'CP-1', '10', { notAfter: '2026-12-05T00:00:00.000Z' });
      const sooner = cert('globex', 'CP-9', '11', { notAfter: '2026-12-02T00:00:00.000Z' });
      const later = cert('acme', 'CP-2', '12', { notAfter: '2027-06-01T00:00:00.000Z' });
      const installed = cert('acme', 'CP-3', '13', { source: 'installed', notAfter: '2026-12-01T00:00:00.000Z' });
      const renewed = cert('acme', 'CP-4', '14', { notAfter: '2026-12-01T00:00:00.000Z', renewal: { status: 'renewed', at: '2026-11-01T00:00:00.000Z', attempts: 1 } });
      const askedRecently = cert('acme', 'CP-5', '15', { notAfter: '2026-12-01T00:00:00.000Z', renewal: { status: 'triggered', at: '2026-11-30T07:30:00.000Z', attempts: 1 } });
      const askedLongAgo = cert('acme', 'CP-6', '16', { notAfter: '2026-12-03T00:00:00.000Z', renewal: { status: 'failed', at: '2026-11-28T00:00:00.000Z', attempts: 1, error: 'disconnected' } });
      for (const c of [soon, sooner, later, installed, renewed, askedRecently, askedLongAgo]) await store.certificates.put(c);
      const query = { expiringBefore: '2026-12-30T00:00:00.000Z', askedBefore: '2026-11-30T07:00:00.000Z', limit: 10 };
      t.same((await store.certificates.listRenewalCandidates(query)).map((c) => c.stationId), ['CP-9', 'CP-6', 'CP-1'], 'signed, due, not renewed, not asked recently; soonest first');
      t.same((await store.certificates.listRenewalCandidates({ ...query, limit: 1 })).map((c) => c.stationId), ['CP-9'], 'limit');
      t.equal(await store.certificates.setRenewal('acme', 'CP-1', soon.id, { status: 'triggered', at: '2026-11-30T08:00:00.000Z', attempts: 1 }, '2026-11-30T08:00:00.000Z'), true);
      t.equal(await store.certificates.setRenewal('acme', 'CP-1', 'missing', { status: 'triggered', at, attempts: 1 }, at), false);
      t.same((await store.certificates.listRenewalCandidates(query)).map((c) => c.stationId), ['CP-9', 'CP-6'], 'just asked: not a candidate');
      t.match(await store.certificates.get('acme', 'CP-1', soon.id), { renewal: { status: 'triggered', attempts: 1 }, updatedAt: '2026-11-30T08:00:00.000Z' });
      t.same((await store.certificates.listRenewals('acme', 10)).map((c) => c.stationId), ['CP-1', 'CP-5', 'CP-6', 'CP-4'], 'newest renewal first, this tenant only');
    });

    t.test('job lease: one holder until it runs out or is handed back', async (t) => {
      const store = await fresh(t);
      t.equal(await store.certificates.takeLease('certificate-renewal', 'node-a', '2026-11-30T08:00:00.000Z', '2026-11-30T08:01:00.000Z'), true);
      t.equal(await store.certificates.takeLease('certificate-renewal', 'node-b', '2026-11-30T08:00:30.000Z', '2026-11-30T08:01:30.000Z'), false, 'held by a');
      t.equal(await store.certificates.takeLease('certificate-renewal', 'node-a', '2026-11-30T08:00:40.000Z', '2026-11-30T08:01:40.000Z'), true, 'a renews');
      t.equal(await store.certificates.takeLease('other-job', 'node-b', '2026-11-30T08:00:40.000Z', '2026-11-30T08:01:40.000Z'), true, 'jobs apart');
      t.equal(await store.certificates.takeLease('certificate-renewal', 'node-b', '2026-11-30T08:01:40.000Z', '2026-11-30T08:02:40.000Z'), true, 'expired: b takes over');
      await store.certificates.releaseLease('certificate-renewal', 'node-a');
      t.equal(await store.certificates.takeLease('certificate-renewal', 'node-a', '2026-11-30T08:01:50.000Z', '2026-11-30T08:02:50.000Z'), false, "a's release did not free b's lease");
      await store.certificates.releaseLease('certificate-renewal', 'node-b');
      t.equal(await store.certificates.takeLease('certificate-renewal', 'node-a', '2026-11-30T08:01:50.000Z', '2026-11-30T08:02:50.000Z'), true, 'handed back: free');
    });
  });
}
