import t from 'tap';
import { eventually, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';
import { EmspSimulator } from '../helpers/emsp-simulator.js';
import { problems } from '../helpers/ocpi-schemas.js';
import { priceCdr } from '../helpers/ocpi-pricing.js';

// Issue #16, OCPI 2.2.1 money: the tariffs module (GET, pushes on change, connectors' tariff_ids
// following the assignments), costs in sessions and CDRs with the same numbers as Switchyard's
// own final cost (and as the eMSP simulator's own pricing of the CDR with its tariff), signed
// data from a 1.6 station's SignedData, credit CDRs after a cost correction, and charging
// preferences. Every object the simulator receives is checked against the 2.2.1 tables.

const PASSWORD = 'ocpi-tariff-station-01';
const ZONE = 'Europe/Amsterdam';
const stationId = 'OCPI-T-CS1';

const location = (id: string, station = stationId) => ({
  country_code: 'NL', party_id: 'SWY', id, publish: true, name: `Location ${id}`, address: 'Stationsplein 1', city: 'Utrecht', postal_code: '3511ED', country: 'NLD',
  coordinates: { latitude: '52.089444', longitude: '5.110278' }, time_zone: ZONE, opening_times: { twentyfourseven: true },
  evses: [{
    uid: `${id}-E1`, evse_id: `NL*SWY*E${id}1`, capabilities: ['REMOTE_START_STOP_CAPABLE', 'CHARGING_PREFERENCES_CAPABLE'], ocpp: { stationId: station, evseId: 1 },
    connectors: [{ id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }],
  }],
});

// Weekday evenings (18:00–24:00 local) energy costs more; Switchyard prices in the location's zone.
const dayTariff = {
  name: 'Day', currency: 'EUR', timeZone: ZONE, taxPercent: '21', sessionFee: '0.50',
  prices: { energy: '0.30', chargingTime: '1.20', idleTime: '6' },
  periods: [{ days: [1, 2, 3, 4, 5], start: '18:00', end: '24:00', energy: '0.40' }],
};

t.test('OCPI 2.2.1 tariffs, costs, signed data, credit CDRs, charging preferences', async (t) => {
  const server = await startServer(t, { env: { CSMS_OCPI_RETRY_BASE_MS: '100', CSMS_OCPI_RETRY_MAX_MS: '500', CSMS_OCPI_TICK_MS: '100', CSMS_OCPI_TIMEOUT_MS: '2000', CSMS_LOG_LEVEL: 'info' } });
  const ocpi = `${server.apiUrl}/ocpi`;
  t.equal((await server.apiJson('POST', '/roaming/parties', { countryCode: 'NL', partyId: 'SWY', name: 'Switchyard NL' })).status, 201);
  const emsp = await new EmspSimulator('DE', 'EM1').start(t);
  const invite = await server.apiJson('POST', '/roaming/partners', { name: 'eMSP one' });
  t.equal((await emsp.registerWith(invite.body.versionsUrl, invite.body.tokenA)).answer.status, 200);
  await server.registerStation(stationId, PASSWORD);
  const tariffPushes = (id: string, method = 'PUT') => emsp.received.filter((r) => r.method === method && r.path === `/ocpi/emsp/2.2.1/tariffs/NL/SWY/${id}`);
  const locationPuts = () => emsp.received.filter((r) => r.method === 'PUT' && r.path === '/ocpi/emsp/2.2.1/locations/NL/SWY/LOC1');

  t.test('tariffs module: a tariff put through the API is pushed, listed by GET with pagination, and named by the connectors', async (t) => {
    const details = await emsp.call('GET', `${ocpi}/2.2.1`);
    t.ok(details.body.data.endpoints.some((e: any) => e.identifier === 'tariffs' && e.role === 'SENDER'), 'tariffs sender endpoint');
    t.equal((await server.apiJson('PUT', '/tariffs/T1', dayTariff)).status, 201);
    await eventually(async () => tariffPushes('T1').length >= 1, 15_000, 'T1 pushed');
    const pushed = tariffPushes('T1')[0]!;
    t.equal(pushed.problems, undefined, 'Tariff per §11.3.1');
    t.same(pushed.body, {
      country_code: 'NL', party_id: 'SWY', id: 'T1', currency: 'EUR',
      elements: [
        { price_components: [{ type: 'FLAT', price: 0.5, vat: 21, step_size: 1 }] },
        { price_components: [{ type: 'ENERGY', price: 0.4, vat: 21, step_size: 1 }], restrictions: { start_time: '18:00', end_time: '00:00', day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] } },
        { price_components: [{ type: 'ENERGY', price: 0.3, vat: 21, step_size: 1 }, { type: 'TIME', price: 1.2, vat: 21, step_size: 1 }, { type: 'PARKING_TIME', price: 6, vat: 21, step_size: 1 }] },
      ],
      last_updated: (pushed.body as any).last_updated,
    });
    t.equal((await server.apiJson('PUT', '/tariffs/T2', { currency: 'EUR', taxPercent: '21', prices: { energy: '0.50' } })).status, 201);
    await eventually(async () => tariffPushes('T2').length >= 1, 15_000, 'T2 pushed');
    t.equal((await server.apiJson('PUT', '/tariff-assignments', { target: { kind: 'default' }, tariffId: 'T1' })).status, 201);

    t.equal((await server.apiJson('PUT', '/locations/LOC1', location('LOC1'))).status, 201);
    await eventually(async () => locationPuts().length >= 1, 15_000, 'location pushed');
    t.same(locationPuts()[0]!.body && (locationPuts()[0]!.body as any).evses[0].connectors[0].tariff_ids, ['T1'], 'connector names the tariff that applies (the default)');
    t.equal(locationPuts()[0]!.problems, undefined);

    const page1 = await emsp.call('GET', `${ocpi}/2.2.1/tariffs?limit=1`);
    t.equal(page1.status, 200);
    t.equal(page1.headers.get('x-total-count'), '2');
    t.equal(page1.headers.get('link'), `<${ocpi}/2.2.1/tariffs?offset=1&limit=1>; rel="next"`);
    t.same(page1.body.data.map((x: any) => x.id), ['T1'], 'oldest last_updated first');
    t.equal(problems('tariff', page1.body.data[0]), undefined);
    t.same((await emsp.call('GET', `${ocpi}/2.2.1/tariffs?offset=1&limit=1`)).body.data.map((x: any) => x.id), ['T2']);
    const t2Updated = tariffPushes('T2')[0]!.body as any;
    const since = await emsp.call('GET', `${ocpi}/2.2.1/tariffs?date_from=${encodeURIComponent(t2Updated.last_updated)}`);
    t.same(since.body.data.map((x: any) => x.id), ['T2'], 'date_from (inclusive)');
    t.equal((await emsp.call('GET', `${ocpi}/2.2.1/tariffs?date_to=${encodeURIComponent(t2Updated.last_updated)}`)).headers.get('x-total-count'), '1', 'date_to (exclusive)');

    // The station gets its own tariff: the connector follows, the location is pushed again; removing it goes back.
    t.equal((await server.apiJson('PUT', '/tariff-assignments', { target: { kind: 'station', stationId }, tariffId: 'T2' })).status, 201);
    await eventually(async () => locationPuts().length >= 2, 15_000, 'location re-pushed');
    t.same((locationPuts()[1]!.body as any).evses[0].connectors[0].tariff_ids, ['T2']);
    t.equal((await server.apiJson('DELETE', `/tariff-assignments?kind=station&stationId=${stationId}`)).status, 204);
    await eventually(async () => locationPuts().length >= 3, 15_000, 'location re-pushed');
    t.same((locationPuts()[2]!.body as any).evses[0].connectors[0].tariff_ids, ['T1']);
    t.same((await emsp.call('GET', `${ocpi}/2.2.1/locations/LOC1/LOC1-E1/1`)).body.data.tariff_ids, ['T1'], 'GET shows it too');
    t.equal((await server.apiJson('DELETE', '/tariffs/T2')).status, 204);
    await eventually(async () => tariffPushes('T2', 'DELETE').length >= 1, 15_000, 'T2 deletion pushed');
    t.notOk(emsp.tariffs.has('T2'), 'the partner dropped it');
    t.same((await emsp.call('GET', `${ocpi}/2.2.1/tariffs`)).body.data.map((x: any) => x.id), ['T1']);
  });

  t.test('a priced roaming session: session total_cost, CDR with periods, tariff, signed data and Switchyard’s final cost; charging preferences; a correction is a credit CDR and a new one', async (t) => {
    t.equal((await emsp.call('PUT', `${ocpi}/2.2.1/tokens/DE/EM1/TOKT`, { body: emsp.token('TOKT', 'ALWAYS') })).status, 201);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: stationId, password: PASSWORD, version: 'ocpp1.6' });
    await client.call('BootNotification', bootPayload('ocpp1.6'));
    // Monday 23 Nov 2026, 17:30–19:00 in Amsterdam (16:30–18:00Z): 5 kWh before 18:00 local, 4 kWh after, then 30 min parked.
    const started = (await client.call('StartTransaction', { connectorId: 1, idTag: 'TOKT', meterStart: 0, timestamp: '2026-11-23T16:30:00.000Z' })) as any;
    t.equal(started.idTagInfo.status, 'Accepted');
    const txId = started.transactionId as number;
    const sessionId = String(txId);
    const register = (wh: number) => ({ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' });
    const signed = (wh: number) => ({ value: `OCMF|{"FV":"1.0","RD":[{"RV":${wh / 1000},"RU":"kWh"}]}|{"SA":"ECDSA-secp256r1-SHA256","SD":"3045"}`, format: 'SignedData', measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' });
    await client.call('MeterValues', { connectorId: 1, transactionId: txId, meterValue: [{ timestamp: '2026-11-23T17:00:00.000Z', sampledValue: [register(5000), signed(5000)] }] });
    await client.call('MeterValues', { connectorId: 1, transactionId: txId, meterValue: [{ timestamp: '2026-11-23T17:30:00.000Z', sampledValue: [register(9000)] }] });

    const sessionPuts = () => emsp.received.filter((r) => r.method === 'PUT' && r.path === `/ocpi/emsp/2.2.1/sessions/NL/SWY/${sessionId}`);
    await eventually(async () => sessionPuts().some((r) => (r.body as any).kwh === 9), 15_000, 'session update with 9 kWh');
    const running = sessionPuts().find((r) => (r.body as any).kwh === 9)!.body as any;
    t.equal(running.currency, 'EUR', 'the tariff’s currency');
    // Up to the 9 kWh reading (17:30Z): 3.10 energy + 1.20 charging + 0.50 fee = 4.80; 21 % → 5.81.
    t.same(running.total_cost, { excl_vat: 4.8, incl_vat: 5.81 }, 'the running cost up to the newest reading');

    // Charging preferences while ACTIVE (§9.2.1.2).
    const prefs = (body: unknown, id = sessionId) => emsp.call('PUT', `${ocpi}/2.2.1/sessions/${id}/charging_preferences`, { body });
    const fast = await prefs({ profile_type: 'FAST', departure_time: '2026-11-23T20:00:00Z', energy_need: 20 });
    t.same([fast.status, fast.body.status_code, fast.body.data], [200, 1000, 'ACCEPTED']);
    t.equal((await prefs({ profile_type: 'CHEAP', departure_time: '2026-11-23T20:00:00Z' })).body.data, 'PROFILE_TYPE_NOT_SUPPORTED');
    t.equal((await prefs({ profile_type: 'REGULAR', discharge_allowed: true })).body.data, 'NOT_POSSIBLE', 'no discharging');
    const unknown = await prefs({ profile_type: 'FAST' }, '999999');
    t.same([unknown.status, unknown.body.status_code], [404, 2003]);
    const bad = await prefs({ energy_need: 5 });
    t.same([bad.status, bad.body.status_code], [400, 2001]);
    t.match(bad.body.status_message, /profile_type/);

    await client.call('StopTransaction', {
      transactionId: txId, meterStop: 9000, timestamp: '2026-11-23T18:00:00.000Z', idTag: 'TOKT',
      transactionData: [{ timestamp: '2026-11-23T18:00:00.000Z', sampledValue: [{ ...register(9000), context: 'Transaction.End' }, { ...signed(9000), context: 'Transaction.End' }] }],
    });
    t.equal((await prefs({ profile_type: 'FAST' })).body.data, 'NOT_POSSIBLE', 'the session has ended');

    const cdrPosts = () => emsp.received.filter((r) => r.method === 'POST' && r.path === '/ocpi/emsp/2.2.1/cdrs');
    const cdrPost = await eventually(async () => cdrPosts()[0], 15_000, 'CDR posted');
    t.equal(cdrPost.problems, undefined, 'CDR per §10.3.1 (tariffs per §11.3.1, signed_data per §10.4.14)');
    const cdr = cdrPost.body as any;
    // Energy 5 × 0.30 + 4 × 0.40 = 3.10; charging 1 h × 1.20; parked 0.5 h × 6 = 3.00; fee 0.50 → 7.80; VAT 21 % → 9.44.
    t.same(cdr.total_cost, { excl_vat: 7.8, incl_vat: 9.44 });
    t.match(cdr, {
      id: sessionId, currency: 'EUR', total_energy: 9, total_time: 1.5, total_parking_time: 0.5,
      total_fixed_cost: { excl_vat: 0.5 }, total_energy_cost: { excl_vat: 3.1 }, total_time_cost: { excl_vat: 1.2 }, total_parking_cost: { excl_vat: 3 },
    });
    t.same(cdr.charging_periods, [
      { start_date_time: '2026-11-23T16:30:00.000Z', dimensions: [{ type: 'ENERGY', volume: 5 }, { type: 'TIME', volume: 0.5 }], tariff_id: 'T1' },
      { start_date_time: '2026-11-23T17:00:00.000Z', dimensions: [{ type: 'ENERGY', volume: 4 }, { type: 'TIME', volume: 0.5 }], tariff_id: 'T1' },
      { start_date_time: '2026-11-23T17:30:00.000Z', dimensions: [{ type: 'PARKING_TIME', volume: 0.5 }], tariff_id: 'T1' },
    ], 'cut where the evening price starts and where charging ends');
    t.same(cdr.tariffs.map((x: any) => x.id), ['T1']);
    t.same(priceCdr(cdr, cdr.tariffs[0], ZONE).excl_vat, 7.8, 'the eMSP’s own pricing of the CDR with its tariff gives the same total');
    t.equal(cdr.signed_data.encoding_method, 'OCMF');
    t.same(cdr.signed_data.signed_values.map((v: any) => [v.nature, v.plain_data]), [['Intermediate', '5000Wh'], ['End', '9000Wh']], 'each signed reading, with its readable value');
    t.match(cdr.signed_data.signed_values[0].signed_data, /^OCMF\|/);
    const final = (await eventually(async () => sessionPuts().find((r) => (r.body as any).status === 'COMPLETED'), 15_000, 'session COMPLETED')).body as any;
    t.same(final.total_cost, { excl_vat: 7.8, incl_vat: 9.44 }, 'the completed session says the same');
    const tx = await server.apiJson('GET', `/transactions/${sessionId}?stationId=${stationId}`);
    t.match(tx.body.cost, { final: true, totalExclTax: '7.80', totalInclTax: '9.44', currency: 'EUR' }, 'Switchyard’s own final cost: the same numbers');

    // The operator corrects the cost (the evening price should not have applied): a credit CDR and a new CDR.
    t.equal((await server.apiJson('PUT', '/tariffs/T1-FIX', { ...dayTariff, periods: [] })).status, 201);
    t.equal((await server.apiJson('POST', `/stations/${stationId}/transactions/${sessionId}/cost-correction`, { reason: 'x' })).status, 200, 'same tariff again is allowed');
    const corrected = await server.apiJson('POST', `/stations/${stationId}/transactions/${sessionId}/cost-correction`, { tariffId: 'T1-FIX', reason: 'evening price applied by mistake' });
    t.equal(corrected.status, 200, JSON.stringify(corrected.body));
    t.match(corrected.body, { cost: { totalExclTax: '7.40', totalInclTax: '8.95' }, previousTotalInclTax: '9.44', ocpi: { creditCdrId: `${sessionId}-C2`, cdrId: `${sessionId}-R2` } });
    await eventually(async () => cdrPosts().length >= 5, 15_000, 'credit and new CDRs posted (twice)');
    t.same(cdrPosts().map((r) => r.problems), cdrPosts().map(() => undefined), 'every CDR per §10.3.1');
    t.same(cdrPosts().map((r) => (r.body as any).id), [sessionId, `${sessionId}-C1`, `${sessionId}-R1`, `${sessionId}-C2`, `${sessionId}-R2`], 'in order');
    const [, credit1, replacement1, credit2, replacement2] = cdrPosts().map((r) => r.body as any);
    t.match(credit1, { credit: true, credit_reference_id: sessionId, total_cost: { excl_vat: -7.8, incl_vat: -9.44 }, total_energy_cost: { excl_vat: -3.1 }, total_energy: 9 });
    t.same(replacement1.total_cost, { excl_vat: 7.8, incl_vat: 9.44 }, 'the same tariff: the same cost');
    t.match(credit2, { credit: true, credit_reference_id: `${sessionId}-R1`, total_cost: { excl_vat: -7.8, incl_vat: -9.44 } }, 'the last CDR sent is the one credited');
    t.notOk('credit' in replacement2, 'the new CDR is not a credit');
    // 9 × 0.30 = 2.70 + 1.20 + 3.00 + 0.50 = 7.40; 21 % → 8.95.
    t.same(replacement2.total_cost, { excl_vat: 7.4, incl_vat: 8.95 });
    t.same(replacement2.tariffs.map((x: any) => x.id), ['T1-FIX']);
    t.same(priceCdr(replacement2, replacement2.tariffs[0], ZONE).excl_vat, 7.4, 'repriced by the eMSP: the same');
    t.match(replacement2.remark, /evening price/);
    t.equal(replacement2.signed_data.signed_values.length, 2, 'still carries the signed data');
    const all = await emsp.call('GET', `${ocpi}/2.2.1/cdrs`);
    t.equal(all.headers.get('x-total-count'), '5');
    t.same(all.body.data.find((c: any) => c.id === sessionId), cdr, 'the CDR first sent never changed');
    t.match((await server.apiJson('GET', `/transactions/${sessionId}?stationId=${stationId}`)).body.cost, { totalInclTax: '8.95', tariffId: 'T1-FIX' });
    t.ok(await eventually(async () => (new RegExp(`"transactionId":"${sessionId}"[^\\n]*"creditId":"${sessionId}-C2"[^\\n]*OCPI CDR corrected: credit CDR and new CDR sent`)).test(server.output().stdout), 30_000, 'one log line per correction'), 'one log line per correction');

    t.equal((await server.apiJson('POST', `/stations/${stationId}/transactions/nope/cost-correction`, { reason: 'x' })).status, 404);
  });

  t.test('a 2.0.1 station: signed meter values with their encoding and public key in the CDR; the cost as Switchyard computes it', async (t) => {
    const station2 = 'OCPI-T-CS2';
    await server.registerStation(station2, PASSWORD);
    t.equal((await server.apiJson('PUT', '/locations/LOC2', location('LOC2', station2))).status, 201);
    t.equal((await emsp.call('PUT', `${ocpi}/2.2.1/tokens/DE/EM1/TOKT2`, { body: emsp.token('TOKT2', 'ALWAYS') })).status, 201);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: station2, password: PASSWORD, version: 'ocpp2.0.1' });
    await client.call('BootNotification', bootPayload('ocpp2.0.1'));
    const txId = 'ocpi-tx-201';
    const signed = (data: string) => ({ signedMeterData: data, signingMethod: 'ECDSA-secp256r1-SHA256', encodingMethod: 'OCMF', publicKey: 'cHVia2V5' });
    // Tuesday 24 Nov 2026, 11:00–12:00 in Amsterdam: base prices only; 6 kWh over the hour.
    const event = (seqNo: number, eventType: string, at: string, kwh: number, context: string) => client.call('TransactionEvent', {
      eventType, timestamp: at, triggerReason: eventType === 'Started' ? 'Authorized' : eventType === 'Ended' ? 'StopAuthorized' : 'MeterValuePeriodic', seqNo,
      transactionInfo: { transactionId: txId }, evse: { id: 1, connectorId: 1 },
      ...(eventType === 'Started' ? { idToken: { idToken: 'TOKT2', type: 'ISO14443' } } : {}),
      meterValue: [{ timestamp: at, sampledValue: [{ value: kwh, context, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh' }, signedMeterValue: signed(`sig-${seqNo}`) }] }],
    }) as Promise<any>;
    const started = await event(0, 'Started', '2026-11-24T10:00:00.000Z', 0, 'Transaction.Begin');
    t.equal(started.idTokenInfo.status, 'Accepted', 'the partner’s token');
    await event(1, 'Updated', '2026-11-24T10:30:00.000Z', 3, 'Sample.Periodic');
    const ended = await event(2, 'Ended', '2026-11-24T11:00:00.000Z', 6, 'Transaction.End');
    // 6 × 0.30 + 1 h × 1.20 + 0.50 = 3.50; 21 % → 4.24 (the station is told so).
    t.equal(ended.totalCost, 4.24, 'TransactionEventResponse.totalCost');
    const cdrPost = await eventually(async () => emsp.received.find((r) => r.method === 'POST' && r.path === '/ocpi/emsp/2.2.1/cdrs' && (r.body as any).id === txId), 15_000, 'CDR posted');
    t.equal(cdrPost.problems, undefined, 'CDR per §10.3.1');
    const cdr = cdrPost.body as any;
    t.same(cdr.total_cost, { excl_vat: 3.5, incl_vat: 4.24 });
    t.match(cdr, { total_energy: 6, total_time: 1, cdr_location: { id: 'LOC2' } });
    t.notOk('total_parking_time' in cdr, 'never parked');
    t.same(cdr.signed_data, {
      encoding_method: 'OCMF', public_key: 'cHVia2V5',
      signed_values: [
        { nature: 'Start', plain_data: '0kWh', signed_data: 'sig-0' },
        { nature: 'Intermediate', plain_data: '3kWh', signed_data: 'sig-1' },
        { nature: 'End', plain_data: '6kWh', signed_data: 'sig-2' },
      ],
    });
    t.same(priceCdr(cdr, cdr.tariffs[0], ZONE).excl_vat, 3.5, 'the eMSP’s own pricing agrees');
    t.match((await server.apiJson('GET', `/transactions/${txId}?stationId=${station2}`)).body.cost, { totalInclTax: '4.24' });
  });
});
