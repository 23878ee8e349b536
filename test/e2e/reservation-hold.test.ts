import t, { type Test } from 'tap';
import { eventually, startServer, type TestServer } from '../helpers/server.js';
import { type StrictClient, type Version, bootedStation } from '../helpers/ocpp-clients.js';

// Issue #13, block H (H03 / 1.6 §3.13), with strict ocpp-rpc stations of each version: an EVSE the
// station holds for a reservation refuses other tokens (2.x idTokenInfo NotAtThisTime, 1.6 idTagInfo
// Invalid), not the reservation's token or a member of its group; a remote start for another token is
// 409 EVSE_RESERVED before anything is sent; the reserved token's start closes the reservation.

const PASSWORD = 'reservation-hold-pw1';
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
const now = () => new Date().toISOString();

async function station(t: Test, server: TestServer, id: string, version: Version): Promise<{ client: StrictClient; starts: Array<Record<string, any>> }> {
  const client = await bootedStation(t, server, id, PASSWORD, version);
  const starts: Array<Record<string, any>> = [];
  client.handle('ReserveNow', async () => ({ status: 'Accepted' }));
  client.handle(version === 'ocpp1.6' ? 'RemoteStartTransaction' : 'RequestStartTransaction', async ({ params }) => {
    starts.push(params as Record<string, any>);
    return { status: 'Accepted' };
  });
  for (const n of [1, 2]) {
    if (version === 'ocpp1.6') await client.call('StatusNotification', { connectorId: n, errorCode: 'NoError', status: 'Available' });
    else await client.call('StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: n, connectorId: 1 });
  }
  await eventually(async () => (await server.apiJson('GET', `/stations/${id}`)).body.connectors?.length === 2, 10_000, 'both EVSEs known');
  return { client, starts };
}

/** The status a station gets for `idToken` starting on `evseId` (1.6 StartTransaction, 2.x TransactionEvent Started). */
async function start(client: StrictClient, version: Version, idToken: string, evseId: number, txId: string): Promise<string> {
  if (version === 'ocpp1.6') {
    const res = (await client.call('StartTransaction', { connectorId: evseId, idTag: idToken, meterStart: 0, timestamp: now() })) as { idTagInfo: { status: string } };
    return res.idTagInfo.status;
  }
  const res = (await client.call('TransactionEvent', {
    eventType: 'Started', timestamp: now(), triggerReason: 'Authorized', seqNo: 0,
    transactionInfo: { transactionId: txId }, idToken: { idToken, type: 'Central' }, evse: { id: evseId, connectorId: 1 },
  })) as { idTokenInfo: { status: string } };
  return res.idTokenInfo.status;
}

async function authorize(client: StrictClient, version: Version, idToken: string): Promise<string> {
  if (version === 'ocpp1.6') return ((await client.call('Authorize', { idTag: idToken })) as { idTagInfo: { status: string } }).idTagInfo.status;
  return ((await client.call('Authorize', { idToken: { idToken, type: 'Central' } })) as { idTokenInfo: { status: string } }).idTokenInfo.status;
}

t.test('a reserved EVSE refuses other tokens', async (t) => {
  const server = await startServer(t);
  for (const version of ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'] as Version[]) {
    t.test(version, async (t) => {
      const id = `RH-${version}`;
      // Tokens of this station only (a token charging on another station would be ConcurrentTx).
      const v = version.replace(/\D/g, '');
      const [OWNER, OTHER, MEMBER, OWNER2, FLEET] = ['OWNER', 'OTHER', 'MEMBER', 'OWNER-2', 'FLEET'].map((n) => `${n}-${v}`) as [string, string, string, string, string];
      for (const body of [{ idToken: OWNER }, { idToken: OTHER }, { idToken: MEMBER, groupId: FLEET }, { idToken: OWNER2 }]) {
        t.equal((await server.apiJson('POST', '/tokens', { ...body, type: 'Central' })).status, 201);
      }
      const refused = version === 'ocpp1.6' ? 'Invalid' : 'NotAtThisTime';
      const { client, starts } = await station(t, server, id, version);
      const reserve = async (evseId: number, idToken: string) => {
        const res = await server.apiJson('POST', `/stations/${id}/reservations`, { evseId, idToken: { idToken }, groupIdToken: { idToken: FLEET }, expiresAt: inAnHour() });
        t.match(res.body, { status: 'Accepted', reservation: { status: 'accepted' } });
        return res.body.reservationId as number;
      };
      const one = await reserve(1, OWNER);

      // Remote starts through the API: refused for another token on the reserved EVSE, nothing sent.
      const blocked = await server.apiJson('POST', `/stations/${id}/transactions/start`, { type: 'Central', idToken: OTHER, evseId: 1 });
      t.equal(blocked.status, 409);
      t.match(blocked.body, { code: 'EVSE_RESERVED', details: { reservationId: one, evseId: 1 } });
      t.equal(starts.length, 0, 'nothing sent');
      const generic = await server.apiJson('POST', `/stations/${id}/ocpp/${version === 'ocpp1.6' ? 'RemoteStartTransaction' : 'RequestStartTransaction'}`,
        version === 'ocpp1.6' ? { idTag: OTHER.toLowerCase(), connectorId: 1 } : { idToken: { idToken: OTHER.toLowerCase(), type: 'Central' }, evseId: 1, remoteStartId: 77 });
      t.match(generic, { status: 409, body: { code: 'EVSE_RESERVED' } }, 'the generic route too (tokens compare case-insensitively)');
      t.equal(starts.length, 0, 'nothing sent');
      t.match(await server.apiJson('POST', `/stations/${id}/transactions/start`, { type: 'Central', idToken: OTHER, evseId: 2 }), { status: 200, body: { status: 'Accepted' } }, 'EVSE 2 is free');
      t.match(await server.apiJson('POST', `/stations/${id}/transactions/start`, { type: 'Central', idToken: OTHER }), { status: 200 }, 'no EVSE named: EVSE 2 is free');
      t.match(await server.apiJson('POST', `/stations/${id}/transactions/start`, { type: 'Central', idToken: MEMBER, evseId: 1 }), { status: 200 }, 'a member of the reservation\'s group');
      t.equal(starts.length, 3);

      // The station's messages: another token on EVSE 1 is refused, on EVSE 2 accepted.
      t.equal(await authorize(client, version, OTHER), 'Accepted', 'Authorize: EVSE 2 is free');
      t.equal(await start(client, version, OTHER, 1, `TX-${version}-other1`), refused, 'another token on the reserved EVSE');
      t.equal(await start(client, version, OTHER, 2, `TX-${version}-other2`), 'Accepted', 'another token on the free EVSE');
      t.match((await server.apiJson('GET', `/reservations/${one}`)).body, { status: 'accepted' }, 'the reservation stays');

      // Both EVSEs held: Authorize (no EVSE named) and a remote start without EVSE are refused.
      const two = await reserve(2, OWNER2);
      t.equal(await authorize(client, version, OTHER), refused, 'Authorize: every EVSE is held');
      t.match(await server.apiJson('POST', `/stations/${id}/transactions/start`, { type: 'Central', idToken: OTHER }), { status: 409, body: { code: 'EVSE_RESERVED' } });
      t.equal(await authorize(client, version, OWNER), 'Accepted', 'the reservation\'s own token');
      t.equal(await authorize(client, version, MEMBER), 'Accepted', 'a member of its group');

      // The reserved token starts on its EVSE without naming the reservation: it is used all the same.
      t.equal(await start(client, version, OWNER, 1, `TX-${version}-owner`), 'Accepted');
      const used = (await server.apiJson('GET', `/reservations/${one}`)).body;
      t.match(used, { status: 'used' });
      t.ok(used.transactionId, 'the transaction that used it');
      t.match((await server.apiJson('GET', `/reservations/${two}`)).body, { status: 'accepted' }, 'the other one stays');
      t.equal(await start(client, version, MEMBER, 2, `TX-${version}-member`), 'Accepted', 'a member of the group takes EVSE 2');
      t.match((await server.apiJson('GET', `/reservations/${two}`)).body, { status: 'used' }, 'and uses that reservation');
    });
  }
});
