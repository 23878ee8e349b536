import t from 'tap';
import { LocationService, type LocationPusher, type PartnerRequest } from '../../ocpi/locations.js';
import type { RoamingService } from '../../ocpi/roaming-service.js';
import type { NewOcpiDelivery, OcpiDoc, OcpiStore } from '../../core/ports/store/ocpi-store.js';

// A station's connector statuses reach its OCPI EVSE in the order they came, even when the first
// one has to wait for the station index (its mark is read from the store) and the next does not.
// It once let the next one overtake: an older status was stored last and pushed as the current one.

function fakeStore(slowMarkReads: { next: number }) {
  const docs = new Map<string, OcpiDoc>();
  const key = (kind: string, tenantId: string, id: string) => `${kind}|${tenantId}|${id}`;
  const queued: NewOcpiDelivery[] = [];
  const store: Partial<OcpiStore> = {
    async getDoc<T>(kind: OcpiDoc['kind'], tenantId: string, id: string) {
      // The index's mark read: the first one is slow (a store under load), later ones are not.
      if (kind === 'meta' && slowMarkReads.next-- > 0) await new Promise((r) => setTimeout(r, 50));
      const doc = docs.get(key(kind, tenantId, id));
      return doc && (structuredClone(doc) as OcpiDoc<T>);
    },
    async putDoc(doc, deliveries = []) {
      const existed = docs.has(key(doc.kind, doc.tenantId, doc.id));
      docs.set(key(doc.kind, doc.tenantId, doc.id), structuredClone(doc));
      queued.push(...deliveries);
      return !existed;
    },
    async replaceDocIf(doc, expected, deliveries = []) {
      const stored = docs.get(key(doc.kind, doc.tenantId, doc.id));
      if (!stored || JSON.stringify(stored.body) !== JSON.stringify(expected.body)) return false;
      docs.set(key(doc.kind, doc.tenantId, doc.id), structuredClone({ ...doc, lookup: stored.lookup }));
      queued.push(...deliveries);
      return true;
    },
    async listDocs<T>(kind: OcpiDoc['kind'], tenantId: string) {
      const items = [...docs.values()].filter((d) => d.kind === kind && d.tenantId === tenantId) as Array<OcpiDoc<T>>;
      return { items, total: items.length };
    },
  };
  return { store: store as OcpiStore, docs, queued };
}

const pusher: LocationPusher = {
  async deliveriesFor(tenantId: string, requests: PartnerRequest[], module: string) {
    return requests.map((r) => ({ tenantId, partnerId: 'P1', module, createdAt: new Date().toISOString(), ...r }));
  },
  wake() {},
};

t.test('statuses of one station are applied in arrival order', async (t) => {
  const slow = { next: 0 };
  const { store, queued } = fakeStore(slow);
  const at = '2026-11-30T10:00:00.000Z';
  await store.putDoc({
    tenantId: 't1', kind: 'location', id: 'L1', scope: 'published', lookup: null, lastUpdated: at,
    body: {
      location: { country_code: 'NL', party_id: 'SWY', id: 'L1', publish: true, last_updated: at, evses: [{ uid: 'E1', status: 'AVAILABLE', last_updated: at, connectors: [] }] },
      mapping: { E1: { stationId: 'S1', evseId: 1 } },
    },
  });
  // Index mark looked at on every status (markCheckMs 0); the first look is the slow one.
  const locations = new LocationService(store, {} as RoamingService, pusher, { info() {}, warn() {} }, 30_000, 0);
  slow.next = 1;
  const applied = await Promise.all((['Occupied', 'Unavailable', 'Available'] as const).map((s) => locations.applyConnectorStatus('t1', 'S1', 1, s)));
  t.same(applied, [1, 1, 1], 'each was a change');
  t.same(queued.map((d) => (d.body as { status: string }).status), ['CHARGING', 'INOPERATIVE', 'AVAILABLE'], 'pushed in the order they came');
  const stored = (await store.getDoc<{ location: { evses: Array<{ status: string }> } }>('location', 't1', 'L1'))!;
  t.equal(stored.body.location.evses[0]!.status, 'AVAILABLE', 'the last status is the current one');
});
