import t, { type Test } from 'tap';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import { limitInForce, PROFILE_EXCEEDED, ProfileComplianceWatch } from '../../actors/commands/profile-compliance-watch.js';
import { busEvent, type BusEvent } from '../../core/envelope.js';
import type { ChargingProfile } from '../../core/charging-profile.js';

// Stations that ignore a charging profile: the watch against a real SQLite station-event store
// (alerts and their open/cleared state), fed bus events as main's bus delivers them.

const T0 = Date.parse('2026-01-01T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function txProfile(limit: number, unit: 'A' | 'W' = 'A', extra: Partial<ChargingProfile> = {}): ChargingProfile {
  return { id: 9200001, stackLevel: 2, purpose: 'Tx', kind: 'Absolute', transactionId: 'tx-1', schedules: [{ id: 1, startSchedule: at(0), unit, periods: [{ startPeriod: 0, limit }] }], ...extra };
}

function meter(s: number, values: Array<{ measurand: string; phase?: string | null; value: number; unit?: string }>, transactionId = 'tx-1') {
  return busEvent('meter.values', 't1', 'CS1', {
    transactionId, evseId: 1,
    meterValue: [{ timestamp: at(s), sampledValue: values.map((v) => ({ phase: null, unit: null, multiplier: 0, context: null, location: null, ...v })) }],
  });
}
const amps = (s: number, a: number) => meter(s, [{ measurand: 'Current.Import', phase: 'L1', value: a }, { measurand: 'Current.Import', phase: 'L2', value: a - 1 }]);

async function setup(t: Test) {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const published: BusEvent[] = [];
  const metrics: string[] = [];
  const logs: Array<[string, object]> = [];
  const watch = new ProfileComplianceWatch({
    store, publish: (e) => published.push(e), holds: (id) => id === 'CS1',
    metrics: { exceeded: (o) => metrics.push(o) },
    log: { warn: (obj, msg) => logs.push([msg, obj]), info: (obj, msg) => logs.push([msg, obj]) },
  });
  const set = (profile: ChargingProfile, evseId = 1, s = 0) => watch.onEvent(busEvent('profile.set', 't1', 'CS1', { evseId, profile }, new Date(T0 + s * 1000)));
  const flush = () => new Promise((r) => setTimeout(r, 10));
  return { store, watch, published, metrics, logs, set, flush };
}

t.test('a session above its Tx limit beyond tolerance for the grace period raises an alert; back under clears it', async (t) => {
  const { store, watch, published, metrics, logs, set, flush } = await setup(t);
  set(txProfile(10));
  watch.onEvent(amps(10, 10.9)); // within the 1 A tolerance
  watch.onEvent(amps(20, 16));
  watch.onEvent(amps(60, 16));
  await flush();
  t.same(published, [], 'still within the 60 s grace');
  watch.onEvent(amps(81, 16));
  await flush();
  t.equal(published.length, 1);
  t.match(published[0], { type: 'alert.raised', payload: { type: PROFILE_EXCEEDED, source: 'profile-compliance', cleared: false, evseId: 1, transactionId: 'tx-1', limitA: 10, drawA: 16, profileId: 9200001 } });
  t.same(metrics, ['raise']);
  t.equal(logs[0]![0], 'station draws above its charging profile');
  let alerts = await store.stationEvents.listAlertStates('t1', { limit: 10 });
  t.match(alerts.items, [{ stationId: 'CS1', type: PROFILE_EXCEEDED, state: 'open', evseId: 1 }]);
  watch.onEvent(amps(90, 17));
  await flush();
  t.equal(published.length, 1, 'raised once per episode');
  watch.onEvent(amps(100, 9));
  await flush();
  t.match(published[1], { type: 'alert.raised', payload: { type: PROFILE_EXCEEDED, cleared: true } });
  t.same(metrics, ['raise', 'clear']);
  alerts = await store.stationEvents.listAlertStates('t1', { limit: 10 });
  t.match(alerts.items, [{ state: 'cleared' }]);
});

t.test('W profiles and Power.Active.Import readings are compared as A per phase', async (t) => {
  const single = await setup(t);
  // Single phase: 2300 W = 10 A; a power reading of 3680 W on that phase is 16 A.
  single.set(txProfile(2300, 'W', { schedules: [{ id: 1, startSchedule: at(0), unit: 'W', periods: [{ startPeriod: 0, limit: 2300, numberPhases: 1 }] }] }));
  single.watch.onEvent(meter(0, [{ measurand: 'Power.Active.Import', value: 3680, unit: 'W' }]));
  single.watch.onEvent(meter(61, [{ measurand: 'Power.Active.Import', value: 3680, unit: 'W' }]));
  await single.flush();
  t.match(single.published, [{ payload: { limitA: 10, drawA: 16 } }]);
  const { watch, published, set, flush } = await setup(t);
  set(txProfile(6900, 'W')); // 10 A over three phases at 230 V
  watch.onEvent(meter(0, [{ measurand: 'Power.Active.Import', value: 11040, unit: 'W' }])); // 16 A
  watch.onEvent(meter(61, [{ measurand: 'Power.Active.Import', value: 11.04, unit: 'kW' }]));
  await flush();
  t.match(published, [{ payload: { limitA: 10, drawA: 16, cleared: false } }]);
});

