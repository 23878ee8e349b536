import t from 'tap';
import fc from 'fast-check';
import { checkPayload, compileVersionSchemas } from '../../core/schemas.js';
import {
  RESERVATION_STATUSES,
  fromReserveNow,
  isOpen,
  reservationHold,
  reservationMatches,
  toReserveNow16,
  toReserveNow2,
  transition,
  validateReservation,
  type Reservation,
  type ReservationEvent,
} from '../../core/reservations.js';

const schema = (version: 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1') => compileVersionSchemas(version).actions.get('ReserveNow')!.request;
const v16 = schema('ocpp1.6');
const v201 = schema('ocpp2.0.1');
const v21 = schema('ocpp2.1');

const base: Reservation = {
  tenantId: 't1',
  reservationId: 17,
  stationId: 'CS1',
  evseId: 2,
  idToken: { idToken: 'TAG-1', type: 'ISO14443' },
  groupIdToken: { idToken: 'GROUP', type: 'ISO14443' },
  expiresAt: '2026-03-01T10:00:00.000Z',
  status: 'created',
  createdAt: '2026-03-01T09:00:00.000Z',
  updatedAt: '2026-03-01T09:00:00.000Z',
};
const AT = '2026-03-01T09:30:00.000Z';

t.test('ReserveNow mapping: schema-valid per version, and read back', async (t) => {
  const w16 = toReserveNow16(base);
  t.same(w16, { connectorId: 2, expiryDate: base.expiresAt, idTag: 'TAG-1', parentIdTag: 'GROUP', reservationId: 17 });
  t.equal(checkPayload(v16, w16), undefined, '1.6 ReserveNow schema');
  t.same(toReserveNow16({ ...base, evseId: undefined, groupIdToken: undefined }), { connectorId: 0, expiryDate: base.expiresAt, idTag: 'TAG-1', reservationId: 17 }, 'any connector = 0');

  const typed = { ...base, evseId: undefined, connectorType: 'cCCS2', idToken: { idToken: 'TAG-1', type: 'Central' }, groupIdToken: { idToken: 'GROUP', type: 'Central' } };
  const w2 = toReserveNow2(typed);
  t.same(w2, { id: 17, expiryDateTime: base.expiresAt, idToken: { idToken: 'TAG-1', type: 'Central' }, connectorType: 'cCCS2', groupIdToken: { idToken: 'GROUP', type: 'Central' } });
  t.equal(checkPayload(v201, w2), undefined, '2.0.1 ReserveNow schema');
  t.equal(checkPayload(v21, w2), undefined, '2.1 ReserveNow schema');

  t.same(fromReserveNow(w16 as unknown as Record<string, unknown>, 'ISO14443'), { reservationId: 17, evseId: 2, idToken: base.idToken, groupIdToken: base.groupIdToken, expiresAt: base.expiresAt });
  t.same(fromReserveNow(w2 as unknown as Record<string, unknown>, 'Central'), { reservationId: 17, connectorType: 'cCCS2', idToken: typed.idToken, groupIdToken: typed.groupIdToken, expiresAt: base.expiresAt });
  t.equal(fromReserveNow({ connectorId: 1 }, 'Central'), undefined, 'not a ReserveNow');
});

t.test('validation names every problem, per version', async (t) => {
  const now = new Date('2026-03-01T09:00:00Z');
  t.same(validateReservation(base, '1.6', now), []);
  t.same(validateReservation({ ...base, evseId: undefined, connectorType: 'cType2' }, '2.x', now), []);
  t.same(
    validateReservation({ ...base, expiresAt: '2026-03-01T09:00:00Z', connectorType: 'cType2', idToken: { idToken: 'X'.repeat(21), type: 'ISO14443' } }, '1.6', now).map((p) => p.path),
    ['expiresAt', 'connectorType', 'idToken.idToken'],
  );
  t.same(validateReservation({ ...base, expiresAt: 'soon', evseId: 0 }, '2.x', now).map((p) => p.path), ['expiresAt', 'evseId'], '2.x EVSE ids start at 1');
  t.same(validateReservation({ ...base, evseId: 0 }, '1.6', now), [], '1.6 connector 0 = any');
});

t.test('life cycle: answers, cancel, expiry, station updates, use', async (t) => {
  t.match(transition(base, { kind: 'answered', status: 'Accepted' }, AT), { status: 'accepted', stationStatus: 'Accepted', updatedAt: AT });
  for (const refusal of ['Occupied', 'Faulted', 'Unavailable', 'Rejected']) {
    t.match(transition(base, { kind: 'answered', status: refusal }, AT), { status: 'rejected', stationStatus: refusal });
  }
  const accepted = transition(base, { kind: 'answered', status: 'Accepted' }, AT)!;
  t.equal(transition(accepted, { kind: 'answered', status: 'Occupied' }, AT), undefined, 'answered once');
  t.equal(transition(accepted, { kind: 'expired', now: '2026-03-01T09:59:59.999Z' }, AT), undefined, 'not yet');
  t.match(transition(accepted, { kind: 'expired', now: '2026-03-01T10:00:00Z' }, AT), { status: 'expired' });
  t.match(transition(accepted, { kind: 'station-update', status: 'Removed' }, AT), { status: 'removed', reason: 'station: Removed' });
  t.match(transition(base, { kind: 'station-update', status: 'Expired' }, AT), { status: 'expired' }, 'the station may overtake its own answer');
  t.match(transition(accepted, { kind: 'used', transactionId: '42' }, AT), { status: 'used', transactionId: '42' });
  t.match(transition(accepted, { kind: 'cancelled' }, AT), { status: 'cancelled' });
});

const events: fc.Arbitrary<ReservationEvent> = fc.oneof(
  fc.constantFrom('Accepted', 'Occupied', 'Faulted', 'Unavailable', 'Rejected').map((status) => ({ kind: 'answered' as const, status })),
  fc.constant({ kind: 'cancelled' as const }),
  fc.date({ min: new Date('2026-03-01T08:00:00Z'), max: new Date('2026-03-01T12:00:00Z'), noInvalidDate: true }).map((d) => ({ kind: 'expired' as const, now: d.toISOString() })),
  fc.constantFrom('Expired' as const, 'Removed' as const).map((status) => ({ kind: 'station-update' as const, status })),
  fc.string({ minLength: 1, maxLength: 8 }).map((transactionId) => ({ kind: 'used' as const, transactionId })),
);

t.test('property: a closed reservation never changes again, and every status reached is a known one', async (t) => {
  fc.assert(
    fc.property(fc.array(events, { maxLength: 12 }), (sequence) => {
      let r: Reservation = base;
      let closedAs: Reservation | undefined;
      for (const event of sequence) {
        const next = transition(r, event, AT);
        if (closedAs) {
          if (next !== undefined) return false;
          continue;
        }
        if (next) {
          if (!RESERVATION_STATUSES.includes(next.status)) return false;
          if (next.reservationId !== r.reservationId || next.stationId !== r.stationId) return false;
          r = next;
          if (!isOpen(r.status)) closedAs = r;
        }
      }
      return true;
    }),
  );
  t.pass('checked');
});

t.test('every reservation and display-message bus event is documented (nats-subjects.md, asyncapi.yaml)', async (t) => {
  const { readFile } = await import('node:fs/promises');
  const { eventSuffix } = await import('../../adapters/bus/nats-subjects.js');
  const { reservationEventType } = await import('../../core/reservations.js');
  const subjects = await readFile(new URL('../../docs/nats-subjects.md', import.meta.url), 'utf8');
  const asyncapi = await readFile(new URL('../../docs/asyncapi.yaml', import.meta.url), 'utf8');
  const types = [...RESERVATION_STATUSES.map(reservationEventType), 'display-message.set', 'display-message.cleared', 'display-message.reported'];
  for (const type of types) {
    t.ok(subjects.includes(`| \`${eventSuffix(type)}\` |`), `${type} in nats-subjects.md`);
    t.match(asyncapi, new RegExp(`enum: \\[[^\\]]*\\b${eventSuffix(type).replace(/[.-]/g, '\\$&')}\\b`), `${type} in the asyncapi enum`);
  }
});

t.test('replaced: an open reservation takes the new ReserveNow\'s fields and is created again; a closed one is not', async (t) => {
  const { transition } = await import('../../core/reservations.js');
  const base = {
    tenantId: 't', reservationId: 1, stationId: 's', status: 'accepted' as const, stationStatus: 'Accepted', evseId: 1,
    idToken: { idToken: 'A', type: 'ISO14443' }, groupIdToken: { idToken: 'G', type: 'Central' }, expiresAt: '2026-01-01T01:00:00.000Z',
    createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const next = transition(base, { kind: 'replaced', reservation: { idToken: { idToken: 'B', type: 'Central' }, expiresAt: '2026-01-01T02:00:00.000Z' } }, '2026-01-01T00:30:00.000Z');
  t.same(next, { tenantId: 't', reservationId: 1, stationId: 's', status: 'created', idToken: { idToken: 'B', type: 'Central' }, expiresAt: '2026-01-01T02:00:00.000Z', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:30:00.000Z' });
  t.equal(transition({ ...base, status: 'cancelled' }, { kind: 'replaced', reservation: { idToken: base.idToken, expiresAt: base.expiresAt } }, '2026-01-01T00:30:00.000Z'), undefined);
});

t.test('reservationHold: a reserved EVSE refuses other tokens, not its own token or group (H03)', async (t) => {
  const now = new Date(AT);
  const held = (over: Partial<Reservation>): Reservation => ({ ...base, status: 'accepted', ...over });
  const onTwo = held({});
  const other = { idToken: 'SOMEONE' };
  t.ok(reservationMatches(onTwo, { idToken: 'tag-1' }), 'its token, case-insensitive');
  t.ok(reservationMatches(onTwo, { idToken: 'MEMBER', groupId: 'group' }), 'a member of its group');
  t.ok(reservationMatches(onTwo, { idToken: 'GROUP' }), 'the group token itself');
  t.notOk(reservationMatches(onTwo, other));

  t.same(reservationHold([onTwo], other, 2, [1, 2], now), { blockedBy: onTwo }, 'another token on the reserved EVSE');
  t.same(reservationHold([onTwo], other, 1, [1, 2], now), {}, 'another EVSE is free');
  t.same(reservationHold([onTwo], { idToken: 'TAG-1' }, 2, [1, 2], now), { owned: onTwo }, 'its own token uses it');
  t.same(reservationHold([onTwo], { idToken: 'X', groupId: 'GROUP' }, 2, [1, 2], now), { owned: onTwo }, 'a group member uses it');
  t.same(reservationHold([onTwo], other, 2, [1, 2], now, 17), { owned: onTwo }, 'the message names it: the presenter\'s');
  t.same(reservationHold([{ ...onTwo, status: 'created' }], other, 2, [1, 2], now), {}, 'not answered yet: not held');
  t.same(reservationHold([{ ...onTwo, expiresAt: AT }], other, 2, [1, 2], now), {}, 'expired (not swept yet): not held');
  t.same(reservationHold([onTwo], other, 2, [], now), { blockedBy: onTwo }, 'a named EVSE is held even when no status was reported');

  // Authorize names no EVSE: refused only when every reported EVSE is held.
  t.same(reservationHold([onTwo], other, undefined, [1, 2], now), {}, 'EVSE 1 is free');
  t.same(reservationHold([onTwo], other, undefined, [2], now), { blockedBy: onTwo }, 'the only EVSE is held');
  t.same(reservationHold([onTwo], other, undefined, [], now), {}, 'no EVSE reported: the CSMS cannot tell');

  // A reservation for any EVSE (1.6 connector 0, 2.x none or a connector type) holds one of them.
  const any = held({ reservationId: 18, evseId: undefined });
  t.same(reservationHold([any], other, 1, [1], now), { blockedBy: any }, 'one EVSE, reserved for anyone else');
  t.same(reservationHold([any], other, 1, [1, 2], now), {}, 'two EVSEs: one stays free');
  t.same(reservationHold([any, onTwo], other, 1, [1, 2], now), { blockedBy: any }, 'EVSE 2 held by name, the any-EVSE one takes EVSE 1');
  t.same(reservationHold([any], { idToken: 'TAG-1' }, 1, [1], now), { owned: any }, 'its own token may start anywhere');
  t.same(reservationHold([held({ reservationId: 19, evseId: 0 })], other, 3, [3], now).blockedBy?.reservationId, 19, '1.6 connector 0 is any connector');
});

t.test('reservationHold property: the presenter\'s own reservations never refuse it; nothing open refuses nobody', async (t) => {
  const now = new Date(AT);
  const reservation = fc.record({
    reservationId: fc.integer({ min: 1, max: 50 }),
    evseId: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
    token: fc.constantFrom('A', 'B', 'C'),
    group: fc.option(fc.constantFrom('G1', 'G2'), { nil: undefined }),
    status: fc.constantFrom(...RESERVATION_STATUSES),
  }).map(({ reservationId, evseId, token, group, status }): Reservation => ({
    ...base,
    reservationId,
    evseId,
    idToken: { idToken: token, type: 'ISO14443' },
    groupIdToken: group ? { idToken: group, type: 'ISO14443' } : undefined,
    status,
  }));
  fc.assert(
    fc.property(fc.array(reservation, { maxLength: 6 }), fc.constantFrom('A', 'B', 'C', 'D'), fc.option(fc.constantFrom('G1', 'G2'), { nil: undefined }), fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }), (open, token, groupId, evseId, known) => {
      const hold = reservationHold(open, { idToken: token, groupId }, evseId, known, now);
      if (hold.blockedBy) {
        if (reservationMatches(hold.blockedBy, { idToken: token, groupId })) return false;
        if (hold.blockedBy.status !== 'accepted') return false;
      }
      if (hold.owned && !reservationMatches(hold.owned, { idToken: token, groupId })) return false;
      const mineOnly = open.map((r) => ({ ...r, idToken: { idToken: token, type: 'ISO14443' } }));
      return reservationHold(mineOnly, { idToken: token, groupId }, evseId, known, now).blockedBy === undefined &&
        reservationHold(open.filter((r) => r.status !== 'accepted'), { idToken: token }, evseId, known, now).blockedBy === undefined;
    }),
  );
});
