import type { Test } from 'tap';
import type { ChargingProfile } from '../../core/charging-profile.js';
import type { StoredChargingProfile } from '../../core/ports/store/charging-profile-store.js';
import type { StoreContractOptions } from './store.js';

const profile = (id: number, purpose: ChargingProfile['purpose'], stackLevel: number, limit = 16): ChargingProfile => ({
  id,
  stackLevel,
  purpose,
  kind: 'Absolute',
  ...(purpose === 'Tx' ? { transactionId: 'tx-1' } : {}),
  schedules: [{ id: 0, startSchedule: '2026-01-01T00:00:00.000Z', unit: 'A', periods: [{ startPeriod: 0, limit }] }],
});

const record = (evseId: number, source: StoredChargingProfile['source'], p: ChargingProfile, extra: Partial<StoredChargingProfile> = {}): StoredChargingProfile => ({
  tenantId: 't1',
  stationId: 'CS1',
  evseId,
  source,
  profile: p,
  updatedAt: '2026-03-01T00:00:00.000Z',
  ...extra,
});

/** The charging-profiles slice (`store.chargingProfiles`), run by every adapter. */
export function chargingProfileStoreContract(t: Test, name: string, options: StoreContractOptions): void {
  t.test(`${name}: charging profile store contract`, async (t) => {
    const store = await options.open();
    t.teardown(() => store.close().catch(() => {}));
    const cp = store.chargingProfiles;
    t.same(await cp.list('t1', 'CS1'), []);
    await Promise.all([
      cp.put(record(1, 'csms', profile(10, 'TxDefault', 1))),
      cp.put(record(0, 'csms', profile(5, 'StationMax', 0, 63))),
      cp.put(record(2, 'csms', profile(11, 'TxDefault', 1))),
      cp.put(record(1, 'station', profile(10, 'TxDefault', 1, 12))),
      cp.put(record(1, 'csms', profile(12, 'Tx', 2))),
      cp.put(record(1, 'csms', profile(99, 'TxDefault', 0), { tenantId: 't2', stationId: 'CS9' })),
    ]);
    const all = await cp.list('t1', 'CS1');
    t.same(
      all.map((r) => [r.evseId, r.source, r.profile.id]),
      [[0, 'csms', 5], [1, 'csms', 10], [1, 'station', 10], [1, 'csms', 12], [2, 'csms', 11]],
      'ordered by evse, purpose, stack level, id; both sources kept apart',
    );
    t.same(all.find((r) => r.source === 'station')?.profile.schedules[0]?.periods[0]?.limit, 12, 'the body round-trips');
    t.same(await cp.list('t2', 'CS1'), [], 'tenant-scoped');

    // The same id from the same source replaces.
    await cp.put(record(3, 'csms', profile(10, 'TxDefault', 4, 20), { updatedAt: '2026-03-02T00:00:00.000Z' }));
    const replaced = (await cp.list('t1', 'CS1')).filter((r) => r.source === 'csms' && r.profile.id === 10);
    t.same(replaced.map((r) => [r.evseId, r.profile.stackLevel, r.updatedAt]), [[3, 4, '2026-03-02T00:00:00.000Z']]);
    await cp.put(record(3, 'csms', profile(10, 'TxDefault', 4), { tenantId: 't2' }));
    t.equal((await cp.list('t1', 'CS1')).find((r) => r.source === 'csms' && r.profile.id === 10)?.evseId, 3, 'another tenant cannot overwrite');

    // ClearChargingProfile semantics: every given field must match; one source at a time.
    t.equal(await cp.clear('t1', 'CS1', 'csms', { purpose: 'TxDefault', stackLevel: 4 }), 1);
    t.equal(await cp.clear('t1', 'CS1', 'csms', { evseId: 1 }), 1, 'the Tx profile on evse 1');
    t.equal(await cp.clear('t1', 'CS1', 'csms', { id: 5, evseId: 2 }), 0, 'id and evse must both match');
    t.same((await cp.list('t1', 'CS1')).map((r) => [r.source, r.profile.id]), [['csms', 5], ['station', 10], ['csms', 11]]);
    t.equal(await cp.clear('t2', 'CS1', 'csms', {}), 0, 'another tenant clears nothing');
    t.equal(await cp.clear('t1', 'CS1', 'csms', {}), 2);
    t.same((await cp.list('t1', 'CS1')).map((r) => r.source), ['station'], 'what the station reported stays');
  });
}
