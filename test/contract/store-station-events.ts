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
