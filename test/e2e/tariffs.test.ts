import t, { type Test } from 'tap';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsServerMissing, startNats } from '../helpers/nats-server.js';
import { eventually, startServer, type TestServer } from '../helpers/server.js';
import { bootPayload, connectStrict, type StrictClient, type Version, bootedStation } from '../helpers/ocpp-clients.js';

// Tariffs and cost (issue #13, block I) with strict ocpp-rpc stations (they check every answer
// against the official schemas): a tariff with a time-of-day period, an idle fee after a grace
// period, a session fee and tax; running cost answered as totalCost, the final cost on the
// transaction record and in transaction.ended, CostUpdated from the sweep, the tariff text to the driver.

const PASSWORD = 'tariffs-pw-000001';
/** Monday 2 November 2026, UTC (the tariff's zone). */
const at = (hhmm: string) => `2026-11-02T${hhmm}:00.000Z`;

const evening = {
  name: 'Evening peak',
  currency: 'EUR',
  timeZone: 'UTC',
  taxPercent: '20',
  sessionFee: '1.00',
  prices: { energy: '0.30', chargingTime: '0.60', idleTime: '6.00' },
  // Outside 18:00–22:00 (a gap on purpose) the base prices apply.
  periods: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '18:00', end: '22:00', energy: '0.50' }],
  idleGraceMinutes: 15,
  displayText: 'EUR 0.30/kWh, 0.50/kWh 18-22h, idle EUR 6/h after 15 min',
};

/**
 * Hand-computed. Readings 17:00 0 Wh, 17:30 10 kWh, 18:30 20 kWh, 19:00 20 kWh, end 20:00 20 kWh.
 * Energy: 10 kWh at 0.30 = 3.00; the 17:30–18:30 rise split at 18:00: 5 at 0.30 + 5 at 0.50 = 4.00.
 * Charging while the register rose, 17:00–18:30: 1.5 h at 0.60 = 0.90. Idle from 18:30 + 15 min
 * to 20:00: 1.25 h at 6.00 = 7.50. Session fee 1.00. Excl. tax 16.40, tax 20 % 3.28, incl. 19.68.
 */
const FINAL = {
  tariffId: 'evening',
  assignedBy: 'default',
  currency: 'EUR',
  final: true,
  until: at('20:00'),
  breakdown: {
    energy: { exclTax: '7.00', quantity: 20 },
    chargingTime: { exclTax: '0.90', quantity: 1.5 },
    idleTime: { exclTax: '7.50', quantity: 1.25 },
    sessionFee: { exclTax: '1.00', quantity: 1 },
  },
  totalExclTax: '16.40',
  tax: '3.28',
  taxPercent: '20',
  totalInclTax: '19.68',
};
/** Running cost (incl. tax) answered to each Updated: 17:30 4.30+0.86; 18:30 8.90+1.78; 19:00 with 0.25 h idle 10.40+2.08. */
const RUNNING = { '17:30': 5.16, '18:30': 10.68, '19:00': 12.48 } as const;

/** 2.1 also answers the cost in words (updatedPersonalMessage), from the same cost record. */
const inWords = (version: Version, label: 'Cost so far' | 'Total', incl: number) =>
  version === 'ocpp2.1' ? { updatedPersonalMessage: { format: 'UTF8', content: `${label}: ${incl.toFixed(2)} EUR incl. 20% tax` } } : {};

/** What a 2.1 station that computes its own cost sends as costDetails, and how the CSMS keeps it. */
const STATION_COST = {
  chargingPeriods: [{ startPeriod: at('17:00'), tariffId: 'evening' }],
  totalCost: { currency: 'EUR', typeOfCost: 'NormalCost', energy: { exclTax: 7 }, fixed: { exclTax: 1, inclTax: 1.2 }, total: { exclTax: 16.4, inclTax: 19.68 } },
  totalUsage: { energy: 20000, chargingTime: 5400, idleTime: 5400 },
};
const STATION_REPORTED = {
  currency: 'EUR', typeOfCost: 'NormalCost', totalExclTax: '16.4', totalInclTax: '19.68',
  components: { fixed: { exclTax: '1', inclTax: '1.2' }, energy: { exclTax: '7' } },
  usage: { energyWh: 20000, chargingTimeSec: 5400, idleTimeSec: 5400 }, tariffIds: ['evening'], reportedAt: at('20:00'),
};

