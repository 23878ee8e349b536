import type { Test } from 'tap';
import type { Bus, Subscription } from '../../core/ports/bus.js';
import type { BusEvent } from '../../core/types.js';

/**
 * The bus contract, written once: every bus adapter's test calls `busContract` with a factory
 * and must pass it unchanged. Delivery may be asynchronous, so tests wait for events, never for
 * a time. To show that something was NOT delivered, each subscriber waits for a final marker
 * event it does match: delivery to one subscription is in publish order, so anything wrongly
 * matched would have arrived before the marker.
 */
export interface BusContractOptions {
  /** A fresh bus; events published on it reach its own subscribers. */
  open(): Promise<Bus>;
  /**
   * Resolves once subscriptions made so far are live (e.g. a round trip to a NATS server).
   * Omit for in-process buses.
   */
  ready?(bus: Bus): Promise<void>;
}

export function event(type: string, overrides: Partial<BusEvent> = {}): BusEvent {
  return {
    v: 1,
    type,
    tenantId: 'acme',
    stationId: 'CS-1',
    timestamp: '2025-01-02T03:04:05.000Z',
    payload: {},
    ...overrides,
  };
}

const FINAL = { final: true };
const isFinal = (e: BusEvent) => (e.payload as { final?: boolean }).final === true;

/** Collects events on `pattern` until one marked final arrives (the marker itself is kept). */
function collect(bus: Bus, pattern: string): { events: BusEvent[]; done: Promise<void>; sub: Subscription; types: () => string[] } {
  const events: BusEvent[] = [];
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const sub = bus.subscribe(pattern, (e) => {
    events.push(e);
    if (isFinal(e)) resolve();
  });
  return { events, done, sub, types: () => events.filter((e) => !isFinal(e)).map((e) => e.type) };
}

export function busContract(t: Test, name: string, options: BusContractOptions): void {
  async function fresh(tt: Test): Promise<Bus> {
    const bus = await options.open();
    tt.teardown(() => bus.close());
    return bus;
  }
  const ready = (bus: Bus) => options.ready?.(bus);

  t.test(`${name}: bus contract`, async (t) => {
    t.test('a subscriber receives events in publish order, intact', async (t) => {
      const bus = await fresh(t);
      t.type(bus.kind, 'string');
      const all = collect(bus, '>');
      await ready(bus);
      const booted = event('station.booted', {
        tenantId: 't1', stationId: 'S-9', timestamp: '2025-05-06T07:08:09.123Z', payload: { vendor: 'V', nested: { a: [1, 2] }, none: null },
      });
      bus.publish(booted);
      bus.publish(event('connector.status', { payload: { evseId: 1 } }));
      bus.publish(event('station.disconnected', { payload: FINAL }));
      await all.done;
      t.same(all.events.map((e) => e.type), ['station.booted', 'connector.status', 'station.disconnected']);
      t.same(all.events[0], booted, 'v, type, tenantId, stationId, timestamp and payload arrive as published');
      for (const e of all.events) {
        t.equal(e.v, 1);
        t.equal(e.tenantId, e === all.events[0] ? 't1' : 'acme');
        t.type(e.stationId, 'string');
        t.ok(!Number.isNaN(Date.parse(e.timestamp)), 'timestamp is an ISO time');
      }
    });

    t.test('patterns: exact, * for one segment, > for one or more trailing segments', async (t) => {
      const bus = await fresh(t);
      const exact = collect(bus, 'station.booted');
      const star = collect(bus, 'station.*');
      const tail = collect(bus, 'station.>');
      const middle = collect(bus, '*.status');
      await ready(bus);
      for (const type of ['station.booted', 'station.connected', 'station.firmware.updated', 'station', 'connector.status', 'stationx.booted', 'station.booted.late']) {
        bus.publish(event(type));
      }
      bus.publish(event('station.booted', { payload: FINAL }));
      bus.publish(event('connector.status', { payload: FINAL }));
      await Promise.all([exact.done, star.done, tail.done, middle.done]);
      t.same(exact.types(), ['station.booted']);
      t.same(star.types(), ['station.booted', 'station.connected']);
      t.same(tail.types(), ['station.booted', 'station.connected', 'station.firmware.updated', 'station.booted.late']);
      t.same(middle.types(), ['connector.status']);
    });

    t.test('unsubscribe stops delivery to that subscriber only', async (t) => {
      const bus = await fresh(t);
      const gone = collect(bus, 'station.*');
      const stays = collect(bus, 'station.*');
      await ready(bus);
      bus.publish(event('station.booted', { payload: FINAL }));
      await gone.done;
      gone.sub.unsubscribe();
      await ready(bus);
      bus.publish(event('station.connected'));
      bus.publish(event('station.disconnected', { payload: FINAL }));
      await waitFor(() => stays.events.length === 3);
      t.same(stays.events.map((e) => e.type), ['station.booted', 'station.connected', 'station.disconnected']);
      // A late delivery to `gone` would come no later than to `stays` from the same publish; give it the same chance.
      await ready(bus);
      t.same(gone.events.map((e) => e.type), ['station.booted'], 'nothing after unsubscribe');
      t.doesNotThrow(() => gone.sub.unsubscribe(), 'unsubscribing twice is harmless');
    });

    t.test('a throwing subscriber does not break the publisher or the others', async (t) => {
      const bus = await fresh(t);
      let calls = 0;
      bus.subscribe('>', () => {
        calls++;
        throw new Error('subscriber bug');
      });
      const ok = collect(bus, '>');
      await ready(bus);
      t.doesNotThrow(() => bus.publish(event('station.booted')));
      bus.publish(event('station.connected'));
      bus.publish(event('station.disconnected', { payload: FINAL }));
      await ok.done;
      t.same(ok.types(), ['station.booted', 'station.connected']);
      await waitFor(() => calls === 3);
      t.equal(calls, 3, 'the throwing subscriber keeps receiving events');
    });

    t.test('close resolves; publishing afterwards does not throw', async (t) => {
      const bus = await options.open();
      collect(bus, '>');
      await ready(bus);
      await bus.close();
      t.doesNotThrow(() => bus.publish(event('station.booted')));
    });
  });
}

/** Waits until `condition` holds, yielding to the event loop in between. */
async function waitFor(condition: () => boolean, turns = 100_000): Promise<void> {
  for (let i = 0; i < turns && !condition(); i++) await new Promise((r) => setImmediate(r));
  if (!condition()) throw new Error('condition never held');
}
