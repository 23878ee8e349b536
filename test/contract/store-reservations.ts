import type { Test } from 'tap';
import type { DisplayMessage } from '../../core/display-messages.js';
import type { NewReservation } from '../../core/reservations.js';
import type { StoredDisplayMessage } from '../../core/ports/store/display-message-store.js';
import type { StoreContractOptions } from './store.js';

const reservation = (reservationId: number, extra: Partial<NewReservation> = {}): NewReservation => ({
  tenantId: 't1',
  reservationId,
  stationId: 'CS1',
  evseId: 1,
  idToken: { idToken: 'TAG-1', type: 'ISO14443' },
  groupIdToken: { idToken: 'GROUP-1', type: 'Central' },
  expiresAt: '2026-03-01T10:00:00.000Z',
  createdAt: '2026-03-01T09:00:00.000Z',
  ...extra,
});

/** The reservations slice (`store.reservations`), run by every adapter. */
export function reservationStoreContract(t: Test, name: string, options: StoreContractOptions): void {
  t.test(`${name}: reservation store contract`, async (t) => {
    const store = await options.open();
    t.teardown(() => store.close().catch(() => {}));
    const rs = store.reservations;

    // Ids: per tenant, increasing, never reused; an id given to create is never allocated later.
    const [a, b, other] = await Promise.all([rs.allocateId('t1'), rs.allocateId('t1'), rs.allocateId('t2')]);
    t.same([a, b].sort(), [1, 2], 'two allocations in one batch get distinct ids');
    t.equal(other, 1, 'another tenant counts on its own');
    t.equal(await rs.create(reservation(1)), true);
    t.equal(await rs.create(reservation(1, { stationId: 'CS2' })), false, 'an id taken in the tenant is refused');
    t.equal(await rs.create(reservation(1, { tenantId: 't2', stationId: 'CS9' })), true, 'the same id in another tenant is fine');
    t.equal(await rs.create(reservation(40)), true, 'a caller-chosen id');
    t.equal(await rs.allocateId('t1'), 41, 'allocation continues above ids given to create');

    const created = await rs.get('t1', 1);
    t.match(created, { reservationId: 1, stationId: 'CS1', status: 'created', evseId: 1, idToken: { idToken: 'TAG-1' }, groupIdToken: { idToken: 'GROUP-1' }, updatedAt: '2026-03-01T09:00:00.000Z' });
    t.equal(await rs.get('t2', 40), undefined, 'tenant-scoped');

    // Transitions: read, decide (core/reservations.ts), write; another station's reservation is not found.
    t.equal(await rs.apply('t1', 'CS2', 1, { kind: 'answered', status: 'Accepted' }, '2026-03-01T09:00:01.000Z'), undefined);
    t.match(await rs.apply('t1', 'CS1', 1, { kind: 'answered', status: 'Accepted' }, '2026-03-01T09:00:01.000Z'), { changed: true, reservation: { status: 'accepted', stationStatus: 'Accepted' } });
    t.match(await rs.apply('t1', 'CS1', 40, { kind: 'answered', status: 'Occupied' }, '2026-03-01T09:00:01.000Z'), { changed: true, reservation: { status: 'rejected', stationStatus: 'Occupied' } });
    t.match(await rs.apply('t1', 'CS1', 40, { kind: 'cancelled' }, '2026-03-01T09:00:02.000Z'), { changed: false, reservation: { status: 'rejected' } }, 'closed stays closed');
    t.equal(await rs.apply('t1', 'CS1', 99, { kind: 'cancelled' }, '2026-03-01T09:00:02.000Z'), undefined, 'unknown id');

    // Two writers racing for one reservation: exactly one changes it.
    await rs.create(reservation(50, { createdAt: '2026-03-01T09:00:00.000Z' }));
    const race = await Promise.all([
      rs.apply('t1', 'CS1', 50, { kind: 'used', transactionId: 'tx-9' }, '2026-03-01T09:30:00.000Z'),
      rs.apply('t1', 'CS1', 50, { kind: 'cancelled' }, '2026-03-01T09:30:00.000Z'),
    ]);
    t.same(race.map((r) => r?.changed), [true, false], 'the first applied wins; the second finds it closed');
    t.match(await rs.get('t1', 50), { status: 'used', transactionId: 'tx-9' });

    // A ReserveNow reusing the id of an open reservation of the same station replaces it (its expiry and token columns too).
    await rs.create(reservation(70, { tenantId: 't3', expiresAt: '2026-03-01T09:10:00.000Z' }));
    t.equal(await rs.apply('t3', 'CS2', 70, { kind: 'replaced', reservation: { idToken: { idToken: 'TAG-2', type: 'Central' }, expiresAt: '2026-03-01T12:00:00.000Z' } }, '2026-03-01T09:05:00.000Z'), undefined, 'another station: not its reservation');
    const replaced = await rs.apply('t3', 'CS1', 70, { kind: 'replaced', reservation: { evseId: 2, idToken: { idToken: 'TAG-2', type: 'Central' }, expiresAt: '2026-03-01T12:00:00.000Z' } }, '2026-03-01T09:05:00.000Z');
    t.match(replaced, { changed: true, reservation: { status: 'created', evseId: 2, idToken: { idToken: 'TAG-2' }, expiresAt: '2026-03-01T12:00:00.000Z', createdAt: '2026-03-01T09:00:00.000Z', updatedAt: '2026-03-01T09:05:00.000Z' } });
    t.equal(replaced!.reservation.groupIdToken, undefined, 'what the new request leaves out goes');
    t.same((await rs.list('t3', { limit: 10, idToken: 'TAG-2' })).items.map((r) => r.reservationId), [70], 'listed by its new token');

    // Expiry sweep: open reservations past their expiry, every tenant, at most `limit`.
    await rs.create(reservation(60, { expiresAt: '2026-03-01T09:59:00.000Z' }));
    await rs.create(reservation(61, { expiresAt: '2026-03-01T11:00:00+01:00' })); // = 10:00Z, normalised
    await rs.create(reservation(62, { expiresAt: '2026-03-01T12:00:00.000Z' }));
    t.same(await rs.expireDue('2026-03-01T09:00:00.000Z', 100), [], 'nothing due yet');
    const expired = await rs.expireDue('2026-03-01T10:00:00.000Z', 100);
    t.same(expired.map((r) => [r.tenantId, r.reservationId, r.status]).sort(), [['t1', 1, 'expired'], ['t1', 60, 'expired'], ['t1', 61, 'expired'], ['t2', 1, 'expired']]);
    t.same(await rs.expireDue('2026-03-01T10:00:00.000Z', 100), [], 'expired once');
    t.match(await rs.get('t1', 62), { status: 'created' });

    // Listing: newest first, filters, pages.
    const all = await rs.list('t1', { limit: 100 });
    t.same(all.items.map((r) => r.reservationId), [62, 61, 60, 50, 40, 1]);
    t.equal(all.nextCursor, undefined);
    const open = await rs.list('t1', { limit: 100, status: ['created', 'accepted'] });
    t.same(open.items.map((r) => r.reservationId), [62]);
    t.same((await rs.list('t1', { limit: 100, status: ['expired', 'used'], stationId: 'CS1' })).items.map((r) => r.reservationId), [61, 60, 50, 1]);
    t.same((await rs.list('t1', { limit: 100, idToken: 'NOPE' })).items, []);
    t.same((await rs.list('t1', { limit: 100, stationId: 'CS2' })).items, []);
    const page1 = await rs.list('t1', { limit: 4 });
    t.same(page1.items.map((r) => r.reservationId), [62, 61, 60, 50]);
    const page2 = await rs.list('t1', { limit: 4, cursor: page1.nextCursor! });
    t.same(page2.items.map((r) => r.reservationId), [40, 1]);
    t.equal(page2.nextCursor, undefined);
  });

  t.test(`${name}: display message store contract`, async (t) => {
    const store = await options.open();
    t.teardown(() => store.close().catch(() => {}));
    const dm = store.displayMessages;
    const message = (id: number, extra: Partial<DisplayMessage> = {}): DisplayMessage => ({ id, priority: 'NormalCycle', format: 'UTF8', content: `message ${id}`, ...extra });
    const record = (stationId: string, source: StoredDisplayMessage['source'], m: DisplayMessage, tenantId = 't1'): StoredDisplayMessage => ({
      tenantId,
      stationId,
      source,
      message: m,
      updatedAt: '2026-03-01T00:00:00.000Z',
    });
    t.same(await dm.list('t1', { stationId: 'CS1' }), []);
    await Promise.all([
      dm.put([record('CS1', 'csms', message(2)), record('CS1', 'csms', message(1, { transactionId: 'tx-1' }))]),
      dm.put([record('CS1', 'station', message(1, { transactionId: 'tx-1', content: 'as shown' })), record('CS2', 'csms', message(1, { transactionId: 'tx-1' }))]),
      dm.put([record('CS3', 'csms', message(1, { transactionId: 'tx-1' }), 't2')]),
      dm.put([]),
    ]);
    t.same(
      (await dm.list('t1', { stationId: 'CS1' })).map((r) => [r.message.id, r.source, r.message.content]),
      [[1, 'csms', 'message 1'], [1, 'station', 'as shown'], [2, 'csms', 'message 2']],
      'ordered by id then source; both sources kept apart',
    );
    t.same((await dm.list('t1', { transactionId: 'tx-1' })).map((r) => [r.stationId, r.source]), [['CS1', 'csms'], ['CS1', 'station'], ['CS2', 'csms']], 'per transaction, tenant-wide');
    t.same((await dm.list('t1', { stationId: 'CS1', source: 'station' })).length, 1);
    await dm.put([record('CS1', 'csms', message(2, { content: 'replaced', priority: 'AlwaysFront' }))]);
    t.match((await dm.list('t1', { stationId: 'CS1' })).find((r) => r.message.id === 2), { message: { content: 'replaced', priority: 'AlwaysFront' } }, 'same id and source replaces');
    await dm.put([record('CS1', 'csms', message(2, { content: 'intruder' }), 't2')]);
    t.match((await dm.list('t1', { stationId: 'CS1' })).find((r) => r.message.id === 2), { message: { content: 'replaced' } }, 'another tenant cannot overwrite');
    t.equal(await dm.remove('t2', 'CS1', 1, ['csms', 'station']), 0, 'another tenant removes nothing');
    t.equal(await dm.remove('t1', 'CS1', 1, ['csms', 'station']), 2);
    t.same((await dm.list('t1', { stationId: 'CS1' })).map((r) => r.message.id), [2]);
    t.equal(await dm.remove('t1', 'CS1', 2, ['station']), 0, 'one source at a time');
    await dm.put([record('CS1', 'station', message(7)), record('CS1', 'station', message(8)), record('CS2', 'station', message(7))]);
    t.equal(await dm.remove('t1', 'CS1', null, ['station']), 2, "every message of one station's source");
    t.same((await dm.list('t1', { stationId: 'CS1' })).map((r) => [r.message.id, r.source]), [[2, 'csms']]);
    t.equal((await dm.list('t1', { stationId: 'CS2' })).length, 2, 'other stations keep theirs');
  });
}
