import t, { type Test } from 'tap';
import { eventually, startServer, type TestServer } from '../helpers/server.js';
import { VERSIONS, type StrictClient, type Version, bootedStation } from '../helpers/ocpp-clients.js';

// Billing-grade sessions (issue #12): id tokens matched as the specs say, ConcurrentTx, and the
// other session fixes, each against strict ocpp-rpc stations of every version.

const PASSWORD = 'billing-pw-000001';

function station(t: Test, server: TestServer, id: string, version: Version): Promise<StrictClient> {
  return bootedStation(t, server, id, PASSWORD, version);
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

t.test('an implausible energy-register step is flagged on the transaction (CSMS_MAX_ENERGY_STEP_WH)', async (t) => {
  const server = await startServer(t, { env: { CSMS_UNKNOWN_TOKENS: 'accept-all', CSMS_MAX_ENERGY_STEP_WH: '50000' } });
  const get = async (stationId: string, id: string | number) => (await server.apiJson('GET', `/transactions/${id}?stationId=${stationId}`)).body;
  for (const version of VERSIONS) {
    t.test(version, async (t) => {
      const v = version.replace(/\W/g, '');
      const c = await station(t, server, `JUMP-${v}`, version);
      const sample = (wh: number, context?: string) => ({ timestamp: now(), sampledValue: [{ value: version === 'ocpp1.6' ? String(wh) : wh, ...(context ? { context } : {}) }] });
      const ids: Array<string | number> = [];
      // Two sessions: +40 kWh in one sample (believed), +60 kWh in one sample (flagged).
      for (const [n, rise] of [[1, 40_000], [2, 60_000]] as const) {
        if (version === 'ocpp1.6') {
          const s = (await c.call('StartTransaction', { connectorId: n, idTag: 'JUMPER', meterStart: 1_000, timestamp: now() })) as any;
          await c.call('MeterValues', { connectorId: n, transactionId: s.transactionId, meterValue: [sample(1_000 + rise)] });
          await c.call('StopTransaction', { transactionId: s.transactionId, meterStop: 1_000 + rise + 10, timestamp: now() });
          ids.push(s.transactionId);
        } else {
          const txId = `jump-${n}-${v}`;
          const ev = (seqNo: number, eventType: string, extra: Record<string, unknown>) =>
            c.call('TransactionEvent', { eventType, timestamp: now(), triggerReason: 'MeterValuePeriodic', seqNo, transactionInfo: { transactionId: txId }, evse: { id: n, connectorId: 1 }, ...extra });
          await ev(0, 'Started', { meterValue: [sample(1_000, 'Transaction.Begin')] });
          await ev(1, 'Updated', { meterValue: [sample(1_000 + rise)] });
          await ev(2, 'Ended', { meterValue: [sample(1_000 + rise + 10, 'Transaction.End')] });
          ids.push(txId);
        }
      }
      const [ok, jumped] = [await get(`JUMP-${v}`, ids[0]!), await get(`JUMP-${v}`, ids[1]!)];
      t.same(ok.flags, [], 'a 40 kWh step is within 50 kWh');
      t.equal(ok.totalKwh, 40.01);
      t.same(jumped.flags, ['implausible-energy-step'], 'a 60 kWh step is flagged');
      t.equal(jumped.totalKwh, 60.01, 'and shown as the meter said, for a person to judge');
      await c.close();
    });
  }
});

t.test('connector status history and availability per connector over a period', async (t) => {
  const server = await startServer(t);
  const base = Math.floor(Date.now() / 1000) * 1000 - 12 * 3_600_000;
  const h = (hours: number) => new Date(base + hours * 3_600_000).toISOString();
  for (const version of VERSIONS) {
    t.test(version, async (t) => {
      const v = version.replace(/\W/g, '');
      const id = `HIST-${v}`;
      const c = await station(t, server, id, version);
      const send = (evse: number, status: 'Available' | 'Faulted', hours: number) =>
        version === 'ocpp1.6'
          ? c.call('StatusNotification', { connectorId: evse, status, errorCode: status === 'Faulted' ? 'GroundFailure' : 'NoError', timestamp: h(hours) })
          : c.call('StatusNotification', { timestamp: h(hours), connectorStatus: status, evseId: evse, connectorId: 1 });
      // EVSE 1: Available from 0 h, Faulted 6–7 h, Available again; EVSE 2: Available from 0 h.
      await send(1, 'Available', 0);
      await send(2, 'Available', 0);
      await send(1, 'Faulted', 6);
      await send(1, 'Available', 7);
      // Answered at the gateway, stored within CSMS_ASYNC_FLUSH_MS.
      const history = await eventually(async () => {
        const r = await server.apiJson('GET', `/stations/${id}/connector-status-history?from=${encodeURIComponent(h(2))}&to=${encodeURIComponent(h(10))}`);
        return r.status === 200 && (r.body.items as unknown[]).length === 4 && r.body;
      }, 10_000, 'history stored');
      t.same(
        (history.items as any[]).map((x) => [x.evseId, x.status, x.reportedAt]),
        [[1, 'Available', h(0)], [2, 'Available', h(0)], [1, 'Faulted', h(6)], [1, 'Available', h(7)]],
        'the status each connector had at `from`, then every change',
      );
      if (version === 'ocpp1.6') t.equal((history.items as any[])[2].errorCode, 'GroundFailure');
      const a = await server.apiJson('GET', `/stations/${id}/availability?from=${encodeURIComponent(h(2))}&to=${encodeURIComponent(h(10))}`);
      t.equal(a.status, 200);
      t.equal(a.body.truncated, false);
      t.match(a.body.connectors, [
        { evseId: 1, connectorId: 1, uptimePct: 87.5, upSec: 7 * 3600, downSec: 3600, unknownSec: 0, seconds: { Available: 7 * 3600, Faulted: 3600 } },
        { evseId: 2, connectorId: 1, uptimePct: 100, upSec: 8 * 3600, downSec: 0 },
      ]);
      const one = await server.apiJson('GET', `/stations/${id}/availability?evseId=2&from=${encodeURIComponent(h(2))}&to=${encodeURIComponent(h(10))}`);
      t.same(one.body.connectors.map((x: any) => x.evseId), [2], 'one EVSE');
      t.equal((await server.apiJson('GET', `/stations/${id}/availability?from=${encodeURIComponent(h(10))}&to=${encodeURIComponent(h(2))}`)).status, 400, 'from after to');
      t.equal((await server.apiJson('GET', `/stations/NOPE-${v}/availability`)).status, 404);
      await c.close();
    });
  }
});

t.test('signed meter values are kept with the transaction and returned by the API', async (t) => {
  const server = await startServer(t, { env: { CSMS_UNKNOWN_TOKENS: 'accept-all' } });
  const OCMF = 'OCMF|{"FV":"1.0","RD":[{"RV":1.5,"RU":"kWh"}]}|{"SD":"3045"}';
  for (const version of VERSIONS) {
    t.test(version, async (t) => {
      const v = version.replace(/\W/g, '');
      const id = `SIGN-${v}`;
      const c = await station(t, server, id, version);
      let txId: string;
      if (version === 'ocpp1.6') {
        const s = (await c.call('StartTransaction', { connectorId: 1, idTag: 'SIGNER', meterStart: 1000, timestamp: now() })) as any;
        txId = String(s.transactionId);
        await c.call('MeterValues', { connectorId: 1, transactionId: s.transactionId, meterValue: [{ timestamp: now(), sampledValue: [
          { value: '1500', context: 'Sample.Periodic' }, { value: OCMF, format: 'SignedData', context: 'Sample.Periodic' },
        ] }] });
        await c.call('StopTransaction', { transactionId: s.transactionId, meterStop: 2000, timestamp: now(), transactionData: [{ timestamp: now(), sampledValue: [
          { value: 'END-SIGNED', format: 'SignedData', context: 'Transaction.End' },
        ] }] });
      } else {
        txId = `sign-${v}`;
        const signed = (data: string) => ({ signedMeterData: data, signingMethod: 'ECDSA-secp256r1-SHA256', encodingMethod: 'OCMF', publicKey: 'cHVia2V5' });
        const ev = (seqNo: number, eventType: string, kwh: number, context: string) =>
          c.call('TransactionEvent', {
            eventType, timestamp: now(), triggerReason: eventType === 'Ended' ? 'StopAuthorized' : 'MeterValuePeriodic', seqNo,
            transactionInfo: { transactionId: txId }, evse: { id: 1, connectorId: 1 },
            meterValue: [{ timestamp: now(), sampledValue: [{ value: kwh, context, unitOfMeasure: { unit: 'kWh' }, signedMeterValue: signed(`sig-${seqNo}`) }] }],
          });
        await ev(0, 'Started', 1, 'Transaction.Begin');
        await ev(1, 'Updated', 1.5, 'Sample.Periodic');
        await ev(2, 'Ended', 2, 'Transaction.End');
      }
      const r = await server.apiJson('GET', `/transactions/${txId}?stationId=${id}`);
      t.equal(r.status, 200);
      t.equal(r.body.totalKwh, 1, 'signed values change nothing in the totals');
      const signedRows = (r.body.meterValues as any[]).filter((m) => m.signedMeterValue);
      if (version === 'ocpp1.6') {
        t.match(signedRows, [
          { value: 1500, context: 'Sample.Periodic', signedMeterValue: { signedMeterData: OCMF, format: 'SignedData' } },
          { value: null, context: 'Transaction.End', signedMeterValue: { signedMeterData: 'END-SIGNED', format: 'SignedData', valueless: true } },
        ], 'paired with its readable value, or kept on its own without a value');
      } else {
        t.same(signedRows.map((m) => [m.value, m.signedMeterValue.signedMeterData, m.signedMeterValue.encodingMethod]), [
          [1, 'sig-0', 'OCMF'], [1.5, 'sig-1', 'OCMF'], [2, 'sig-2', 'OCMF'],
        ]);
      }
      await c.close();
    });
  }
});

t.test('ghost sessions: a new transaction on an EVSE closes the one still active there', async (t) => {
  const server = await startServer(t, { env: { CSMS_UNKNOWN_TOKENS: 'accept-all' } });
  for (const version of VERSIONS) {
    t.test(version, async (t) => {
      const v = version.replace(/\W/g, '');
      const id = `GHOST-${v}`;
      const c = await station(t, server, id, version);
      const ids: string[] = [];
      for (const n of [1, 2]) {
        if (version === 'ocpp1.6') {
          const s = (await c.call('StartTransaction', { connectorId: 1, idTag: `G${n}`, meterStart: 0, timestamp: now() })) as any;
          ids.push(String(s.transactionId));
        } else {
          ids.push(`ghost-${n}-${v}`);
          await c.call('TransactionEvent', {
            eventType: 'Started', timestamp: now(), triggerReason: 'CablePluggedIn', seqNo: 0,
            transactionInfo: { transactionId: ids[ids.length - 1] }, evse: { id: 1, connectorId: 1 },
          });
        }
      }
      const [ghost, current] = await Promise.all(ids.map(async (tx) => (await server.apiJson('GET', `/transactions/${tx}?stationId=${id}`)).body));
      t.match(ghost, { isActive: false, stoppedReason: 'Other', flags: ['superseded-by-new-transaction'] }, 'the older one is closed, flagged');
      t.match(current, { isActive: true, flags: [] });
      await c.close();
    });
  }
});

t.test('a transaction without a message for CSMS_STALE_TRANSACTION_HOURS is closed, flagged', async (t) => {
  // 0.001 h = 3.6 s, swept every second.
  const server = await startServer(t, { env: { CSMS_UNKNOWN_TOKENS: 'accept-all', CSMS_STALE_TRANSACTION_HOURS: '0.001' } });
  for (const version of VERSIONS) {
    t.test(version, async (t) => {
      const v = version.replace(/\W/g, '');
      const id = `STALE-${v}`;
      const c = await station(t, server, id, version);
      const started = now();
      let txId: string;
      if (version === 'ocpp1.6') {
        txId = String(((await c.call('StartTransaction', { connectorId: 1, idTag: 'STALE', meterStart: 0, timestamp: started })) as any).transactionId);
      } else {
        txId = `stale-${v}`;
        await c.call('TransactionEvent', { eventType: 'Started', timestamp: started, triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: { transactionId: txId }, evse: { id: 1, connectorId: 1 } });
      }
      const closed = await eventually(async () => {
        const r = (await server.apiJson('GET', `/transactions/${txId}?stationId=${id}`)).body;
        return r.isActive === false && r;
      }, 30_000, 'closed by the sweep');
      t.match(closed, { stoppedReason: 'Other', flags: ['closed-after-timeout'], endedAt: new Date(Date.parse(started)).toISOString() }, 'ended when last heard of');
      await c.close();
    });
  }
});

t.test('reservationId, triggerReason, evse and id token changes are on the transaction record', async (t) => {
  const server = await startServer(t, { env: { CSMS_UNKNOWN_TOKENS: 'accept-all' } });
  for (const version of VERSIONS) {
    t.test(version, async (t) => {
      const v = version.replace(/\W/g, '');
      const id = `REC-${v}`;
      const c = await station(t, server, id, version);
      let txId: string;
      if (version === 'ocpp1.6') {
        txId = String(((await c.call('StartTransaction', { connectorId: 1, idTag: 'R1', meterStart: 0, timestamp: now(), reservationId: 77 })) as any).transactionId);
        await c.call('StopTransaction', { transactionId: Number(txId), meterStop: 5, timestamp: now(), idTag: 'R2' });
      } else {
        txId = `rec-${v}`;
        const ev = (seqNo: number, eventType: string, triggerReason: string, extra: Record<string, unknown> = {}) =>
          c.call('TransactionEvent', { eventType, timestamp: now(), triggerReason, seqNo, transactionInfo: { transactionId: txId }, ...extra });
        await ev(0, 'Started', 'CablePluggedIn', { reservationId: 77, evse: { id: 1, connectorId: 1 } });
        await ev(1, 'Updated', 'Authorized', { idToken: { idToken: 'R1', type: 'ISO14443' }, evse: { id: 1, connectorId: 2 } });
        await ev(2, 'Ended', 'StopAuthorized', { idToken: { idToken: 'R2', type: 'ISO14443' }, transactionInfo: { transactionId: txId, stoppedReason: 'Local' } });
      }
      const r = (await server.apiJson('GET', `/transactions/${txId}?stationId=${id}`)).body;
      t.equal(r.reservationId, 77);
      t.same(r.idToken, { idToken: 'R1', type: 'ISO14443' });
      t.same(r.idTokens.map((x: any) => x.idToken), ['R1', 'R2'], 'the start and the stop token');
      if (version !== 'ocpp1.6') {
        t.equal(r.triggerReason, 'StopAuthorized');
        t.equal(r.connectorId, 2, 'the evse change');
        t.same(r.idTokens.map((x: any) => x.triggerReason), ['Authorized', 'StopAuthorized']);
      }
      await c.close();
    });
  }
});

t.test('E14: an offline Ended with a gap in seqNo makes the CSMS ask GetTransactionStatus', async (t) => {
  const server = await startServer(t, { env: { CSMS_UNKNOWN_TOKENS: 'accept-all' } });
  for (const version of VERSIONS.filter((x) => x !== 'ocpp1.6')) {
    t.test(version, async (t) => {
      const v = version.replace(/\W/g, '');
      const id = `E14-${v}`;
      const c = await station(t, server, id, version);
      const asked: string[] = [];
      let answered!: () => void;
      const askedOnce = new Promise<void>((resolve) => (answered = resolve));
      c.handle('GetTransactionStatus', async ({ params }) => {
        asked.push((params as { transactionId?: string }).transactionId ?? '');
        answered();
        return { ongoingIndicator: false, messagesInQueue: false };
      });
      const ev = (txId: string, seqNo: number, eventType: string, offline: boolean) =>
        c.call('TransactionEvent', { eventType, timestamp: now(), triggerReason: eventType === 'Ended' ? 'EVCommunicationLost' : 'CablePluggedIn', seqNo, offline, transactionInfo: { transactionId: txId }, evse: { id: 1, connectorId: 1 } });
      // Complete, offline: nothing to ask. Then seqNo 1 and 2 lost: asked about that one only.
      await ev(`whole-${v}`, 0, 'Started', true);
      await ev(`whole-${v}`, 1, 'Ended', true);
      await ev(`gap-${v}`, 0, 'Started', true);
      await ev(`gap-${v}`, 3, 'Ended', true);
      await askedOnce;
      t.same(asked, [`gap-${v}`], 'GetTransactionStatus for the transaction with a gap');
      const r = (await server.apiJson('GET', `/transactions/gap-${v}?stationId=${id}`)).body;
      t.same(r.flags, ['missing-events']);
      // The missing ones arrive (the station still had them): the flag goes.
      await ev(`gap-${v}`, 1, 'Updated', true);
      await ev(`gap-${v}`, 2, 'Updated', true);
      t.same((await server.apiJson('GET', `/transactions/gap-${v}?stationId=${id}`)).body.flags, []);
      t.same(asked, [`gap-${v}`], 'asked once');
      await c.close();
    });
  }
});
