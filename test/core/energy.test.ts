import t from 'tap';
import fc from 'fast-check';
import { applyReading, DEFAULT_MAX_ENERGY_STEP_WH, EMPTY_ENERGY, energyTotals, registerWh, whToKwh } from '../../core/energy.js';
import type { SampledValue } from '../../core/transaction-types.js';

const sv = (over: Partial<SampledValue>): SampledValue => ({
  value: 0, measurand: 'Energy.Active.Import.Register', unit: null, multiplier: 0, context: null, phase: null, location: null, ...over,
});

t.test('registerWh honours unit and multiplier', async (t) => {
  t.equal(registerWh(sv({ value: 1500 })), 1500, 'default unit is Wh');
  t.equal(registerWh(sv({ value: 1.5, unit: 'kWh' })), 1500);
  t.equal(registerWh(sv({ value: 15, unit: 'Wh', multiplier: 2 })), 1500, '15 × 10² Wh');
  t.equal(registerWh(sv({ value: 1.5, unit: 'kWh', multiplier: 1 })), 15000, '1.5 × 10 kWh');
  t.equal(registerWh(sv({ value: 1, measurand: 'Power.Active.Import', unit: 'W' })), undefined);
  t.equal(registerWh(sv({ value: 1, phase: 'L1' })), undefined, 'per-phase parts are not the total');
  t.equal(registerWh(sv({ value: 1, location: 'EV' })), undefined);
  t.equal(registerWh(sv({ value: 1, unit: 'varh' })), undefined);
});

t.test('totals: highest register minus start, independent of arrival order', async (t) => {
  const readings = [
    { atMs: 0, wh: 1000, ctx: 'Transaction.Begin' },
    { atMs: 60_000, wh: 1600, ctx: null },
    { atMs: 120_000, wh: 2250, ctx: 'Transaction.End' },
  ];
  const inOrder = readings.reduce((f, r) => applyReading(f, r, r.ctx), EMPTY_ENERGY);
  const shuffled = [readings[2]!, readings[0]!, readings[1]!].reduce((f, r) => applyReading(f, r, r.ctx), EMPTY_ENERGY);
  t.same(energyTotals(inOrder), { startWh: 1000, topWh: 2250, totalWh: 1250 });
  t.same(energyTotals(shuffled), energyTotals(inOrder));
  t.equal(inOrder.backwards, false);
  t.equal(shuffled.backwards, false);
});

t.test('a meter going backwards is flagged and never lowers or negates the total', async (t) => {
  let f = applyReading(EMPTY_ENERGY, { atMs: 0, wh: 5000 }, 'Transaction.Begin');
  f = applyReading(f, { atMs: 1000, wh: 5400 }, null);
  f = applyReading(f, { atMs: 2000, wh: 100 }, 'Transaction.End');
  t.equal(f.backwards, true);
  t.same(energyTotals(f), { startWh: 5000, topWh: 5400, totalWh: 400 });
  // Higher-and-earlier arriving late is the same fall, seen from the other side.
  let g = applyReading(EMPTY_ENERGY, { atMs: 2000, wh: 100 }, null);
  g = applyReading(g, { atMs: 1000, wh: 5400 }, null);
  t.equal(g.backwards, true);
  t.equal(energyTotals(EMPTY_ENERGY).totalWh, 0);
  t.equal(whToKwh(1250), 1.25);
  t.equal(whToKwh(0.1 + 0.2), 0.0003);
});

t.test('a register rise above the plausible step is flagged, never silently summed', async (t) => {
  let f = applyReading(EMPTY_ENERGY, { atMs: 0, wh: 10_000 }, 'Transaction.Begin');
  f = applyReading(f, { atMs: 60_000, wh: 10_000 + DEFAULT_MAX_ENERGY_STEP_WH }, null);
  t.equal(f.implausibleStep, false, 'exactly the step is believed');
  f = applyReading(f, { atMs: 120_000, wh: 10_000 + 2 * DEFAULT_MAX_ENERGY_STEP_WH + 1 }, null);
  t.equal(f.implausibleStep, true, '1 MWh + 1 Wh in one sample');
  t.equal(applyReading(applyReading(EMPTY_ENERGY, { atMs: 0, wh: 0 }, null), { atMs: 1, wh: 501 }, null, 500).implausibleStep, true, 'the step is configurable');
  // A late, earlier and lower reading is no rise at all.
  let g = applyReading(EMPTY_ENERGY, { atMs: 60_000, wh: 3_000_000 }, null);
  g = applyReading(g, { atMs: 0, wh: 10 }, null);
  t.equal(g.implausibleStep, false);
});

t.test('property: on a rising register the flag is raised exactly when one step exceeds the limit', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 1_500 }), (steps, limit) => {
      let wh = 1_000;
      let f = applyReading(EMPTY_ENERGY, { atMs: 0, wh }, 'Transaction.Begin', limit);
      steps.forEach((step, i) => {
        wh += step;
        f = applyReading(f, { atMs: (i + 1) * 1000, wh }, null, limit);
      });
      return f.implausibleStep === steps.some((s) => s > limit) && energyTotals(f).totalWh === wh - 1_000;
    }),
  );
});
