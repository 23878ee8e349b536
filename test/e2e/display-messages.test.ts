import t from 'tap';
import { eventually, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';

// Issue #13, block O, with strict ocpp-rpc stations: SetDisplayMessage kept when accepted and not
// when refused, GetDisplayMessages answered in two NotifyDisplayMessages pages correlated by
// requestId, ClearDisplayMessage, messages per transaction, bulk send with per-station outcomes,
// and a clear 400 for 1.6 stations (no display messages in 1.6).

const PASSWORD = 'display-messages-pw';

t.test('display messages end to end', async (t) => {
  const server = await startServer(t);
  const connect = async (id: string, version: 'ocpp1.6' | 'ocpp2.0.1') => {
    await server.registerStation(id, PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
    await client.call('BootNotification', bootPayload(version));
    return client;
  };
  const station = await connect('DM-1', 'ocpp2.0.1');
  const set: Array<Record<string, any>> = [];
  let answer = 'Accepted';
  station.handle('SetDisplayMessage', async ({ params }) => {
    set.push(params as Record<string, any>);
    return { status: answer };
  });
  const cleared: number[] = [];
  station.handle('ClearDisplayMessage', async ({ params }) => {
    cleared.push((params as { id: number }).id);
    return { status: 'Accepted' };
  });

  t.test('set: kept when accepted, ids allocated per station, refusals returned', async (t) => {
    const first = await server.apiJson('POST', '/stations/DM-1/display-messages', { priority: 'InFront', format: 'UTF8', language: 'en', content: 'Welcome', state: 'Idle', display: { name: 'DisplayPanel', evseId: 1 } });
    t.same(first.body, { status: 'Accepted', protocol: 'ocpp2.0.1', messageId: 0 });
    t.same(set[0], { message: { id: 0, priority: 'InFront', state: 'Idle', message: { format: 'UTF8', language: 'en', content: 'Welcome' }, display: { name: 'DisplayPanel', evse: { id: 1 } } } });
    const second = await server.apiJson('POST', '/stations/DM-1/display-messages', { priority: 'NormalCycle', format: 'ASCII', content: 'Your session', transactionId: 'TX-DM-1' });
    t.same(second.body.messageId, 1, 'the next free id');
    answer = 'NotSupportedMessageFormat';
    const refused = await server.apiJson('POST', '/stations/DM-1/display-messages', { id: 40, priority: 'AlwaysFront', format: 'HTML', content: '<b>x</b>' });
    t.same(refused.body, { status: 'NotSupportedMessageFormat', protocol: 'ocpp2.0.1', messageId: 40 });
    answer = 'Accepted';
    const listed = await server.apiJson('GET', '/stations/DM-1/display-messages');
    t.same(listed.body.set.map((r: any) => [r.message.id, r.message.content]), [[0, 'Welcome'], [1, 'Your session']], 'the refused one is not kept');
    t.match(listed.body.set[0], { source: 'csms', stationId: 'DM-1', message: { display: { name: 'DisplayPanel', evseId: 1 } } });
    t.same((await server.apiJson('GET', '/stations/DM-1/display-messages?transactionId=TX-DM-1')).body.set.map((r: any) => r.message.id), [1]);
    t.same((await server.apiJson('GET', '/display-messages?transactionId=TX-DM-1')).body.items.map((r: any) => [r.stationId, r.message.id]), [['DM-1', 1]]);
    const bad = await server.apiJson('POST', '/stations/DM-1/display-messages', { priority: 'InFront', format: 'UTF8', content: 'x', startsAt: '2026-05-02T00:00:00Z', endsAt: '2026-05-01T00:00:00Z' });
    t.equal(bad.status, 400);
    t.match(bad.body, { code: 'VALIDATION_FAILED', details: { problems: [{ path: 'endsAt' }] } });
    t.equal((await server.apiJson('POST', '/stations/DM-1/display-messages', { priority: 'Loud', format: 'UTF8', content: 'x' })).status, 400, 'schema');
    t.equal(set.length, 3, 'nothing sent for refused input');
  });

  t.test('GetDisplayMessages → two NotifyDisplayMessages pages, kept as reported', async (t) => {
    let pages: Promise<unknown[]> | undefined;
    station.handle('GetDisplayMessages', async ({ params }) => {
      const { requestId } = params as { requestId: number };
      const info = (id: number, content: string) => ({ id, priority: 'NormalCycle', message: { format: 'UTF8', content } });
      pages = new Promise((r) => setTimeout(r, 10)).then(async () => [
        await station.call('NotifyDisplayMessages', { requestId, tbc: true, messageInfo: [info(0, 'Welcome'), info(1, 'Your session')] }),
        await station.call('NotifyDisplayMessages', { requestId, tbc: false, messageInfo: [{ ...info(7, 'Local message'), transactionId: 'TX-DM-1' }] }),
      ]);
      return { status: 'Accepted' };
    });
    const query = await server.apiJson('POST', '/stations/DM-1/display-messages/query', {});
    t.match(query.body, { status: 'Accepted', protocol: 'ocpp2.0.1' });
    const requestId = query.body.requestId as number;
    t.type(requestId, 'number');
    await eventually(async () => pages !== undefined, 10_000, 'the station got GetDisplayMessages');
    t.same(await pages, [{}, {}], 'both pages answered');
    await eventually(async () => (await server.apiJson('GET', `/stations/DM-1/requests/${requestId}`)).body.status === 'complete', 10_000, 'request complete after the last page');
    const listed = await server.apiJson('GET', '/stations/DM-1/display-messages');
    t.same(listed.body.reported.map((r: any) => [r.message.id, r.message.content]), [[0, 'Welcome'], [1, 'Your session'], [7, 'Local message']]);
    t.same((await server.apiJson('GET', '/display-messages?transactionId=TX-DM-1')).body.items.map((r: any) => [r.source, r.message.id]), [['csms', 1], ['station', 7]]);
  });

  t.test('clear: ClearDisplayMessage forgets it (set and reported)', async (t) => {
    const clear = await server.apiJson('DELETE', '/stations/DM-1/display-messages/0');
    t.same(clear.body, { status: 'Accepted', protocol: 'ocpp2.0.1' });
    t.same(cleared, [0]);
    const listed = await server.apiJson('GET', '/stations/DM-1/display-messages');
    t.same(listed.body.set.map((r: any) => r.message.id), [1]);
    t.same(listed.body.reported.map((r: any) => r.message.id), [1, 7]);
  });

  t.test('1.6 stations: 400 WRONG_PROTOCOL; bulk: one outcome per station', async (t) => {
    const old = await connect('DM-16', 'ocpp1.6');
    const refused = await server.apiJson('POST', '/stations/DM-16/display-messages', { priority: 'InFront', format: 'UTF8', content: 'Hi' });
    t.equal(refused.status, 400);
    t.match(refused.body, { code: 'WRONG_PROTOCOL', message: /OCPP 1.6 has no display messages/ });
    t.equal((await server.apiJson('DELETE', '/stations/DM-16/display-messages/1')).body.code, 'WRONG_PROTOCOL');

    const other = await connect('DM-2', 'ocpp2.0.1');
    other.handle('SetDisplayMessage', async () => ({ status: 'NotSupportedPriority' }));
    await server.registerStation('DM-OFF', PASSWORD);
    const bulk = await server.apiJson('POST', '/display-messages/bulk', { stationIds: ['DM-1', 'DM-2', 'DM-16', 'DM-OFF', 'DM-NONE'], message: { priority: 'AlwaysFront', format: 'UTF8', content: 'Site closes at 22:00' } });
    t.equal(bulk.status, 200);
    t.same(bulk.body.accepted, 1);
    t.match(bulk.body.outcomes, [
      { stationId: 'DM-1', status: 'Accepted', messageId: 8 },
      { stationId: 'DM-2', status: 'NotSupportedPriority', messageId: 0 },
      { stationId: 'DM-16', error: { code: 'WRONG_PROTOCOL' } },
      { stationId: 'DM-OFF', error: { code: 'STATION_NOT_CONNECTED' } },
      { stationId: 'DM-NONE', error: { code: 'STATION_NOT_FOUND' } },
    ]);
    t.match(set[set.length - 1], { message: { id: 8, priority: 'AlwaysFront', message: { content: 'Site closes at 22:00' } } });
    t.equal((await server.apiJson('GET', '/stations/DM-2/display-messages')).body.set.length, 0);
  });

  t.test('messages per transaction go when the transaction ends (the station removes them too)', async (t) => {
    const before = await server.apiJson('GET', '/display-messages?transactionId=TX-DM-1');
    t.same(before.body.items.map((r: any) => [r.source, r.message.id]), [['csms', 1], ['station', 7]], 'the set one, and the one the station reported for it');
    const base = { transactionInfo: { transactionId: 'TX-DM-1' }, evse: { id: 1, connectorId: 1 } };
    await station.call('TransactionEvent', { ...base, eventType: 'Started', triggerReason: 'CablePluggedIn', seqNo: 0, timestamp: new Date().toISOString() });
    t.equal((await server.apiJson('GET', '/display-messages?transactionId=TX-DM-1')).body.items.length, 2, 'still shown during the transaction');
    await station.call('TransactionEvent', { ...base, eventType: 'Ended', triggerReason: 'EVDeparted', seqNo: 1, timestamp: new Date().toISOString(), transactionInfo: { transactionId: 'TX-DM-1', stoppedReason: 'Local' } });
    await eventually(async () => (await server.apiJson('GET', '/display-messages?transactionId=TX-DM-1')).body.items.length === 0, 10_000, 'forgotten after the end');
    const listed = await server.apiJson('GET', '/stations/DM-1/display-messages');
    t.same(listed.body.set.map((r: any) => r.message.id), [8], 'messages of no transaction stay');
    t.same(listed.body.reported.map((r: any) => r.message.id), [], 'the reported copies of those ids went too (a station\'s message id names one message)');
  });
});
