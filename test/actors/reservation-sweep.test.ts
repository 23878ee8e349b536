import t from 'tap';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import type { BusEvent } from '../../core/envelope.js';
import { sweepReservations } from '../../actors/commands/reservation-sweep.js';

t.test('the sweep expires what is due, once, and publishes reservation.expired for each', async (t) => {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const mk = (tenantId: string, reservationId: number, expiresAt: string) =>
    store.reservations.create({ tenantId, reservationId, stationId: 'CS1', idToken: { idToken: 'A', type: 'Central' }, expiresAt, createdAt: '2026-03-01T08:00:00.000Z' });
  // More than one batch (500) is due: the sweep keeps going until the backlog is gone.
  for (let i = 1; i <= 520; i++) await mk('t1', i, '2026-03-01T09:00:00.000Z');
  await mk('t2', 1, '2026-03-01T09:30:00.000Z');
  await mk('t2', 2, '2026-03-01T11:00:00.000Z');
  await store.reservations.apply('t2', 'CS1', 1, { kind: 'answered', status: 'Accepted' }, '2026-03-01T08:00:01.000Z');
  const events: BusEvent[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const clock = () => new Date('2026-03-01T10:00:00.000Z');
  const log = { info: (fields: Record<string, unknown>) => lines.push(fields), error: () => t.fail('no errors') };
  t.equal(await sweepReservations({ reservations: store.reservations, publish: (e) => events.push(e), clock, log }), 521);
  t.equal(events.length, 521);
  t.ok(events.every((e) => e.type === 'reservation.expired'));
  t.match(events.find((e) => e.tenantId === 't2'), { type: 'reservation.expired', stationId: 'CS1', payload: { reservation: { reservationId: 1, status: 'expired', stationStatus: 'Accepted' } } });
  t.equal(lines.length, 521, 'one log line per expired reservation');
  t.equal(await sweepReservations({ reservations: store.reservations, publish: (e) => events.push(e), clock }), 0, 'nothing twice');
  t.match(await store.reservations.get('t2', 2), { status: 'created' }, 'not yet due');
});
