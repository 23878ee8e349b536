import t from 'tap';
import fc from 'fast-check';
import { connectorDot, formatDuration, formatKwh, matchesPattern, meterSeries, stationDot } from '../../ui/src/format.ts';
import { matchesPattern as busMatches } from '../../core/ports/bus.js';

t.test('the UI matches event types exactly like the bus', async (t) => {
  t.ok(matchesPattern('station.*', 'station.connected'));
  t.notOk(matchesPattern('station.*', 'connector.status'));
  t.ok(matchesPattern('>', 'transaction.ended'));
  t.ok(matchesPattern('transaction.>', 'transaction.ended'));
  const segment = fc.constantFrom('station', 'connector', 'status', 'connected', 'ended', '*', '>');
  fc.assert(
    fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.array(segment.filter((s) => s !== '*' && s !== '>'), { minLength: 1, maxLength: 4 }), (p, ty) => {
      const pattern = p.join('.');
      const type = ty.join('.');
      return matchesPattern(pattern, type) === busMatches(pattern, type);
    }),
  );
});

t.test('status dots', async (t) => {
  t.equal(stationDot(false, [{ status: 'Faulted' }]), 'offline', 'offline wins');
  t.equal(stationDot(true, []), 'online');
  t.equal(stationDot(true, [{ status: 'Occupied' }, { status: 'Available' }]), 'charging');
  t.equal(stationDot(true, [{ status: 'Occupied' }, { status: 'Faulted' }]), 'faulted', 'a fault shows first');
  t.equal(connectorDot('Available'), 'online');
  t.equal(connectorDot('Reserved'), 'unavailable');
  t.equal(connectorDot('Whatever'), 'offline');
});

t.test('durations and energy', async (t) => {
  t.equal(formatDuration(null), '—');
  t.equal(formatDuration(42), '42 s');
  t.equal(formatDuration(125), '2 min 5 s');
  t.equal(formatDuration(3 * 3600 + 7 * 60), '3 h 07 min');
  t.equal(formatKwh(12.5), '12.50 kWh');
  t.equal(formatKwh(1.23456), '1.235 kWh');
  t.equal(formatKwh(undefined), '—');
});

t.test('meter series: energy since meter start, power summed over phases, units and multipliers', async (t) => {
  const at = (m: number) => new Date(Date.UTC(2025, 0, 1, 10, m)).toISOString();
  const s = meterSeries(
    [
      { timestamp: at(10), measurand: 'Energy.Active.Import.Register', value: 3500, unit: 'Wh' },
      { timestamp: at(10), measurand: 'Power.Active.Import', value: 3.7, unit: 'kW', phase: 'L1' },
      { timestamp: at(10), measurand: 'Power.Active.Import', value: 3.6, unit: 'kW', phase: 'L2' },
      { timestamp: at(0), measurand: 'Energy.Active.Import.Register', value: 1, unit: 'kWh' },
      { timestamp: at(20), measurand: 'Energy.Active.Import.Register', value: 6, unit: 'Wh', multiplier: 3 },
      { timestamp: at(20), measurand: 'Voltage', value: 230, unit: 'V' },
      { timestamp: at(30), measurand: 'Energy.Active.Import.Register', value: null, unit: 'Wh' },
    ],
    1000,
  );
  t.same(s.t, [at(0), at(10), at(20)].map((x) => Date.parse(x) / 1000), 'in time order; non-chart measurands and valueless rows left out');
  t.same(s.kwh, [0, 2.5, 5]);
  t.equal(s.kw[1]!.toFixed(1), '7.3');
  t.same([s.kw[0], s.kw[2]], [null, null]);
  t.same(meterSeries([{ timestamp: at(5), measurand: 'Energy.Active.Import.Register', value: 2000, unit: 'Wh' }]).kwh, [0], 'without a meter start: from the first reading');
});