const register = (wh: number, context = 'Sample.Periodic') => ({ value: wh, context, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }) as const;

interface Watched { type: string; stationId: string; payload: Record<string, any> }

async function watch(t: Test, url: string | undefined): Promise<Watched[] | undefined> {
  if (!url) return undefined;
  const nc: NatsConnection = await connect({ servers: url });
  t.teardown(() => nc.close());
  const seen: Watched[] = [];
  nc.subscribe('csms.*.station.*.>', {
    callback: (_e, m) => {
      const event = m.json<{ type: string; stationId: string; payload: Record<string, any> }>();
      seen.push({ type: event.type, stationId: event.stationId, payload: event.payload });
    },
  });
  await nc.flush();
  return seen;
}

function station(t: Test, server: TestServer, id: string, version: Version): Promise<StrictClient> {
  return bootedStation(t, server, id, PASSWORD, version);
}

t.test('tariffs and the cost of sessions', async (t) => {
  const missing = natsServerMissing();
  if (missing) t.comment(`events over NATS not checked: ${missing}`);
  const nats = missing ? undefined : await startNats(t);
  const server = await startServer(t, {
    env: { CSMS_WORKERS: '1', CSMS_COST_UPDATE_INTERVAL_SEC: '1', ...(nats ? { NATS_URL: nats.url, CSMS_INDEPENDENT_NODES: 'true' } : {}) },
  });
  const events = await watch(t, nats?.url);

  t.test('tariff API: validation, assignments, effective tariff', async (t) => {
    const created = await server.apiJson('PUT', '/tariffs/evening', evening);
    t.equal(created.status, 201);
    t.match(created.body, { id: 'evening', currency: 'EUR', periods: [{ start: '18:00', end: '22:00' }] });
    t.notOk('tenantId' in created.body);
    t.equal((await server.apiJson('PUT', '/tariffs/evening', evening)).status, 200, 'replaced');

    const overlapping = await server.apiJson('PUT', '/tariffs/bad', {
      ...evening,
      periods: [{ days: [1, 2], start: '08:00', end: '12:00', energy: '0.40' }, { days: [2, 3], start: '11:00', end: '13:00', energy: '0.45' }],
    });
    t.equal(overlapping.status, 400, 'overlapping periods are refused');
    t.match(overlapping.body, { code: 'TARIFF_INVALID', message: /periods\[1\] overlaps periods\[0\] on weekday 2/ });
    const acrossMidnight = await server.apiJson('PUT', '/tariffs/bad', { ...evening, periods: [{ days: [1], start: '22:00', end: '06:00' }] });
    t.match(acrossMidnight, { status: 400, body: { code: 'TARIFF_INVALID', message: /split a period over midnight/ } });
    t.match(await server.apiJson('PUT', '/tariffs/bad', { ...evening, prices: { energy: '0.1234567' } }), { status: 400, body: { code: 'VALIDATION_FAILED' } }, 'more than 6 decimals');
    t.match(await server.apiJson('GET', '/tariffs/bad'), { status: 404, body: { code: 'TARIFF_NOT_FOUND' } }, 'nothing stored');

    t.match(await server.apiJson('GET', '/stations/TAR-201/tariff'), { status: 404, body: { code: 'STATION_NOT_FOUND' } });
    await server.registerStation('TAR-201', PASSWORD);
    t.match(await server.apiJson('GET', '/stations/TAR-201/tariff'), { status: 404, body: { code: 'TARIFF_NOT_FOUND' } }, 'nothing assigned yet');
    t.match(await server.apiJson('PUT', '/tariff-assignments', { target: { kind: 'default' }, tariffId: 'nope' }), { status: 404, body: { code: 'TARIFF_NOT_FOUND' } });
    t.match(await server.apiJson('PUT', '/tariff-assignments', { target: { kind: 'station' }, tariffId: 'evening' }), { status: 400, body: { code: 'VALIDATION_FAILED' } }, 'a station target needs its station');
    t.equal((await server.apiJson('PUT', '/tariff-assignments', { target: { kind: 'default' }, tariffId: 'evening' })).status, 201);
    t.match(await server.apiJson('GET', '/stations/TAR-201/tariff?evseId=1'), { status: 200, body: { assignedBy: 'default', tariff: { id: 'evening' } } });

    // A fleet's own price for its drivers wins over the station's.
    t.equal((await server.apiJson('PUT', '/tariffs/fleet', { currency: 'EUR', taxPercent: '20', prices: { energy: '0.20' }, displayText: 'Fleet rate EUR 0.20/kWh' })).status, 201);
    t.equal((await server.apiJson('PUT', '/tariff-assignments', { target: { kind: 'tokenGroup', groupId: 'FLEET-A' }, tariffId: 'fleet' })).status, 201);
    t.equal((await server.apiJson('POST', '/tokens', { idToken: 'FLEET-DRIVER', type: 'ISO14443', groupId: 'FLEET-A' })).status, 201);
    t.match(await server.apiJson('GET', '/stations/TAR-201/tariff?idToken=FLEET-DRIVER'), { status: 200, body: { assignedBy: 'tokenGroup', tariff: { id: 'fleet' } } });
    t.match(await server.apiJson('DELETE', '/tariffs/fleet'), { status: 409, body: { code: 'TARIFF_IN_USE' } });
    t.equal((await server.apiJson('DELETE', '/tariff-assignments?kind=tokenGroup&groupId=FLEET-A')).status, 204);
    t.match(await server.apiJson('DELETE', '/tariff-assignments?kind=tokenGroup&groupId=FLEET-A'), { status: 404, body: { code: 'TARIFF_ASSIGNMENT_NOT_FOUND' } });
    t.equal((await server.apiJson('DELETE', '/tariffs/fleet')).status, 204);
    t.same((await server.apiJson('GET', '/tariff-assignments')).body.items.map((a: { target: { kind: string } }) => a.target.kind), ['default']);

    const docs = await server.apiJson('GET', '/docs/json');
    for (const path of ['/tariffs', '/tariffs/{id}', '/tariff-assignments', '/stations/{id}/tariff']) t.ok(docs.body.paths[path], `${path} in OpenAPI`);
  });

  for (const version of ['ocpp2.0.1', 'ocpp2.1'] as Version[]) {
    t.test(`${version}: running cost as totalCost, final cost on the record and in transaction.ended, tariff text to the driver`, async (t) => {
      const id = `TAR-${version.replace(/\W/g, '')}`;
      await server.registerStation(id, PASSWORD);
      const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
      await client.call('BootNotification', bootPayload(version));
      const costUpdates: Array<{ totalCost: number; transactionId: string }> = [];
      client.handle('CostUpdated', async ({ params }) => {
        costUpdates.push(params as { totalCost: number; transactionId: string });
        return {};
      });
      const idToken = { idToken: `DRIVER-${id}`, type: 'ISO14443' };
      t.equal((await server.apiJson('POST', '/tokens', idToken)).status, 201);

      const auth = (await client.call('Authorize', { idToken })) as any;
      t.same(auth.idTokenInfo, { status: 'Accepted', personalMessage: { format: 'UTF8', content: evening.displayText } }, 'the tariff text on Authorize');

      const txId = `tx-${id}`;
      const base = { transactionInfo: { transactionId: txId }, evse: { id: 1, connectorId: 1 } };
      const started = (await client.call('TransactionEvent', {
        ...base, eventType: 'Started', triggerReason: 'Authorized', seqNo: 0, timestamp: at('17:00'), idToken,
        meterValue: [{ timestamp: at('17:00'), sampledValue: [register(0, 'Transaction.Begin')] }],
      })) as any;
      t.same(started, { idTokenInfo: { status: 'Accepted', personalMessage: { format: 'UTF8', content: evening.displayText } } }, 'no cost on Started; the tariff text with the token');
      let seqNo = 1;
      for (const [hhmm, wh] of [['17:30', 10000], ['18:30', 20000], ['19:00', 20000]] as const) {
        const answer = (await client.call('TransactionEvent', {
          ...base, eventType: 'Updated', triggerReason: 'MeterValuePeriodic', seqNo: seqNo++, timestamp: at(hhmm),
          meterValue: [{ timestamp: at(hhmm), sampledValue: [register(wh)] }],
        })) as any;
        t.same(answer, { totalCost: RUNNING[hhmm], ...inWords(version, 'Cost so far', RUNNING[hhmm]) }, `running cost at ${hhmm}`);
      }
      const running = await server.apiJson('GET', `/transactions/${txId}?stationId=${id}&meterValues=0`);
      t.match(running.body.cost, { final: false, currency: 'EUR' }, 'a running cost on the active transaction');

      // The sweep (every second here) sends the running cost up to now, incl. the idle time since.
      // (A sweep that ran between Started and the first Updated sent the session fee alone: wait for one after 19:00.)
      const sent = await eventually(async () => costUpdates.find((c) => c.transactionId === txId && c.totalCost > RUNNING['19:00']), 30_000, 'a CostUpdated after 19:00');
      t.ok(sent.totalCost > RUNNING['19:00'], `CostUpdated ${sent.totalCost}: idle time runs on until now`);

      // 2.1: the station computed its own cost (local cost calculation) and says so.
      const v21 = version === 'ocpp2.1';
      const ended = (await client.call('TransactionEvent', {
        ...base, eventType: 'Ended', triggerReason: 'EVCommunicationLost', seqNo: seqNo++, timestamp: at('20:00'),
        transactionInfo: { transactionId: txId, stoppedReason: 'EVDisconnected' },
        meterValue: [{ timestamp: at('20:00'), sampledValue: [register(20000, 'Transaction.End')] }],
        ...(v21 ? { costDetails: STATION_COST } : {}),
      })) as any;
      t.same(ended, { totalCost: 19.68, ...inWords(version, 'Total', 19.68) }, 'the final cost answered on Ended');
      const final = v21 ? { ...FINAL, stationReported: STATION_REPORTED } : FINAL;
      const record = await server.apiJson('GET', `/transactions/${txId}?stationId=${id}&meterValues=0`);
      t.equal(record.status, 200);
      t.same(record.body.cost, final, 'the final cost with its breakdown on the transaction record (2.1: and the station\'s own)');
      const listed = await server.apiJson('GET', `/transactions?stationId=${id}`);
      t.same(listed.body.items[0].cost, final, 'and in the list');
      // A sweep that read the transaction before it ended never overwrites the final cost.
      await new Promise((r) => setTimeout(r, 1500));
      t.same((await server.apiJson('GET', `/transactions/${txId}?stationId=${id}&meterValues=0`)).body.cost, final, 'still final after the next sweep');

      if (events) {
        const endEvent = await eventually(async () => events.find((e) => e.type === 'transaction.ended' && e.stationId === id), 10_000, 'transaction.ended');
        t.same(endEvent.payload.cost, final, 'transaction.ended carries the final cost');
        if (v21) t.same(endEvent.payload.stationCost, STATION_REPORTED, 'and the station\'s own as stationCost');
        const updates = events.filter((e) => e.type === 'cost.updated' && e.stationId === id);
        t.ok(updates.some((e) => e.payload.transactionId === txId && e.payload.cost.until === at('18:30') && e.payload.cost.totalInclTax === '10.68'), 'cost.updated for the running cost');
      }
    });
  }

  t.test('ocpp1.6: the same session gets the same final cost', async (t) => {
    const id = 'TAR-16';
    const client = await station(t, server, id, 'ocpp1.6');
    const idTag = 'DRIVER-16';
    t.equal((await server.apiJson('POST', '/tokens', { idToken: idTag, type: 'ISO14443' })).status, 201);
    const start = (await client.call('StartTransaction', { connectorId: 1, idTag, meterStart: 0, timestamp: at('17:00') })) as any;
    t.equal(start.idTagInfo.status, 'Accepted');
    const transactionId = start.transactionId as number;
    for (const [hhmm, wh] of [['17:30', 10000], ['18:30', 20000], ['19:00', 20000]] as const) {
      await client.call('MeterValues', {
        connectorId: 1, transactionId,
        meterValue: [{ timestamp: at(hhmm), sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' }] }],
      });
    }
    const stop = (await client.call('StopTransaction', { transactionId, meterStop: 20000, timestamp: at('20:00'), reason: 'EVDisconnected' })) as any;
    t.same(stop, {}, '1.6 StopTransaction has no cost field');
    const record = await server.apiJson('GET', `/transactions/${transactionId}?stationId=${id}&meterValues=0`);
    t.same(record.body.cost, FINAL, 'the final cost with its breakdown, as for 2.x');
    if (events) {
      const endEvent = await eventually(async () => events.find((e) => e.type === 'transaction.ended' && e.stationId === id), 10_000, 'transaction.ended');
      t.same(endEvent.payload.cost, FINAL);
    }
  });

  t.test('ocpp2.1 tariff messages: SetDefaultTariff, GetTariffs, ChangeTransactionTariff, ClearTariffs on the same model', async (t) => {
    const id = 'TAR-21B';
    const client = await station(t, server, id, 'ocpp2.1');
    const received: Record<string, any[]> = {};
    const answers: Record<string, unknown> = {
      SetDefaultTariff: { status: 'Accepted' },
      GetTariffs: { status: 'Accepted', tariffAssignments: [{ tariffId: 'evening', tariffKind: 'DefaultTariff', evseIds: [1] }] },
      ChangeTransactionTariff: { status: 'Accepted' },
      ClearTariffs: { clearTariffsResult: [{ tariffId: 'evening', status: 'Accepted' }] },
    };
    for (const action of Object.keys(answers)) {
      client.handle(action, async ({ params }) => {
        (received[action] ??= []).push(params);
        return answers[action];
      });
    }
    t.equal((await server.apiJson('PUT', '/tariffs/cheap', { currency: 'EUR', taxPercent: '20', prices: { energy: '0.10' } })).status, 201);

    t.match(await server.apiJson('POST', `/stations/${id}/tariffs/default`, { tariffId: 'nope', evseId: 1 }), { status: 404, body: { code: 'TARIFF_NOT_FOUND' } });
    const set = await server.apiJson('POST', `/stations/${id}/tariffs/default`, { tariffId: 'evening', evseId: 1 });
    t.same(set, { status: 200, body: { status: 'Accepted', reason: null } });
    t.match(received.SetDefaultTariff![0], {
      evseId: 1,
      tariff: { tariffId: 'evening', currency: 'EUR', energy: { prices: [{ priceKwh: 0.5, conditions: { startTimeOfDay: '18:00', endTimeOfDay: '22:00' } }, { priceKwh: 0.3 }] }, idleTime: { prices: [{ priceMinute: 0.1, conditions: { minIdleTime: 900 } }] }, fixedFee: { prices: [{ priceFixed: 1 }] } },
    }, 'the stored tariff as 2.1 TariffType (the strict station checked its schema)');
    t.match(await server.apiJson('GET', `/stations/${id}/tariff?evseId=1`), { status: 200, body: { assignedBy: 'evse', tariff: { id: 'evening' } } }, 'the CSMS bills that EVSE with it too');

    t.same((await server.apiJson('GET', `/stations/${id}/tariffs/held?evseId=1`)).body, answers.GetTariffs);

    const base = { transactionInfo: { transactionId: 'tx-change' }, evse: { id: 1, connectorId: 1 } };
    await client.call('TransactionEvent', { ...base, eventType: 'Started', triggerReason: 'CablePluggedIn', seqNo: 0, timestamp: at('17:00'), meterValue: [{ timestamp: at('17:00'), sampledValue: [register(0, 'Transaction.Begin')] }] });
    t.same(await client.call('TransactionEvent', { ...base, eventType: 'Updated', triggerReason: 'MeterValuePeriodic', seqNo: 1, timestamp: at('17:30'), meterValue: [{ timestamp: at('17:30'), sampledValue: [register(10000)] }] }), { totalCost: RUNNING['17:30'], ...inWords('ocpp2.1', 'Cost so far', RUNNING['17:30']) }, 'under the EVSE default first');
    t.same(await server.apiJson('POST', `/stations/${id}/transactions/tx-change/tariff`, { tariffId: 'cheap' }), { status: 200, body: { status: 'Accepted', reason: null } });
    t.match(received.ChangeTransactionTariff![0], { transactionId: 'tx-change', tariff: { tariffId: 'cheap', energy: { prices: [{ priceKwh: 0.1 }] } } });
    t.match((await server.apiJson('GET', `/transactions/tx-change?stationId=${id}&meterValues=0`)).body.cost, { tariffId: 'cheap', assignedBy: 'transaction', final: false });
    // 10 kWh at 0.10 = 1.00 + 20 % = 1.20, then 5 kWh more.
    t.same(await client.call('TransactionEvent', { ...base, eventType: 'Updated', triggerReason: 'MeterValuePeriodic', seqNo: 2, timestamp: at('18:00'), meterValue: [{ timestamp: at('18:00'), sampledValue: [register(15000)] }] }), { totalCost: 1.8, ...inWords('ocpp2.1', 'Cost so far', 1.8) }, 'then under the new tariff');

    const cleared = await server.apiJson('POST', `/stations/${id}/tariffs/clear`, { tariffIds: ['evening'], evseId: 1 });
    t.same(cleared.body, { results: [{ tariffId: 'evening', status: 'Accepted', reason: null }] });
    t.same(received.ClearTariffs![0], { tariffIds: ['evening'], evseId: 1 });
    t.match(await server.apiJson('GET', `/stations/${id}/tariff?evseId=1`), { status: 200, body: { assignedBy: 'default' } }, 'the EVSE assignment went with it');

    // A 2.1 station that reports which of our tariffs it applies (transactionInfo.tariffId) is billed with it.
    const reported = { transactionInfo: { transactionId: 'tx-reported', tariffId: 'cheap' }, evse: { id: 2, connectorId: 1 } };
    await client.call('TransactionEvent', { ...reported, eventType: 'Started', triggerReason: 'CablePluggedIn', seqNo: 0, timestamp: at('17:00'), meterValue: [{ timestamp: at('17:00'), sampledValue: [register(0, 'Transaction.Begin')] }] });
    t.same(await client.call('TransactionEvent', { ...reported, eventType: 'Updated', triggerReason: 'MeterValuePeriodic', seqNo: 1, timestamp: at('17:30'), meterValue: [{ timestamp: at('17:30'), sampledValue: [register(10000)] }] }), { totalCost: 1.2, ...inWords('ocpp2.1', 'Cost so far', 1.2) });
    t.match((await server.apiJson('GET', `/transactions/tx-reported?stationId=${id}&meterValues=0`)).body.cost, { tariffId: 'cheap', assignedBy: 'transaction' });

    t.match(await server.apiJson('POST', '/stations/TAR-NONE-16/tariffs/default', { tariffId: 'evening' }), { status: 404 }, 'an unknown station');
    const v16 = await station(t, server, 'TAR-16-B', 'ocpp1.6');
    t.ok(v16);
    t.match(await server.apiJson('POST', '/stations/TAR-16-B/tariffs/default', { tariffId: 'evening' }), { status: 400, body: { code: 'WRONG_PROTOCOL' } });
  });

  t.test('no tariff applies: no cost, answers unchanged', async (t) => {
    t.equal((await server.apiJson('DELETE', '/tariff-assignments?kind=default')).status, 204);
    const id = 'TAR-NONE';
    const client = await station(t, server, id, 'ocpp2.0.1');
    const base = { transactionInfo: { transactionId: 'tx-none' }, evse: { id: 1, connectorId: 1 } };
    await client.call('TransactionEvent', { ...base, eventType: 'Started', triggerReason: 'CablePluggedIn', seqNo: 0, timestamp: at('17:00') });
    t.same(await client.call('TransactionEvent', { ...base, eventType: 'Updated', triggerReason: 'MeterValuePeriodic', seqNo: 1, timestamp: at('17:30'), meterValue: [{ timestamp: at('17:30'), sampledValue: [register(5000)] }] }), {});
    t.equal((await server.apiJson('GET', `/transactions/tx-none?stationId=${id}&meterValues=0`)).body.cost, null);
  });
});
