import t from 'tap';
import { eventually, metricValue, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict, type StrictClient, type Version } from '../helpers/ocpp-clients.js';

// Issue #13, smart charging beyond a flat share, against strict ocpp-rpc stations (they check every
// request against the official schemas): EV needs with energy and departure time → a TxProfile
// that delivers the energy in time; NotifyEVChargingSchedule checked against it and the profile
// sent again when the EV's schedule violates it; a station configured for W and a DC session get
// W profiles; id-token and group priorities through REST decide who is paused; rating 400s; a
// station that ignores its profile raises an alert, a metric and clears it when back under.

const PASSWORD = 'smart-charging-pass-01';

interface Got {
  purpose: string;
  unit: string;
  limit: number;
  numberPhases?: number;
  transactionId?: string;
}

interface Station {
  id: string;
  version: Version;
  client: StrictClient;
  got: Got[];
  seq: number;
}

const tx = (s: Station, transactionId?: string) => s.got.filter((g) => g.purpose === 'TxProfile' && (transactionId === undefined || g.transactionId === transactionId));

t.test('smart charging end to end', async (t) => {
  const server = await startServer(t, { env: { CSMS_UNKNOWN_TOKENS: 'accept-all', CSMS_SITE_DEBOUNCE_MS: '20' } });
  const stations = new Map<string, Station>();
  async function station(id: string, version: Version): Promise<Station> {
    await server.registerStation(id, PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
    await client.call('BootNotification', bootPayload(version));
    const s: Station = { id, version, client, got: [], seq: 0 };
    client.handle('SetChargingProfile', async ({ params: raw }) => {
      const params = raw as any;
      const p = version === 'ocpp1.6' ? params.csChargingProfiles : params.chargingProfile;
      const schedule = version === 'ocpp1.6' ? p.chargingSchedule : p.chargingSchedule[0];
      const period = schedule.chargingSchedulePeriod[0];
      s.got.push({
        purpose: p.chargingProfilePurpose, unit: schedule.chargingRateUnit, limit: period.limit,
        ...(period.numberPhases !== undefined ? { numberPhases: period.numberPhases } : {}),
        ...(p.transactionId !== undefined ? { transactionId: String(p.transactionId) } : {}),
      });
      return { status: 'Accepted' };
    });
    stations.set(id, s);
    return s;
  }
  const now = () => new Date().toISOString();
  async function start(s: Station, idToken: string, txId = `tx-${s.id}`): Promise<string> {
    if (s.version === 'ocpp1.6') {
      const res = (await s.client.call('StartTransaction', { connectorId: 1, idTag: idToken, meterStart: 0, timestamp: now() })) as { transactionId: number };
      return String(res.transactionId);
    }
    await s.client.call('TransactionEvent', {
      eventType: 'Started', timestamp: now(), triggerReason: 'Authorized', seqNo: s.seq++,
      transactionInfo: { transactionId: txId, chargingState: 'Charging' }, idToken: { idToken, type: 'ISO14443' }, evse: { id: 1, connectorId: 1 },
    });
    return txId;
  }
  async function stop(s: Station, txId: string): Promise<void> {
    if (s.version === 'ocpp1.6') await s.client.call('StopTransaction', { transactionId: Number(txId), meterStop: 1000, timestamp: now(), reason: 'Local' });
    else await s.client.call('TransactionEvent', { eventType: 'Ended', timestamp: now(), triggerReason: 'StopAuthorized', seqNo: s.seq++, transactionInfo: { transactionId: txId, stoppedReason: 'Local' } });
  }

  t.test('EV needs with energy and departure; the EV schedule checked and the profile re-sent', async (t) => {
    const a = await station('SC-EV-A', 'ocpp2.0.1');
    const b = await station('SC-EV-B', 'ocpp2.0.1');
    t.equal((await server.apiJson('POST', '/sites', { id: 'ev-site', nodes: [{ id: 'grid', parentId: null, limitA: 40 }] })).status, 201);
    for (const s of [a, b]) t.equal((await server.apiJson('POST', '/sites/ev-site/attachments', { stationId: s.id, evseId: 1, nodeId: 'grid' })).status, 201);
    const txA = await start(a, 'EV-A');
    const txB = await start(b, 'EV-B');
    await eventually(async () => tx(a, txA).at(-1)?.limit === 20 && tx(b, txB).at(-1)?.limit === 20, 20_000, 'equal shares');
    // 13.8 kWh by a departure 2 h (and a minute) away: 13.8 kWh / 2.0167 h / (3 × 230 V) = 9.92 A → 10 A; B takes the other 30.
    const departureTime = new Date(Date.now() + 7_260_000).toISOString();
    const needs = await a.client.call('NotifyEVChargingNeeds', {
      evseId: 1,
      chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase', departureTime, acChargingParameters: { energyAmount: 13800, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 } },
    });
    t.same(needs, { status: 'Accepted' });
    await eventually(async () => tx(a, txA).at(-1)?.limit === 10 && tx(b, txB).at(-1)?.limit === 30, 20_000, 'A planned at 10 A, B at 30 A');
    t.same(tx(a, txA).at(-1), { purpose: 'TxProfile', unit: 'A', limit: 10, transactionId: txA });

    // The EV's schedule within the profile: Accepted. Above it: Rejected, and the TxProfile goes out again.
    const within = await a.client.call('NotifyEVChargingSchedule', { timeBase: now(), evseId: 1, chargingSchedule: { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] } });
    t.same(within, { status: 'Accepted' });
    const before = tx(a, txA).length;
    const above = await a.client.call('NotifyEVChargingSchedule', { timeBase: now(), evseId: 1, chargingSchedule: { id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11040 }] } });
    t.same(above, { status: 'Rejected' }, '11040 W = 16 A per phase > 10 A');
    await eventually(async () => tx(a, txA).length > before, 20_000, 'the TxProfile sent again');
    t.same(tx(a, txA).at(-1), { purpose: 'TxProfile', unit: 'A', limit: 10, transactionId: txA });
    const reported = (await server.apiJson('GET', `/stations/${a.id}/events?kind=ev-charging-schedule`)).body;
    t.match(reported.items[0], { type: 'Rejected', payload: { evseId: 1, violations: [{ period: 0, evA: 16, allowedA: 10 }] } });
    await stop(a, txA);
    await stop(b, txB);
  });

  t.test('a station configured for W and a DC session get W profiles; kW limits at the site voltage', async (t) => {
    const w = await station('SC-W', 'ocpp1.6');
    const dc = await station('SC-DC', 'ocpp2.0.1');
    // 27.6 kW at 230 V × 3 = 40 A per phase.
    t.equal((await server.apiJson('POST', '/sites', { id: 'w-site', nodes: [{ id: 'grid', parentId: null, limitKw: 27.6 }] })).status, 201);
    t.equal((await server.apiJson('POST', '/sites/w-site/attachments', { stationId: w.id, evseId: 1, nodeId: 'grid', chargingRateUnit: 'W' })).status, 201);
    t.equal((await server.apiJson('POST', '/sites/w-site/attachments', { stationId: dc.id, evseId: 1, nodeId: 'grid', maxA: 100 })).status, 201);
    const site = (await server.apiJson('GET', '/sites/w-site')).body;
    t.same(site.tree.limitA, { L1: 40, L2: 40, L3: 40 });
    t.equal(site.voltage, 230);
    // Its safe share: 40 A while it is alone on the site, 20 A once the DC station is attached too; in W.
    const defaults = () => w.got.filter((g) => g.purpose === 'TxDefaultProfile');
    await eventually(async () => defaults().at(-1)?.limit === 20 * 690, 20_000, 'W default at 20 A');
    t.match(defaults().at(-1), { unit: 'W', limit: 20 * 690 }, 'its safe share (20 A) in W');
    t.ok(defaults().every((g) => g.unit === 'W'), 'every default in W');
    const txW = await start(w, 'W-1');
    await eventually(async () => tx(w, txW).at(-1)?.limit === 32 * 690, 20_000, 'W Tx profile at its rating');
    const txDc = await start(dc, 'DC-1');
    await dc.client.call('NotifyEVChargingNeeds', { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'DC', dcChargingParameters: { evMaxCurrent: 200, evMaxVoltage: 400, evMaxPower: 10350 } } });
    // DC: 10350 W = 15 A per phase; the W station keeps 25 (40 − 15).
    await eventually(async () => tx(dc, txDc).at(-1)?.unit === 'W' && tx(w, txW).at(-1)?.limit === 25 * 690, 20_000, 'DC in W, the rest to W');
    t.same(tx(dc, txDc).at(-1), { purpose: 'TxProfile', unit: 'W', limit: 10350, transactionId: txDc });
    await stop(w, txW);
    await stop(dc, txDc);
  });

  t.test('priorities per id token and group through REST decide who is paused', async (t) => {
    const ps = [await station('SC-P1', 'ocpp1.6'), await station('SC-P2', 'ocpp2.0.1'), await station('SC-P3', 'ocpp2.0.1')];
    t.equal((await server.apiJson('POST', '/tokens', { idToken: 'FLEET', priority: 5 })).status, 201);
    t.equal((await server.apiJson('POST', '/tokens', { idToken: 'DRIVER-1', groupId: 'FLEET' })).status, 201);
    const vip = await server.apiJson('PUT', '/tokens/VIP-1', { priority: 10 });
    t.equal(vip.status, 201);
    t.equal(vip.body.priority, 10, 'the priority is in the token view');
    t.equal((await server.apiJson('PUT', '/tokens/BAD', { priority: 5000 })).status, 400, 'out of range');
    t.equal((await server.apiJson('POST', '/sites', { id: 'p-site', nodes: [{ id: 'grid', parentId: null, limitA: 12 }] })).status, 201);
    for (const s of ps) await server.apiJson('POST', '/sites/p-site/attachments', { stationId: s.id, evseId: 1, nodeId: 'grid' });
    // 12 A fit two sessions at 6 A. The first one started has no priority: it is the one paused.
    const tx1 = await start(ps[0]!, 'NOBODY');
    await eventually(async () => tx(ps[0]!, tx1).at(-1)?.limit === 12, 20_000, 'first session alone');
    const tx2 = await start(ps[1]!, 'DRIVER-1');
    const tx3 = await start(ps[2]!, 'VIP-1');
    await eventually(async () => tx(ps[0]!, tx1).at(-1)?.limit === 0 && tx(ps[1]!, tx2).at(-1)?.limit === 6 && tx(ps[2]!, tx3).at(-1)?.limit === 6, 20_000, 'priorities win');
    const paused = await eventually(async () => {
      const x = (await server.apiJson('GET', '/sites/p-site')).body.allocation?.sessions.find((y: any) => y.stationId === 'SC-P1');
      return x?.paused ? x : false;
    }, 20_000, 'the stored allocation');
    t.match(paused, { limitA: 0, paused: true });
    for (const [s, id] of [[ps[0]!, tx1], [ps[1]!, tx2], [ps[2]!, tx3]] as const) await stop(s, id);
  });

  t.test('profiles beyond the attached EVSE rating are refused with a 400', async (t) => {
    // SC-P2 is attached with the site's default rating, 32 A (22080 W on three phases).
    const profile = (limit: number, unit = 'A') => ({ id: 77, stackLevel: 1, purpose: 'TxDefault', kind: 'Absolute', schedules: [{ id: 1, startSchedule: now(), unit, periods: [{ startPeriod: 0, limit }] }] });
    const tooMuch = await server.apiJson('POST', '/stations/SC-P2/charging-profiles', { evseId: 1, profile: profile(40) });
    t.equal(tooMuch.status, 400);
    t.equal(tooMuch.body.code, 'VALIDATION_FAILED');
    t.match(tooMuch.body.message, /beyond the EVSE's rating of 32 A/);
    t.match((await server.apiJson('POST', '/stations/SC-P2/charging-profiles', { evseId: 1, profile: profile(30000, 'W') })).body.message, /rating of 22080 W/);
    const disordered = await server.apiJson('POST', '/stations/SC-P2/charging-profiles', {
      evseId: 1, profile: { ...profile(16), schedules: [{ id: 1, startSchedule: now(), unit: 'A', periods: [{ startPeriod: 0, limit: 16 }, { startPeriod: 600, limit: 10 }, { startPeriod: 300, limit: 8 }] }] },
    });
    t.equal(disordered.status, 400);
    t.match(disordered.body.details.problems, [{ path: 'schedules[0].periods[2].startPeriod', message: /increasing order/ }], 'periods out of order');
    t.equal((await server.apiJson('POST', '/stations/SC-P2/charging-profiles', { evseId: 1, profile: profile(16) })).status, 200, 'within the rating');
    const overlapping = await server.apiJson('POST', '/stations/SC-P2/charging-profiles', { evseId: 1, profile: { ...profile(16), id: 78 } });
    t.equal(overlapping.status, 400);
    t.match(overlapping.body.details.problems, [{ path: 'stackLevel', message: /profile 77 already has TxDefault stack level 1/ }], 'overlapping stack level');
  });

  // 2.0.1 reports Current.Import per phase in TransactionEvent; 1.6 reports Power.Active.Import in MeterValues.
  for (const [i, version] of (['ocpp2.0.1', 'ocpp1.6'] as const).entries()) {
    t.test(`${version}: a station that ignores its profile raises an alert, a metric and clears it when back under`, async (t) => {
      const s = await station(`SC-IGNORE-${i}`, version);
      t.equal((await server.apiJson('POST', '/sites', { id: `i-site-${i}`, nodes: [{ id: 'grid', parentId: null, limitA: 10 }] })).status, 201);
      await server.apiJson('POST', `/sites/i-site-${i}/attachments`, { stationId: s.id, evseId: 1, nodeId: 'grid' });
      const txId = await start(s, `IGNORE-${i}`);
      await eventually(async () => tx(s, txId).at(-1)?.limit === 10, 20_000, 'a 10 A TxProfile');
      // The station's meter says 16 A per phase for 70 s of its own clock (readings timestamped ahead).
      const base = Date.now() + 1000;
      const reading = async (offsetSec: number, amps: number) => {
        const timestamp = new Date(base + offsetSec * 1000).toISOString();
        if (version === 'ocpp1.6') {
          await s.client.call('MeterValues', {
            connectorId: 1, transactionId: Number(txId),
            meterValue: [{ timestamp, sampledValue: [{ value: String(amps * 690), measurand: 'Power.Active.Import', unit: 'W' }] }],
          });
        } else {
          await s.client.call('TransactionEvent', {
            eventType: 'Updated', timestamp, triggerReason: 'MeterValuePeriodic', seqNo: s.seq++,
            transactionInfo: { transactionId: txId },
            meterValue: [{ timestamp, sampledValue: ['L1', 'L2', 'L3'].map((phase) => ({ value: amps, measurand: 'Current.Import', phase, unitOfMeasure: { unit: 'A' } })) }],
          });
        }
      };
      await reading(0, 16);
      await reading(30, 16);
      const open = async () => (await server.apiJson('GET', `/alerts?state=open&stationId=${s.id}`)).body.items as any[];
      t.same(await open(), [], 'within the grace period');
      await reading(70, 16);
      const alerts = await eventually(async () => ((await open()).length > 0 ? open() : false), 20_000, 'an open alert');
      t.match(alerts, [{ stationId: s.id, type: 'ChargingProfileExceeded', source: 'profile-compliance', state: 'open', evseId: 1, payload: { limitA: 10, drawA: 16, transactionId: txId } }]);
      t.equal(metricValue(await server.metrics(), 'csms_profile_exceeded_total'), i + 1);
      t.equal(metricValue(await server.metrics(), 'csms_profile_exceeded_open'), 1);
      t.ok(await eventually(async () => (new RegExp(`"stationId":"${s.id}".*station draws above its charging profile`)).test(server.output().stdout), 30_000, 'one log line'), 'one log line');
      await reading(80, 10.5);
      await eventually(async () => (await open()).length === 0, 20_000, 'cleared');
      const cleared = (await server.apiJson('GET', `/alerts?state=cleared&stationId=${s.id}`)).body.items;
      t.match(cleared, [{ type: 'ChargingProfileExceeded', state: 'cleared' }]);
      t.equal(metricValue(await server.metrics(), 'csms_profile_exceeded_open'), 0);
      await stop(s, txId);
    });
  }
});
