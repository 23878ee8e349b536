import t, { type Test } from 'tap';
import { eventually, startServer, type TestServer } from '../helpers/server.js';
import { type StrictClient, type Version, bootedStation } from '../helpers/ocpp-clients.js';

// Issue #13, block H / 1.6 Reservation profile, with strict ocpp-rpc stations (they check every
// request against the official schemas): reservations are created with ids the CSMS allocates,
// kept with the station's answer, cancelled, used by a transaction, expired by the sweep or by the
// station (2.x ReservationStatusUpdate), and refused before sending when the input is wrong.

const PASSWORD = 'reservations-pw-01';
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

async function station(t: Test, server: TestServer, id: string, version: Version): Promise<{ client: StrictClient; reserved: Array<Record<string, any>>; cancelled: Array<Record<string, any>>; answer: { reserve: string; cancel: string } }> {
  const client = await bootedStation(t, server, id, PASSWORD, version);
  const answer = { reserve: 'Accepted', cancel: 'Accepted' };
  const reserved: Array<Record<string, any>> = [];
  const cancelled: Array<Record<string, any>> = [];
  client.handle('ReserveNow', async ({ params }) => {
    reserved.push(params as Record<string, any>);
    return { status: answer.reserve };
  });
  client.handle('CancelReservation', async ({ params }) => {
    cancelled.push(params as Record<string, any>);
    return { status: answer.cancel };
  });
  // Two EVSEs (1.6: connectors) the CSMS then knows of.
  for (const n of [1, 2]) {
    if (version === 'ocpp1.6') await client.call('StatusNotification', { connectorId: n, errorCode: 'NoError', status: 'Available' });
    else await client.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: n, connectorId: 1 });
  }
  await eventually(async () => (await server.apiJson('GET', `/stations/${id}`)).body.connectors?.length === 2, 10_000, 'both connector statuses stored');
  return { client, reserved, cancelled, answer };
}

