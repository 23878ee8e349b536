import t from 'tap';
import { startServer, type TestServer } from '../helpers/server.js';
import { bootPayload, connectStrict, VERSIONS, type StrictClient, type Version } from '../helpers/ocpp-clients.js';

// Billing-grade sessions (issue #12): id tokens matched as the specs say, ConcurrentTx, and the
// other session fixes, each against strict ocpp-rpc stations of every version.

const PASSWORD = 'billing-pw-0001';

async function station(t: Tap.Test, server: TestServer, id: string, version: Version): Promise<StrictClient> {
  await server.registerStation(id, PASSWORD);
  const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
  await client.call('BootNotification', bootPayload(version));
  return client;
}

const now = () => new Date().toISOString();

t.test('id tokens: case-insensitive values, 2.x value and type, ConcurrentTx', async (t) => {
  const server = await startServer(t);

  for (const version of VERSIONS) {
    t.test(version, async (t) => {
      const v = version.replace(/\W/g, '');
      const card = `Fleet-Card-${v}`;
      const shared = `Shared-${v}`;
      t.equal((await server.apiJson('POST', '/tokens', { idToken: card, type: 'ISO14443' })).status, 201);
      const put = await server.apiJson('POST', '/tokens', { idToken: shared, type: 'ISO14443', allowConcurrentTx: true });
      t.equal(put.status, 201);
      t.equal(put.body.allowConcurrentTx, true, 'the allowance is kept and shown');
      t.equal((await server.apiJson('GET', `/tokens/${card}`)).body.allowConcurrentTx, false, 'off by default');
      const a = await station(t, server, `TOK-A-${v}`, version);
      const b = await station(t, server, `TOK-B-${v}`, version);

      if (version === 'ocpp1.6') {
        const authorize = async (c: StrictClient, idTag: string) => ((await c.call('Authorize', { idTag })) as any).idTagInfo.status;
        const start = async (c: StrictClient, idTag: string) =>
          (await c.call('StartTransaction', { connectorId: 1, idTag, meterStart: 0, timestamp: now() })) as any;
        t.equal(await authorize(a, card.toLowerCase()), 'Accepted', 'value compared case-insensitively');
        t.equal(await authorize(a, `${card}x`), 'Invalid', 'still an unknown token is refused');
        const first = await start(a, card.toUpperCase());
        t.equal(first.idTagInfo.status, 'Accepted');
        t.equal(await authorize(b, card), 'ConcurrentTx', 'in a transaction on another station');
        const refused = await start(b, card.toLowerCase());
        t.equal(refused.idTagInfo.status, 'ConcurrentTx', 'StartTransaction on another station');
        // As 1.6 says: the station ends a transaction whose idTag was not accepted.
        await b.call('StopTransaction', { transactionId: refused.transactionId, meterStop: 0, timestamp: now(), reason: 'DeAuthorized' });
        t.equal(await authorize(a, card), 'Accepted', 'the same station may present it again (e.g. to stop)');
        t.equal((await start(a, shared)).idTagInfo.status, 'Accepted');
        t.equal((await start(b, shared.toUpperCase())).idTagInfo.status, 'Accepted', 'a token that allows concurrent transactions');
        await a.call('StopTransaction', { transactionId: first.transactionId, meterStop: 10, timestamp: now(), idTag: card });
        t.equal(await authorize(b, card), 'Accepted', 'free again once its transaction ended');
      } else {
        const authorize = async (c: StrictClient, idToken: string, type = 'ISO14443') =>
          ((await c.call('Authorize', { idToken: { idToken, type } })) as any).idTokenInfo.status;
        const event = async (c: StrictClient, txId: string, seqNo: number, eventType: string, idToken: string) =>
          ((await c.call('TransactionEvent', {
            eventType,
            timestamp: now(),
            triggerReason: eventType === 'Ended' ? 'StopAuthorized' : 'Authorized',
            seqNo,
            transactionInfo: { transactionId: txId, ...(eventType === 'Ended' ? { stoppedReason: 'Local' } : {}) },
            evse: { id: 1, connectorId: 1 },
            idToken: { idToken, type: 'ISO14443' },
          })) as any).idTokenInfo.status;
        t.equal(await authorize(a, card.toLowerCase()), 'Accepted', 'value compared case-insensitively');
        t.equal(await authorize(a, card, 'eMAID'), 'Unknown', 'same value, another type: another token');
        t.equal(await event(a, `tx-a-${v}`, 0, 'Started', card.toUpperCase()), 'Accepted');
        t.equal(await authorize(b, card), 'ConcurrentTx', 'in a transaction on another station');
        t.equal(await event(b, `tx-b-${v}`, 0, 'Started', card), 'ConcurrentTx', 'TransactionEvent on another station');
        // The station ends a transaction whose token was not accepted (StopTxOnInvalidId).
        await b.call('TransactionEvent', {
          eventType: 'Ended', timestamp: now(), triggerReason: 'Deauthorized', seqNo: 1,
          transactionInfo: { transactionId: `tx-b-${v}`, stoppedReason: 'DeAuthorized' },
        });
        t.equal(await event(a, `tx-a-${v}`, 1, 'Updated', card), 'Accepted', 'its own transaction goes on');
        t.equal(await event(a, `tx-s1-${v}`, 0, 'Started', shared), 'Accepted');
        t.equal(await event(b, `tx-s2-${v}`, 0, 'Started', shared), 'Accepted', 'a token that allows concurrent transactions');
        t.equal(await event(a, `tx-a-${v}`, 2, 'Ended', card), 'Accepted', 'ending is never ConcurrentTx');
        t.equal(await authorize(b, card), 'Accepted', 'free again once its transaction ended');
      }
      await a.close();
      await b.close();
    });
  }
});
