import t from 'tap';
import fc from 'fast-check';
import { allowedDraw, DEFAULT_COMPLIANCE, drawOf, limitChanged, observeDraw, type ComplianceOutcome, type ComplianceState } from '../../core/profile-compliance.js';

const at = (s: number) => new Date(Date.parse('2026-01-01T10:00:00.000Z') + s * 1000).toISOString();
const rule = { toleranceA: 1, tolerancePct: 10, graceSec: 60 };

function run(state: ComplianceState, readings: Array<[number, number]>): { state: ComplianceState; outcomes: ComplianceOutcome[] } {
  const outcomes: ComplianceOutcome[] = [];
  for (const [s, amps] of readings) {
    const next = observeDraw(state, { at: at(s), amps }, rule);
    state = next.state;
    outcomes.push(next.outcome);
  }
  return { state, outcomes };
}

t.test('tolerance: the larger of the absolute and relative slack', async (t) => {
  t.equal(allowedDraw(6, rule), 7);
  t.equal(allowedDraw(32, rule), 35.2);
  t.equal(allowedDraw(0, rule), 1, 'a paused session may show a little current');
  t.same(DEFAULT_COMPLIANCE, rule);
});

t.test('over the limit longer than the grace period raises once; back within it clears', async (t) => {
  const start = limitChanged(undefined, 10, at(0));
  const { state, outcomes } = run(start, [[10, 10.9], [20, 16], [50, 16], [80, 16], [90, 17], [100, 10.5], [110, 16]]);
  t.same(outcomes, [null, null, null, 'raise', null, 'clear', null]);
  t.equal(state.overSince, at(110));
  t.equal(state.alerted, false);
});

t.test('a short excursion within the grace period raises nothing', async (t) => {
  const { outcomes } = run(limitChanged(undefined, 10, at(0)), [[10, 20], [40, 20], [60, 9], [70, 20], [120, 20]]);
  t.same(outcomes, [null, null, null, null, null], 'the run restarted at 70 s: 50 s over is within the grace');
});

t.test('readings taken before the limit was accepted do not count; grace starts at the new limit', async (t) => {
  let state = limitChanged(undefined, 32, at(0));
  state = observeDraw(state, { at: at(10), amps: 30 }, rule).state;
  state = limitChanged(state, 10, at(100));
  t.same(observeDraw(state, { at: at(90), amps: 30 }, rule).outcome, null, 'older than the limit');
  const { outcomes } = run(state, [[110, 30], [150, 30], [169, 30], [170, 30]]);
  t.same(outcomes, [null, null, null, 'raise']);
});

t.test('an open alert stays open across a new limit until a reading within it', async (t) => {
  let { state } = run(limitChanged(undefined, 10, at(0)), [[0, 20], [60, 20]]);
  t.equal(state.alerted, true);
  state = limitChanged(state, 16, at(70));
  t.equal(state.alerted, true);
  t.same(run(state, [[80, 15]]).outcomes, ['clear']);
});

t.test('property: raise and clear alternate, a raise only after grace seconds over the limit', async () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 40 })), { maxLength: 40 }), fc.integer({ min: 0, max: 32 }), (steps, limit) => {
      let state = limitChanged(undefined, limit, at(0));
      let s = 0;
      let alerted = false;
      let overFrom: number | null = null;
      for (const [gap, amps] of steps) {
        s += gap;
        const { state: next, outcome } = observeDraw(state, { at: at(s), amps }, rule);
        const over = amps > allowedDraw(limit, rule);
        overFrom = over ? (overFrom ?? s) : null;
        if (outcome === 'raise' && (alerted || overFrom === null || s - overFrom < rule.graceSec)) return false;
        if (outcome === 'clear' && (!alerted || over)) return false;
        if (outcome === null && over && !alerted && s - overFrom! >= rule.graceSec) return false;
        if (outcome === 'raise') alerted = true;
        if (outcome === 'clear') alerted = false;
        state = next;
      }
      return state.alerted === alerted;
    }),
  );
});

t.test('drawOf: highest phase current, else power over the supply', async (t) => {
  t.equal(drawOf([
    { measurand: 'Current.Import', phase: 'L1', value: 10 },
    { measurand: 'Current.Import', phase: 'L2', value: 12.5 },
    { measurand: 'Current.Import', phase: 'N', value: 30 },
    { measurand: 'Power.Active.Import', phase: null, value: 99999 },
  ], 690), 12.5);
  t.equal(drawOf([{ measurand: 'Power.Active.Import', phase: null, value: 6900, unit: 'W' }], 690), 10);
  t.equal(drawOf([{ measurand: 'Power.Active.Import', phase: null, value: 6.9, unit: 'kW' }], 690), 10);
  t.equal(drawOf([{ measurand: 'Power.Active.Import', phase: null, value: 69, multiplier: 2 }], 690), 10, '2.x unitOfMeasure multiplier');
  t.equal(drawOf([{ measurand: 'Energy.Active.Import.Register', phase: null, value: 1000 }], 690), undefined);
});