t.test('reservations end to end', async (t) => {
  const server = await startServer(t, { env: { CSMS_RESERVATION_SWEEP_SEC: '1' } });
  t.equal((await server.apiJson('POST', '/tokens', { idToken: 'RES-TOKEN' })).status, 201);
  const allIds: number[] = [];

  for (const version of ['ocpp1.6', 'ocpp2.0.1'] as Version[]) {
    t.test(`${version}: create, refuse, reject, use, cancel, expire`, async (t) => {
      const id = `RS-${version}`;
      const { client, reserved, cancelled, answer } = await station(t, server, id, version);

      // Created with an id the CSMS allocated, mapped per version, kept as accepted.
      const created = await server.apiJson('POST', `/stations/${id}/reservations`, {
        evseId: 1,
        idToken: { idToken: 'RES-TOKEN' },
        groupIdToken: { idToken: 'RES-GROUP' },
        expiresAt: inAnHour(),
      });
      t.equal(created.status, 200, 'created');
      const first = created.body.reservationId as number;
      allIds.push(first);
      t.match(created.body, { status: 'Accepted', protocol: version, reservation: { reservationId: first, stationId: id, status: 'accepted', stationStatus: 'Accepted', evseId: 1 } });
      if (version === 'ocpp1.6') {
        t.same(Object.keys(reserved[0]!).sort(), ['connectorId', 'expiryDate', 'idTag', 'parentIdTag', 'reservationId']);
        t.match(reserved[0], { connectorId: 1, idTag: 'RES-TOKEN', parentIdTag: 'RES-GROUP', reservationId: first });
        t.match(created.body.reservation, { idToken: { idToken: 'RES-TOKEN', type: 'ISO14443' } });
      } else {
        t.match(reserved[0], { id: first, evseId: 1, idToken: { idToken: 'RES-TOKEN', type: 'Central' }, groupIdToken: { idToken: 'RES-GROUP', type: 'Central' } });
      }

      // Refused before anything is sent, every problem named.
      const past = await server.apiJson('POST', `/stations/${id}/reservations`, { evseId: 1, idToken: { idToken: 'RES-TOKEN' }, expiresAt: '2020-01-01T00:00:00Z' });
      t.equal(past.status, 400);
      t.equal(past.body.code, 'VALIDATION_FAILED');
      t.match(past.body.details.problems, [{ path: 'expiresAt', message: /not in the future/ }]);
      const noSuchEvse = await server.apiJson('POST', `/stations/${id}/reservations`, { evseId: 9, idToken: { idToken: 'RES-TOKEN' }, expiresAt: inAnHour() });
      t.equal(noSuchEvse.status, 400);
      t.match(noSuchEvse.body.details.problems, [{ path: 'evseId', message: /reported no .* 9 \(known: 1, 2\)/ }]);
      if (version === 'ocpp1.6') {
        const typed = await server.apiJson('POST', `/stations/${id}/reservations`, { connectorType: 'cType2', idToken: { idToken: 'RES-TOKEN' }, expiresAt: inAnHour() });
        t.equal(typed.status, 400);
        t.match(typed.body.details.problems, [{ path: 'connectorType' }]);
      }
      t.equal(reserved.length, 1, 'nothing sent for refused input');

      // The station's refusal is recorded and returned.
      answer.reserve = 'Occupied';
      const occupied = await server.apiJson('POST', `/stations/${id}/reservations`, { evseId: 2, idToken: { idToken: 'RES-TOKEN' }, expiresAt: inAnHour() });
      t.match(occupied.body, { status: 'Occupied', reservation: { status: 'rejected', stationStatus: 'Occupied' } });
      allIds.push(occupied.body.reservationId);
      answer.reserve = 'Accepted';

      // 1.6 shows the reservation as the connector's status.
      if (version === 'ocpp1.6') {
        await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Reserved' });
        await eventually(async () => (await server.apiJson('GET', `/stations/${id}`)).body.connectors.find((c: any) => c.evseId === 1)?.detailedStatus === 'Reserved', 10_000, 'connector 1 Reserved');
      }

      // Used: a transaction started with the reservation id closes it.
      if (version === 'ocpp1.6') {
        const started = (await client.call('StartTransaction', { connectorId: 1, idTag: 'RES-TOKEN', meterStart: 0, timestamp: new Date().toISOString(), reservationId: first })) as { transactionId: number };
        t.match(await server.apiJson('GET', `/reservations/${first}`), { status: 200, body: { status: 'used', transactionId: String(started.transactionId) } });
      } else {
        await client.call('TransactionEvent', {
          eventType: 'Started', timestamp: new Date().toISOString(), triggerReason: 'Authorized', seqNo: 0,
          transactionInfo: { transactionId: 'TX-RES-1' }, idToken: { idToken: 'RES-TOKEN', type: 'Central' }, evse: { id: 1, connectorId: 1 }, reservationId: first,
        });
        t.match(await server.apiJson('GET', `/reservations/${first}`), { status: 200, body: { status: 'used', transactionId: 'TX-RES-1' } });
      }

      // Cancelled: CancelReservation accepted; a closed one is 409, an unknown one 404.
      const toCancel = (await server.apiJson('POST', `/stations/${id}/reservations`, { idToken: { idToken: 'RES-TOKEN' }, expiresAt: inAnHour() })).body;
      allIds.push(toCancel.reservationId);
      t.equal(reserved[reserved.length - 1]![version === 'ocpp1.6' ? 'connectorId' : 'evseId'], version === 'ocpp1.6' ? 0 : undefined, 'any EVSE');
      answer.cancel = 'Rejected';
      t.match((await server.apiJson('DELETE', `/stations/${id}/reservations/${toCancel.reservationId}`)).body, { status: 'Rejected', reservation: { status: 'accepted' } }, 'Rejected changes nothing');
      answer.cancel = 'Accepted';
      const cancel = await server.apiJson('DELETE', `/stations/${id}/reservations/${toCancel.reservationId}`);
      t.match(cancel.body, { status: 'Accepted', protocol: version, reservation: { status: 'cancelled' } });
      t.same(cancelled[cancelled.length - 1], { reservationId: toCancel.reservationId });
      t.match(await server.apiJson('DELETE', `/stations/${id}/reservations/${toCancel.reservationId}`), { status: 409, body: { code: 'RESERVATION_CLOSED' } });
      t.match(await server.apiJson('DELETE', `/stations/${id}/reservations/999999`), { status: 404, body: { code: 'RESERVATION_NOT_FOUND' } });
      t.equal(cancelled.length, 2, 'nothing sent for closed or unknown reservations');

      // Expired: the sweep closes it once its expiry has passed.
      const soon = (await server.apiJson('POST', `/stations/${id}/reservations`, { evseId: 2, idToken: { idToken: 'RES-TOKEN' }, expiresAt: new Date(Date.now() + 4000).toISOString() })).body; // room for a loaded machine: the POST waits for ReserveNow's answer
      t.equal(soon.reservation.status, 'accepted');
      allIds.push(soon.reservationId);
      const expired = await eventually(async () => {
        const r = (await server.apiJson('GET', `/reservations/${soon.reservationId}`)).body;
        return r.status === 'expired' && r;
      }, 15_000, 'the sweep expired it');
      t.equal(expired.reason, 'expiry passed');

      // 2.x: the station ends one itself.
      if (version !== 'ocpp1.6') {
        const removed = (await server.apiJson('POST', `/stations/${id}/reservations`, { connectorType: 'cType2', idToken: { idToken: 'RES-TOKEN' }, expiresAt: inAnHour() })).body;
        allIds.push(removed.reservationId);
        t.match(reserved[reserved.length - 1], { id: removed.reservationId, connectorType: 'cType2' });
        t.same(await client.call('ReservationStatusUpdate', { reservationId: removed.reservationId, reservationUpdateStatus: 'Removed' }), {});
        t.match((await server.apiJson('GET', `/reservations/${removed.reservationId}`)).body, { status: 'removed', reason: 'station: Removed' });
        t.same(await client.call('ReservationStatusUpdate', { reservationId: 424242, reservationUpdateStatus: 'Expired' }), {}, 'an unknown id is accepted');
      }

      // Lists with filters.
      const mine = await server.apiJson('GET', `/stations/${id}/reservations?status=used,cancelled`);
      t.same(mine.body.items.map((r: any) => r.status).sort(), ['cancelled', 'used']);
      const page = await server.apiJson('GET', `/reservations?stationId=${id}&limit=2`);
      t.equal(page.body.items.length, 2);
      t.ok(page.body.nextCursor, 'more pages');
      t.ok(page.body.items[0].reservationId > page.body.items[1].reservationId, 'newest first');
    });
  }

  t.test('ids are unique across the tenant; generic ReserveNow is recorded too, a taken id refused', async (t) => {
    t.equal(new Set(allIds).size, allIds.length, `${allIds.length} distinct ids`);
    const id = 'RS-generic';
    const { reserved } = await station(t, server, id, 'ocpp2.0.1');
    const taken = await server.apiJson('POST', `/stations/${id}/ocpp/ReserveNow`, { id: allIds[0], expiryDateTime: inAnHour(), idToken: { idToken: 'X', type: 'Central' } });
    t.equal(taken.status, 400);
    t.equal(taken.body.code, 'VALIDATION_FAILED');
    t.equal(reserved.length, 0, 'nothing sent');
    const raw = await server.apiJson('POST', `/stations/${id}/ocpp/ReserveNow`, { id: 5000, expiryDateTime: inAnHour(), idToken: { idToken: 'X', type: 'Central' }, evseId: 2 });
    t.equal(raw.status, 200);
    t.match((await server.apiJson('GET', '/reservations/5000')).body, { stationId: id, status: 'accepted', evseId: 2 });
    // The same id again on the same station: the new ReserveNow replaces the open reservation (as the station does).
    const later = new Date(Date.now() + 7200_000).toISOString();
    const again = await server.apiJson('POST', `/stations/${id}/ocpp/ReserveNow`, { id: 5000, expiryDateTime: later, idToken: { idToken: 'Y', type: 'Central' }, evseId: 1 });
    t.equal(again.status, 200, 'a ReserveNow reusing its id is sent');
    t.match(again.body.facts, { reservationId: 5000, replaced: true });
    t.equal(reserved.length, 2);
    t.match((await server.apiJson('GET', '/reservations/5000')).body, { stationId: id, status: 'accepted', evseId: 1, idToken: { idToken: 'Y' }, expiresAt: later }, 'updated, not refused');
    t.same((await server.apiJson('GET', '/reservations?idToken=Y')).body.items.map((r: any) => r.reservationId), [5000], 'found by its new token');
    t.match((await server.apiJson('DELETE', `/stations/${id}/reservations/5000`)).body, { reservation: { status: 'cancelled' } });
    const closedId = await server.apiJson('POST', `/stations/${id}/ocpp/ReserveNow`, { id: 5000, expiryDateTime: later, idToken: { idToken: 'Z', type: 'Central' } });
    t.equal(closedId.status, 400, 'the id of a closed reservation stays taken');
    t.equal(reserved.length, 2, 'nothing sent');
    const next = await server.apiJson('POST', `/stations/${id}/reservations`, { idToken: { idToken: 'X' }, expiresAt: inAnHour() });
    t.ok(next.body.reservationId > 5000, 'allocation continues above ids callers chose');
    t.equal((await server.apiJson('GET', '/reservations/0')).status, 400);
    t.equal((await server.apiJson('GET', '/stations/NOPE/reservations')).status, 404);
    t.equal((await server.apiJson('GET', '/reservations?status=bogus')).status, 400);
  });
});
