import t from 'tap';
import { matchesPattern } from '../../core/ports/bus.js';
import { MemoryBus } from '../../adapters/bus/memory-bus.js';
import { busContract, event } from '../contract/bus.js';

busContract(t, 'MemoryBus', { open: async () => new MemoryBus() });

t.test('matchesPattern', async (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['station.booted', 'station.booted', true],
    ['station.booted', 'station.connected', false],
    ['station.booted', 'station.booted.x', false],
    ['station.booted.x', 'station.booted', false],
    ['station.*', 'station.booted', true],
    ['station.*', 'station', false],
    ['station.*', 'station.a.b', false],
    ['*.status', 'connector.status', true],
    ['*.*', 'a.b', true],
    ['*', 'a', true],
    ['*', 'a.b', false],
    ['>', 'a', true],
    ['>', 'a.b.c', true],
    ['station.>', 'station', false],
    ['station.>', 'station.a', true],
    ['station.>', 'station.a.b', true],
    ['station.>', 'stations.a', false],
    ['*.>', 'a.b', true],
    ['*.>', 'a', false],
  ];
  for (const [pattern, type, expected] of cases) t.equal(matchesPattern(pattern, type), expected, `${pattern} vs ${type}`);
});

t.test('MemoryBus reports subscriber errors and delivers outside the publisher call', async (t) => {
  const errors: unknown[] = [];
  const bus = new MemoryBus((e) => errors.push(e));
  const order: string[] = [];
  bus.subscribe('>', () => {
    order.push('subscriber');
    throw new Error('bug');
  });
  bus.publish(event('station.booted'));
  order.push('after publish');
  await new Promise((r) => setImmediate(r));
  t.same(order, ['after publish', 'subscriber']);
  t.equal(errors.length, 1);
  t.match(String(errors[0]), /bug/);
  await bus.close();
  bus.publish(event('station.booted'));
  await new Promise((r) => setImmediate(r));
  t.equal(order.length, 2, 'nothing delivered after close');
});
