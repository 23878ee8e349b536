import t from 'tap';
import fc from 'fast-check';
import { formatMinor, sessionCost, toMicros, validateTariff, TariffError, type Tariff } from '../../core/tariff.js';

const amsterdam: Tariff = {
  id: 'std',
  currency: 'EUR',
  timeZone: 'Europe/Amsterdam',
  taxPercent: '21',
  sessionFee: '0.50',
  prices: { energy: '0.30', chargingTime: '1.20', idleTime: '6.00' },
  periods: [{ days: [1, 2, 3, 4, 5], start: '07:00', end: '23:00', energy: '0.40' }],
  idleGraceMinutes: 10,
};

t.test('a weekday evening session across the 23:00 boundary, with idle fee and tax (hand-computed)', async (t) => {
  // Monday 2 March 2026, Amsterdam is UTC+1. 21:30–23:45 local.
  const cost = sessionCost(amsterdam, {
    startedAt: '2026-03-02T20:30:00Z',
    endedAt: '2026-03-02T22:45:00Z',
    readings: [
      { at: '2026-03-02T22:30:00Z', wh: 18000 }, // any order
      { at: '2026-03-02T20:30:00Z', wh: 1000 },
      { at: '2026-03-02T21:30:00Z', wh: 12000 },
    ],
    chargingPeriods: [{ from: '2026-03-02T20:30:00Z', to: '2026-03-02T22:30:00Z' }],
  });
  // Energy: 11 kWh at 0.40 (21:30–22:30 local), then 6 kWh over 22:30–23:30 local: 3 at 0.40, 3 at 0.30.
  t.same(cost.energy, { exclTax: 440 + 120 + 90, quantity: 17 });
  // Charging 2 h at 1.20; idle from 23:30 local + 10 min grace to 23:45: 5 min at 6.00/h.
  t.same(cost.chargingTime, { exclTax: 240, quantity: 2 });
  t.same(cost.idleTime, { exclTax: 50, quantity: 5 / 60 });
  t.same(cost.sessionFee, { exclTax: 50, quantity: 1 });
  t.equal(cost.totalExclTax, 990);
  t.equal(cost.tax, 208, '21 % of 9.90 = 2.079, half-up to 2.08');
  t.equal(cost.totalInclTax, 1198);
  t.equal(formatMinor(cost.totalInclTax, cost.minorDigits), '11.98');
});

t.test('the night period ends at 07:00 local on the night clocks go forward', async (t) => {
  // Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST. 07:00 CEST is 05:00Z.
  const tariff: Tariff = { id: 'night', currency: 'EUR', timeZone: 'Europe/Amsterdam', taxPercent: '0', prices: { energy: '0.30' }, periods: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '07:00', energy: '0.20' }] };
  const readings = Array.from({ length: 7 }, (_, h) => ({ at: `2026-03-29T0${h}:00:00Z`, wh: h * 1000 }));
  const cost = sessionCost(tariff, { startedAt: '2026-03-29T00:00:00Z', endedAt: '2026-03-29T06:00:00Z', readings, chargingPeriods: [] });
  t.equal(cost.energy.exclTax, 5 * 20 + 30, '5 kWh at night, 1 kWh after 07:00 CEST');
  t.equal(cost.idleTime.exclTax, 0, 'no charging periods reported: no idle fee');
});

t.test('running cost mid-session, currencies without a minor unit, register resets', async (t) => {
  const yen: Tariff = { id: 'jp', currency: 'JPY', minorDigits: 0, taxPercent: '10', prices: { energy: '55' } };
  const cost = sessionCost(yen, {
    startedAt: '2026-05-01T00:00:00Z',
    endedAt: '2026-05-01T01:00:00Z',
    readings: [
      { at: '2026-05-01T00:00:00Z', wh: 500 },
      { at: '2026-05-01T00:30:00Z', wh: 2500 },
      { at: '2026-05-01T00:40:00Z', wh: 0 }, // the register was reset: nothing counted for this step
      { at: '2026-05-01T01:00:00Z', wh: 1234 },
    ],
    chargingPeriods: [{ from: '2026-05-01T00:00:00Z', to: '2026-05-01T01:00:00Z' }],
  });
  t.equal(cost.energy.exclTax, Math.round(3.234 * 55), '3.234 kWh at 55 yen');
  t.equal(cost.tax, Math.round(cost.energy.exclTax * 0.1));
  t.equal(formatMinor(cost.totalInclTax, 0), String(cost.totalInclTax));
});

t.test('bad tariffs are refused with the reason', async (t) => {
  const bad = (patch: Partial<Tariff>, pattern: RegExp) => t.throws(() => validateTariff({ ...amsterdam, ...patch }), pattern);
  bad({ taxPercent: '-1' }, /taxPercent/);
  bad({ prices: { energy: '0.1234567' } }, /at most 6 decimals/);
  bad({ prices: { energy: '1e3' } }, /prices.energy/);
  bad({ periods: [{ days: [1], start: '08:00', end: '07:00' }] }, /not after start/);
  bad({ periods: [{ days: [1], start: '25:00', end: '26:00' }] }, /not HH:MM/);
  bad({ periods: [{ days: [1, 2], start: '07:00', end: '12:00' }, { days: [2], start: '11:00', end: '13:00' }] }, /periods\[1\] overlaps periods\[0\] on weekday 2/);
  bad({ periods: [{ days: [8], start: '07:00', end: '12:00' }] }, /ISO weekdays/);
  bad({ timeZone: 'Mars/Olympus' }, /unknown time zone/);
  t.doesNotThrow(() => validateTariff({ ...amsterdam, periods: [{ days: [1], start: '07:00', end: '12:00' }, { days: [1], start: '12:00', end: '24:00' }] }), 'touching periods are fine');
  t.throws(() => sessionCost(amsterdam, { startedAt: '2026-01-02T00:00:00Z', endedAt: '2026-01-01T00:00:00Z', readings: [], chargingPeriods: [] }), TariffError);
});

t.test('decimal parsing is exact', async (t) => {
  t.equal(toMicros('0.35', 'x'), 350_000n);
  t.equal(toMicros('12', 'x'), 12_000_000n);
  t.equal(toMicros('0.000001', 'x'), 1n);
  t.equal(formatMinor(5, 2), '0.05');
  t.equal(formatMinor(-1234, 2), '-12.34');
});

t.test('property: the energy cost lies between the cheapest and the dearest price times the energy', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 2, maxLength: 12 }),
      fc.integer({ min: 1, max: 10 }),
      (steps, minutesPerStep) => {
        const start = Date.parse('2026-03-02T05:00:00Z');
        let wh = 0;
        const readings = steps.map((s, i) => ({ at: new Date(start + i * minutesPerStep * 60_000).toISOString(), wh: (wh += s) }));
        const end = readings[readings.length - 1]!.at;
        const whole = sessionCost({ ...amsterdam, sessionFee: '0', idleGraceMinutes: 0 }, { startedAt: readings[0]!.at, endedAt: end, readings, chargingPeriods: [] });
        // Energy is never negative and never above the dearest price times the energy.
        const kwh = (wh - steps[0]!) / 1000;
        return whole.energy.exclTax >= Math.floor(kwh * 30) - 1 && whole.energy.exclTax <= Math.ceil(kwh * 40) + 1 && whole.energy.quantity === kwh;
      },
    ),
    { numRuns: 300 },
  );
  t.pass();
});