t.test('what is not checked: other stations, no profile, TxDefault tiers, cleared profiles, an ended session', async (t) => {
  const { watch, published, set, flush } = await setup(t);
  // A station this node does not hold: its profiles are not tracked.
  watch.onEvent(busEvent('profile.set', 't1', 'CS2', { evseId: 1, profile: txProfile(10) }));
  watch.onEvent(busEvent('meter.values', 't1', 'CS2', { transactionId: 'tx-1', evseId: 1, meterValue: [{ timestamp: at(0), sampledValue: [{ measurand: 'Current.Import', phase: 'L1', value: 40 }] }] }));
  watch.onEvent(busEvent('meter.values', 't1', 'CS2', { transactionId: 'tx-1', evseId: 1, meterValue: [{ timestamp: at(100), sampledValue: [{ measurand: 'Current.Import', phase: 'L1', value: 40 }] }] }));
  // A TxDefault on the station (evse 0) applies when the transaction has no Tx profile.
  set({ id: 9100000, stackLevel: 2, purpose: 'TxDefault', kind: 'Absolute', schedules: [{ id: 1, startSchedule: at(0), unit: 'A', periods: [{ startPeriod: 0, limit: 20 }] }] }, 0);
  watch.onEvent(amps(0, 21));
  watch.onEvent(amps(100, 21));
  await flush();
  t.same(published, [], '21 A is within 20 A + 10 %');
  watch.onEvent(amps(110, 30));
  watch.onEvent(amps(200, 30));
  await flush();
  t.match(published, [{ payload: { limitA: 20, profileId: 9100000, cleared: false } }], 'over the default');
  // The session ends: its open alert is closed with it.
  watch.onEvent(busEvent('transaction.ended', 't1', 'CS1', { transactionId: 'tx-1', evseId: null }));
  await flush();
  t.match(published[1], { payload: { cleared: true, reason: 'transaction-ended', evseId: 1 } }, 'closed on its EVSE even when the end names none');
  // Profiles cleared: nothing is checked any more.
  watch.onEvent(busEvent('profile.cleared', 't1', 'CS1', { filter: { purpose: 'TxDefault' }, removed: 1 }));
  watch.onEvent(meter(300, [{ measurand: 'Current.Import', phase: 'L1', value: 60 }], 'tx-2'));
  watch.onEvent(meter(400, [{ measurand: 'Current.Import', phase: 'L1', value: 60 }], 'tx-2'));
  await flush();
  t.equal(published.length, 2);
});

t.test('limitInForce follows the schedule periods, validity and duration', async (t) => {
  const profile: ChargingProfile = { id: 1, stackLevel: 0, purpose: 'Tx', kind: 'Absolute', transactionId: 'x', schedules: [{ id: 1, startSchedule: at(0), duration: 3600, unit: 'A', periods: [{ startPeriod: 0, limit: 16 }, { startPeriod: 1800, limit: 8 }] }] };
  const known = { profile, setAt: at(0) };
  t.same(limitInForce(known, T0 + 60_000), { limitA: 16, since: at(0), wattsPerAmp: 690 });
  t.same(limitInForce(known, T0 + 1_800_000), { limitA: 8, since: at(1800), wattsPerAmp: 690 });
  t.equal(limitInForce(known, T0 + 3_600_000), undefined, 'after its duration');
  t.equal(limitInForce(known, T0 - 1), undefined, 'before its start');
  t.equal(limitInForce({ profile: { ...profile, validTo: at(60) }, setAt: at(0) }, T0 + 120_000), undefined, 'past validTo');
  t.same(limitInForce({ profile, setAt: at(100) }, T0 + 120_000), { limitA: 16, since: at(100), wattsPerAmp: 690 }, 'in force since it was accepted');
  const single: ChargingProfile = { ...profile, schedules: [{ id: 1, startSchedule: at(0), unit: 'W', periods: [{ startPeriod: 0, limit: 2300, numberPhases: 1 }] }] };
  t.same(limitInForce({ profile: single, setAt: at(0) }, T0 + 60_000), { limitA: 10, since: at(0), wattsPerAmp: 230 }, 'a single-phase W period');
});
