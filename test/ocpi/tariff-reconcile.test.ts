import t from 'tap';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import type { NewOcpiDelivery } from '../../core/ports/store/ocpi-store.js';
import type { TariffRecord } from '../../core/tariff-assignment.js';
import type { OcpiDeliveryLoop } from '../../ocpi/delivery.js';
import type { LocationService } from '../../ocpi/locations.js';
import type { RoamingService } from '../../ocpi/roaming-service.js';
import { TariffSender } from '../../ocpi/tariffs.js';

// Tariff pushes and connectors' tariff_ids follow the tariff write in a second step; a node dying
// in between leaves partners behind. Each push is stored with a marker (the tariff version it
// carries) in the same write, and TariffSender.reconcile catches up where the marker is behind.
// A real SQLite store holds the tariffs, markers and queued deliveries.

const silent = { info() {}, warn() {}, error() {} };

async function fixture(t: Parameters<Parameters<typeof t.test>[1]>[0]) {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const roaming = { listParties: async () => [{ tenantId: 't1', countryCode: 'NL', partyId: 'SWY', name: 'NL', createdAt: '' }] } as unknown as RoamingService;
  const delivery = {
    async deliveriesFor(tenantId: string, requests: Array<Omit<NewOcpiDelivery, 'tenantId' | 'partnerId' | 'module' | 'createdAt'>>, module: string) {
      return requests.map((r) => ({ tenantId, partnerId: 'P1', module, createdAt: new Date().toISOString(), ...r }));
    },
    wake() {},
  } as unknown as OcpiDeliveryLoop;
  const refreshes: string[] = [];
  const locations = { refreshTariffIds: async (tenantId: string) => (refreshes.push(tenantId), 1) } as unknown as LocationService;
  const sender = new TariffSender(store.tariffs, store.ocpi, roaming, delivery, locations, silent);
  const pushed = () => drain(store);
  return { store, sender, refreshes, pushed };
}

/** Every queued delivery, in order (completed as read). */
async function drain(store: SqliteStore): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const [head] = await store.ocpi.deliveryHeads(1);
    if (!head) return out;
    out.push(`${head.method} ${head.path}`);
    await store.ocpi.completeDelivery(head.seq);
  }
}

const tariff = (id: string, updatedAt: string): TariffRecord => ({ tenantId: 't1', id, currency: 'EUR', taxPercent: '21', prices: { energy: '0.30' }, createdAt: updatedAt, updatedAt });
const T0 = '2026-11-30T10:00:00.000Z';
const T1 = '2026-11-30T10:05:00.000Z';
/** Past the grace of everything written here (markers and missing-since notes carry the real clock). */
const AFTER = '2999-01-01T00:00:00.000Z';

t.test('a change pushed by the live path is not pushed again; one it missed is, once', async (t) => {
  const { store, sender, refreshes, pushed } = await fixture(t);
  await store.tariffs.putTariff(tariff('A', T0));
  await sender.changed('t1', 'A');
  t.same(await pushed(), ['PUT /NL/SWY/A'], 'the live push');
  t.same(refreshes, ['t1']);
  t.same(await sender.reconcile('t1', AFTER), { tariffs: 0, locations: 0 }, 'markers and fingerprint up to date: nothing');
  t.same(await pushed(), []);
  t.same(refreshes, ['t1'], 'tariff_ids not derived again');

  // A node dies after these writes, before their pushes.
  await store.tariffs.putTariff(tariff('A', T1));
  await store.tariffs.putTariff(tariff('B', T1));
  t.same(await sender.reconcile('t1', T1), { tariffs: 0, locations: 1 }, 'written inside the grace: left to the live path; the tariff list changed, so tariff_ids are derived again');
  t.same(await pushed(), []);
  t.same(await sender.reconcile('t1', AFTER), { tariffs: 2, locations: 0 }, 'after it: both pushed');
  t.same((await pushed()).sort(), ['PUT /NL/SWY/A', 'PUT /NL/SWY/B']);
  t.same(await sender.reconcile('t1', AFTER), { tariffs: 0, locations: 0 }, 'once');
});

t.test('a deletion whose push was lost becomes a DELETE; an assignment change derives tariff_ids again', async (t) => {
  const { store, sender, refreshes, pushed } = await fixture(t);
  await store.tariffs.putTariff(tariff('A', T0));
  await sender.changed('t1', 'A');
  await pushed();
  await store.tariffs.deleteTariff('t1', 'A');
  t.match(await sender.reconcile('t1', new Date().toISOString()), { tariffs: 0 }, 'a sweep notes it gone');
  t.same(await pushed(), [], 'the live DELETE may still be on its way');
  t.match(await sender.reconcile('t1', AFTER), { tariffs: 1 }, 'gone for longer than the grace');
  t.same(await pushed(), ['DELETE /NL/SWY/A']);
  t.match(await sender.reconcile('t1', AFTER), { tariffs: 0 }, 'the marker now says deleted');
  t.same(await pushed(), []);

  const before = refreshes.length;
  await store.tariffs.putTariff(tariff('B', T0));
  await sender.changed('t1', 'B');
  await pushed();
  await store.tariffs.putAssignment({ tenantId: 't1', target: { kind: 'default' }, tariffId: 'B', updatedAt: T1 });
  t.same(await sender.reconcile('t1', AFTER), { tariffs: 0, locations: 1 }, 'the assignment was written without its derivation');
  t.equal(refreshes.length, before + 2, 'derived by changed() and once by reconcile');
  t.same(await sender.reconcile('t1', AFTER), { tariffs: 0, locations: 0 }, 'then up to date');
});
