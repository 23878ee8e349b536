import type { Test } from 'tap';
import { MAX_EVENTS_PER_STATION, PRUNE_EVERY, type NewStationEvent } from '../../core/station-events.js';
import type { StoreContractOptions } from './store.js';

const event = (stationId: string, kind: NewStationEvent['kind'], type: string, i: number, extra: Partial<NewStationEvent> = {}): NewStationEvent => ({
  tenantId: 't1',
  stationId,
  kind,
  type,
  at: `2026-03-01T00:00:${String(i).padStart(2, '0')}.000Z`,
  receivedAt: `2026-03-01T00:01:${String(i).padStart(2, '0')}.000Z`,
  requestId: null,
  payload: { i },
  ...extra,
});

/** The station-events slice (`store.stationEvents`), run by every adapter. */
export function stationEventStoreContract(t: Test, name: string, options: StoreContractOptions): void {

  t.test(`${name}: alerts listed tenant-wide (listAlerts)`, async (t) => {
    const store = await options.open();
    t.teardown(() => store.close().catch(() => {}));
    const se = store.stationEvents;
    await se.record([event('CS1', 'alert', 'GroundFailure', 1), event('CS1', 'event', 'Alerting', 2)]);
    await se.record([event('CS2', 'alert', 'Door.Problem', 3), { ...event('CS3', 'alert', 'GroundFailure', 4), tenantId: 't2' }]);
    await se.record([event('CS2', 'alert', 'GroundFailure', 5, { payload: { source: 'connector-status', cleared: false } })]);
    const all = await se.listAlerts('t1', { limit: 10 });
    t.same(all.items.map((a) => [a.stationId, a.type]), [['CS2', 'GroundFailure'], ['CS2', 'Door.Problem'], ['CS1', 'GroundFailure']], 'every station of the tenant, newest first, alerts only');
    t.match(all.items[0], { tenantId: 't1', kind: 'alert', payload: { source: 'connector-status', cleared: false } });
    t.same((await se.listAlerts('t1', { limit: 10, stationId: 'CS2' })).items.map((a) => a.type), ['GroundFailure', 'Door.Problem']);
    t.same((await se.listAlerts('t1', { limit: 10, type: 'GroundFailure' })).items.map((a) => a.stationId), ['CS2', 'CS1']);
    const first = await se.listAlerts('t1', { limit: 2 });
    t.equal(first.items.length, 2);
    const rest = await se.listAlerts('t1', { limit: 2, cursor: first.nextCursor });
    t.same(rest.items.map((a) => a.type), ['GroundFailure']);
    t.equal(rest.nextCursor, undefined);
    t.same((await se.listAlerts('t2', { limit: 10 })).items.map((a) => a.stationId), ['CS3'], 'tenant-scoped');
    t.same((await se.listAlerts('t3', { limit: 10 })).items, []);
  });
  t.test(`${name}: alerts as open/cleared states (listAlertStates)`, async (t) => {
    const store = await options.open();
    t.teardown(() => store.close().catch(() => {}));
    const se = store.stationEvents;
    await store.stations.createStation({ tenantId: 't1', id: 'AS1', passwordHash: null });
    const at = (i: number) => `2026-03-01T00:00:${String(i).padStart(2, '0')}.000Z`;
    const connector = (i: number, connectorId: number, type: string) =>
      event('AS1', 'alert', type, i, { payload: { source: 'connector-status', cleared: false, connectorId, status: 'Faulted' } });
    const door = (i: number, cleared: boolean) =>
      event('AS1', 'alert', 'Door.Problem', i, { payload: { source: 'device-event', cleared, component: { name: 'Door', evseId: 1 }, variable: { name: 'Problem' } } });
    const status16 = (i: number, connectorId: number, errorCode: string) =>
      store.stations.recordConnectorStatus({
        tenantId: 't1', stationId: 'AS1', evseId: connectorId, connectorId: 1, status: errorCode === 'NoError' ? 'Available' : 'Faulted',
        detailedStatus: null, errorCode, info: null, vendorErrorCode: null, reportedAt: at(i),
      });
    const states = async (query: Record<string, unknown> = {}) => (await se.listAlertStates('t1', { limit: 50, ...query })).items;

    await se.record([connector(1, 2, 'GroundFailure'), connector(2, 3, 'HighTemperature')]);
    await se.record([door(3, false)]);
    await se.record([event('AS1', 'alert', 'TamperDetectionActivated', 4, { payload: { source: 'security-event', cleared: false } })]);
    t.match(await states({ state: 'open' }), [
      { type: 'TamperDetectionActivated', source: 'security-event', state: 'open', evseId: null },
      { type: 'Door.Problem', source: 'device-event', evseId: 1, connectorId: null, openedAt: at(3), clearedAt: null, count: 1 },
      { type: 'HighTemperature', evseId: 3, connectorId: 1 },
      { type: 'GroundFailure', tenantId: 't1', stationId: 'AS1', evseId: 2, connectorId: 1, openedAt: at(1), lastAt: at(1), payload: { status: 'Faulted' } },
    ], 'one state per subject, the most recently changed first');

    // 1.6: NoError on connector 2 clears its GroundFailure; connector 3 reporting the same error keeps its alert.
    await status16(5, 2, 'NoError');
    await status16(6, 3, 'HighTemperature');
    await status16(0, 3, 'NoError'); // older than the alert: changes nothing
    t.same((await states({ state: 'open' })).map((a) => a.type), ['TamperDetectionActivated', 'Door.Problem', 'HighTemperature']);
    t.match(await states({ state: 'cleared' }), [{ type: 'GroundFailure', state: 'cleared', clearedAt: at(5), lastAt: at(5) }]);
    // A different errorCode on connector 3: the old one is over (the new one is opened by its own record).
    await status16(7, 3, 'OverVoltage');
    t.same((await states({ state: 'cleared' })).map((a) => a.type), ['HighTemperature', 'GroundFailure']);

    // 2.x: the cleared flag closes it; raised again, it reopens with a new openedAt and a count of 2.
    await se.record([door(8, true)]);
    t.match((await states({ type: 'Door.Problem' }))[0], { state: 'cleared', openedAt: at(3), clearedAt: at(8), count: 1 });
    await se.record([door(2, false)]);
    t.match((await states({ type: 'Door.Problem' }))[0], { state: 'cleared', lastAt: at(8) }, 'a late, older record changes nothing');
    await se.record([door(9, false)]);
    t.match((await states({ type: 'Door.Problem' }))[0], { state: 'open', openedAt: at(9), clearedAt: null, count: 2 });

    t.same((await states({ stationId: 'nope' })), []);
    t.same((await se.listAlertStates('t2', { limit: 10 })).items, [], 'tenant-scoped');
    const first = await se.listAlertStates('t1', { limit: 2 });
    const rest = await se.listAlertStates('t1', { limit: 10, cursor: first.nextCursor });
    t.same([...first.items, ...rest.items].map((a) => a.type), (await states()).map((a) => a.type), 'cursor pagination');
    t.equal(rest.nextCursor, undefined);
    t.equal(await store.stations.deleteStation('t1', 'AS1'), true);
    t.same(await states(), [], 'deleted with its station');
  });

  t.test(`${name}: station event store contract`, async (t) => {
    const store = await options.open();
    t.teardown(() => store.close().catch(() => {}));
    const se = store.stationEvents;
    await se.record([]);
    await se.record([event('CS1', 'security-event', 'StartupOfTheDevice', 1), event('CS1', 'event', 'Alerting', 2), event('CS1', 'event', 'Delta', 3)]);
    await Promise.all([
      se.record([event('CS1', 'firmware-status', 'Downloading', 4, { requestId: 7 })]),
      se.record([event('CS2', 'log-status', 'Uploading', 5, { requestId: 7 })]),
    ]);
    await se.record([event('CS1', 'firmware-status', 'Installed', 6, { requestId: 7, payload: { nested: { a: [1, 'x'] } } })]);
    await se.record([{ ...event('CS1', 'security-event', 'X', 7), tenantId: 't2' }]);

    const all = await se.list('t1', 'CS1', { limit: 10 });
    t.same(all.items.map((e) => e.type), ['Installed', 'Downloading', 'Delta', 'Alerting', 'StartupOfTheDevice'], 'newest first, this station and tenant only');
    t.equal(all.nextCursor, undefined);
    t.match(all.items[0], {
      tenantId: 't1', stationId: 'CS1', kind: 'firmware-status', type: 'Installed', requestId: 7,
      at: '2026-03-01T00:00:06.000Z', receivedAt: '2026-03-01T00:01:06.000Z', payload: { nested: { a: [1, 'x'] } },
    });
    t.equal(all.items[4]?.requestId, null);
    t.ok(all.items[0]!.id > all.items[1]!.id, 'ids increase');

    const first = await se.list('t1', 'CS1', { limit: 2 });
    t.same(first.items.map((e) => e.type), ['Installed', 'Downloading']);
    t.type(first.nextCursor, 'string');
    const second = await se.list('t1', 'CS1', { limit: 2, cursor: first.nextCursor });
    t.same(second.items.map((e) => e.type), ['Delta', 'Alerting']);
    const third = await se.list('t1', 'CS1', { limit: 2, cursor: second.nextCursor });
    t.same(third.items.map((e) => e.type), ['StartupOfTheDevice']);
    t.equal(third.nextCursor, undefined);

    t.same((await se.list('t1', 'CS1', { limit: 10, kind: 'event' })).items.map((e) => e.type), ['Delta', 'Alerting'], 'by kind');
    t.same((await se.list('t1', 'CS1', { limit: 10, kind: 'firmware-status', type: 'Downloading' })).items.map((e) => e.payload), [{ i: 4 }], 'by type');
    t.same((await se.list('t1', 'CS1', { limit: 10, requestId: 7 })).items.map((e) => e.type), ['Installed', 'Downloading'], 'by request');
    t.same((await se.list('t2', 'CS1', { limit: 10 })).items.map((e) => e.type), ['X'], 'tenant-scoped');
    t.same((await se.list('t1', 'CS2', { limit: 10 })).items.map((e) => e.kind), ['log-status']);
    await t.rejects(se.list('t1', 'CS1', { limit: 10, cursor: 'nonsense' }), { name: 'InvalidCursorError' });
  });
  t.test(`${name}: station events are pruned to the newest per station`, async (t) => {
    const store = await options.open();
    t.teardown(() => store.close().catch(() => {}));
    const se = store.stationEvents;
    const count = async (stationId: string) => {
      let n = 0;
      let cursor: string | undefined;
      do {
        const page = await se.list('t1', stationId, { limit: 1000, cursor });
        n += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
      return n;
    };
    await se.record(Array.from({ length: 5 }, (_, i) => event('KEEP', 'event', `k${i}`, i)));
    t.equal(await se.prune('KEEP', 3), 2, 'explicit prune: the two oldest go');
    t.same((await se.list('t1', 'KEEP', { limit: 10 })).items.map((e) => e.type), ['k4', 'k3', 'k2']);
    t.equal(await se.prune('KEEP', 10), 0, 'fewer than kept: nothing goes');
    t.equal(await se.prune('NONE', 10), 0, 'unknown station');

    // A storm: more than MAX_EVENTS_PER_STATION in one message is pruned in the same write.
    const storm = Array.from({ length: MAX_EVENTS_PER_STATION + PRUNE_EVERY - 1 }, (_, i) => event('STORM', 'event', `s${i}`, i % 60));
    await se.record(storm);
    t.equal(await count('STORM'), MAX_EVENTS_PER_STATION, `kept: the newest ${MAX_EVENTS_PER_STATION}`);
    t.equal((await se.list('t1', 'STORM', { limit: 1 })).items[0]?.type, `s${storm.length - 1}`, 'the newest stays');
    t.equal(await count('KEEP'), 3, 'other stations untouched');
  });
}
