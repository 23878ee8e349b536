import t from 'tap';
import { mock } from 'node:test';
import { startPeriodicSweep } from '../../actors/commands/periodic-sweep.js';

// The timer loop shared by the reservation, cost-update and report-timeout sweeps. Node's mock
// timers drive setInterval, so nothing here waits for real time.

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

t.test('one sweep at a time; a failure is reported and the next tick runs again; stop() waits', async (t) => {
  mock.timers.enable({ apis: ['setInterval'] });
  t.teardown(() => mock.timers.reset());
  const finishers: Array<(fail?: boolean) => void> = [];
  const errors: unknown[] = [];
  let started = 0;
  const loop = startPeriodicSweep(
    () => {
      started++;
      return new Promise<void>((resolve, reject) => finishers.push((fail) => (fail ? reject(new Error('boom')) : resolve())));
    },
    1000,
    (error) => errors.push(error),
  );

  mock.timers.tick(999);
  t.equal(started, 0, 'nothing before the first period');
  mock.timers.tick(1);
  t.equal(started, 1, 'the first tick starts a sweep');
  mock.timers.tick(5000);
  t.equal(started, 1, 'ticks while it runs start no second one');

  finishers[0]!(true);
  await settle();
  t.equal(errors.length, 1, 'the failure goes to onError');
  t.match(String(errors[0]), /boom/);
  mock.timers.tick(1000);
  t.equal(started, 2, 'the next tick after a failure sweeps again');

  let stopped = false;
  const stopping = loop.stop().then(() => (stopped = true));
  await settle();
  t.notOk(stopped, 'stop() waits for the running sweep');
  finishers[1]!();
  await stopping;
  t.ok(stopped);
  mock.timers.tick(10_000);
  t.equal(started, 2, 'no sweep after stop()');
  t.equal(errors.length, 1);
});
