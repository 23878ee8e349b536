import t from 'tap';
import fc from 'fast-check';
import { LoginThrottle, type LoginThrottleSettings } from '../../core/login-throttle.js';

const SETTINGS: LoginThrottleSettings = { freeFailures: 3, addressFreeIds: 3, baseDelayMs: 1000, maxDelayMs: 60_000, lockAfter: 6, lockMs: 600_000, maxKeys: 1000 };

t.test('a station id: free failures, exponential back-off from any address, then a lock', async (t) => {
  const throttle = new LoginThrottle(SETTINGS);
  let now = 0;
  throttle.failed('CS-1', '10.0.0.1', now);
  throttle.failed('CS-1', '10.0.0.2', now);
  t.equal(throttle.blocked('CS-1', '10.0.0.1', now), undefined, 'two failures are free');
  throttle.failed('CS-1', '10.0.0.3', now);
  t.match(throttle.blocked('CS-1', '10.0.0.9', now), { code: 'rate-limited', retryAfterMs: 1000, reason: /station id/ }, 'the third backs the id off 1 s, from every address');
  t.equal(throttle.blocked('CS-2', '10.0.0.1', now), undefined, 'other ids from the same addresses are not affected');
  now += 1000;
  t.equal(throttle.blocked('CS-1', '10.0.0.1', now), undefined, 'free again after the delay');
  throttle.failed('CS-1', '10.0.0.1', now);
  t.match(throttle.blocked('CS-1', '10.0.0.1', now), { retryAfterMs: 2000 }, 'then 2 s');
  now += 2000;
  throttle.failed('CS-1', '10.0.0.1', now);
  t.match(throttle.blocked('CS-1', '10.0.0.1', now), { retryAfterMs: 4000 }, 'then 4 s');
  now += 4000;
  throttle.failed('CS-1', '10.0.0.1', now);
  t.match(throttle.blocked('CS-1', '10.0.0.3', now), { code: 'locked', retryAfterMs: 600_000 }, 'the 6th failure locks the id');
  throttle.succeeded('CS-1');
  t.equal(throttle.blocked('CS-1', '10.0.0.3', now), undefined, 'a success clears the id');
  t.equal(throttle.blocked('CS-2', '10.0.0.1', now), undefined, 'six failures of one id do not block its address');
});

t.test('an address: backs off by the distinct ids that failed from it', async (t) => {
  const throttle = new LoginThrottle(SETTINGS);
  let now = 0;
  throttle.failed('A', '10.0.0.1', now);
  throttle.failed('B', '10.0.0.1', now);
  t.equal(throttle.blocked('Z', '10.0.0.1', now), undefined, 'two ids are free');
  throttle.failed('C', '10.0.0.1', now);
  t.match(throttle.blocked('Z', '10.0.0.1', now), { code: 'rate-limited', retryAfterMs: 1000, reason: /source address.*3 station ids/ }, 'the third id backs the address off');
  t.equal(throttle.blocked('Z', '10.0.0.2', now), undefined, 'another address is not affected');
  throttle.succeeded('C');
  t.ok(throttle.blocked('Z', '10.0.0.1', now), 'a success does not clear the address');
  now += 1000;
  throttle.failed('D', '10.0.0.1', now);
  t.match(throttle.blocked('Z', '10.0.0.1', now), { retryAfterMs: 2000 }, 'each further id doubles it');
});

t.test('the delay never exceeds maxDelayMs and memory stays bounded', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5000 })), { maxLength: 300 }), (steps) => {
      const throttle = new LoginThrottle({ ...SETTINGS, lockAfter: 1_000_000, maxKeys: 20 });
      let now = 0;
      for (const [id, address, advance] of steps) {
        now += advance;
        throttle.failed(`CS-${id}`, `10.0.0.${address}`, now);
        const blocked = throttle.blocked(`CS-${id}`, `10.0.0.${address}`, now);
        if (blocked && blocked.retryAfterMs > SETTINGS.maxDelayMs) return false;
      }
      const sizes = throttle as unknown as { stations: Map<string, unknown>; addresses: Map<string, unknown> };
      return sizes.stations.size <= 20 && sizes.addresses.size <= 20;
    }),
  );
});

t.test('sweep forgets records long idle', async (t) => {
  const throttle = new LoginThrottle(SETTINGS);
  for (let i = 0; i < 3; i++) throttle.failed('CS-1', '10.0.0.1', 0);
  throttle.sweep(1);
  t.ok(throttle.blocked('CS-1', '10.0.0.1', 1), 'a recent record is kept');
  throttle.sweep(10_000_000);
  throttle.failed('CS-1', '10.0.0.1', 10_000_000);
  t.equal(throttle.blocked('CS-1', '10.0.0.1', 10_000_000), undefined, 'after a sweep the count starts again');
});
