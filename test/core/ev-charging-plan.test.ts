import t from 'tap';
import fc from 'fast-check';
import { energyWhAt, evNeedsOf, evScheduleViolations, limitAsAmps, limitInUnit, NOMINAL_VOLTS, planEvCharging, rateUnitOf } from '../../core/ev-charging-plan.js';

const NOW = '2026-01-01T10:00:00.000Z';
const THREE_PHASE = NOMINAL_VOLTS * 3; // 690 W per A per phase

t.test('evNeedsOf reads AC and DC parameters and the departure time', async (t) => {
  t.same(evNeedsOf({ requestedEnergyTransfer: 'AC_three_phase', departureTime: '2026-01-01T12:00:00Z', acChargingParameters: { energyAmount: 13800, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 } }), {
    mode: 'AC', energyWh: 13800, departureTime: '2026-01-01T12:00:00Z', minA: 6, maxA: 32,
  });
  t.same(evNeedsOf({ requestedEnergyTransfer: 'DC', dcChargingParameters: { energyAmount: 30000, evMaxCurrent: 200, evMaxVoltage: 400 } }), { mode: 'DC', energyWh: 30000, maxW: 80000 });
  t.same(evNeedsOf({ requestedEnergyTransfer: 'DC', dcChargingParameters: { evMaxCurrent: 200, evMaxVoltage: 400, evMaxPower: 50000 } }), { mode: 'DC', maxW: 50000 }, 'evMaxPower wins over current × voltage');
  t.same(evNeedsOf({ departureTime: 'not a time', acChargingParameters: { energyAmount: -1, evMaxCurrent: 16 } }), { mode: 'AC', maxA: 16 }, 'bad values are left out');
  t.equal(evNeedsOf({ requestedEnergyTransfer: 'AC_single_phase' }), undefined);
  t.equal(evNeedsOf(undefined), undefined);
});

t.test('energy and departure give the constant current that delivers the energy in time', async (t) => {
  // 13.8 kWh in 2 h at 690 W/A: 10 A.
  const plan = planEvCharging({ mode: 'AC', energyWh: 13800, departureTime: '2026-01-01T12:00:00.000Z', minA: 6, maxA: 32 }, NOW, THREE_PHASE);
  t.same(plan, { feasible: true, minA: 6, maxA: 10, requiredA: 10, secondsToDeparture: 7200 });
  // Energy already delivered counts.
  t.equal(planEvCharging({ mode: 'AC', energyWh: 13800, departureTime: '2026-01-01T12:00:00.000Z', maxA: 32 }, NOW, THREE_PHASE, 6900).maxA, 5);
  // Below the EV's minimum: the minimum (it finishes early).
  t.equal(planEvCharging({ mode: 'AC', energyWh: 2000, departureTime: '2026-01-01T20:00:00.000Z', minA: 6, maxA: 32 }, NOW, THREE_PHASE).maxA, 6);
  // More than the EV can take: its maximum, flagged infeasible.
  const late = planEvCharging({ mode: 'AC', energyWh: 100_000, departureTime: '2026-01-01T11:00:00.000Z', maxA: 32 }, NOW, THREE_PHASE);
  t.equal(late.maxA, 32);
  t.equal(late.feasible, false);
  // Single phase: three times the current.
  t.equal(planEvCharging({ mode: 'AC', energyWh: 4600, departureTime: '2026-01-01T12:00:00.000Z', maxA: 32 }, NOW, NOMINAL_VOLTS).maxA, 10);
  // Nothing owed: down to the minimum.
  t.equal(planEvCharging({ mode: 'AC', energyWh: 1000, departureTime: '2026-01-01T12:00:00.000Z', minA: 6, maxA: 32 }, NOW, THREE_PHASE, 1000).maxA, 6);
  // Departure passed: as fast as the EV goes.
  const past = planEvCharging({ mode: 'AC', energyWh: 1000, departureTime: '2026-01-01T09:00:00.000Z', maxA: 16 }, NOW, THREE_PHASE);
  t.same([past.maxA, past.feasible, past.secondsToDeparture], [16, false, 0]);
  // No energy or no departure: the EV's maximum.
  t.equal(planEvCharging({ mode: 'AC', maxA: 16 }, NOW, THREE_PHASE).maxA, 16);
  // DC: power over three phases at the nominal voltage.
  t.equal(planEvCharging({ mode: 'DC', maxW: 69_000 }, NOW, THREE_PHASE).maxA, 100);
  t.equal(planEvCharging({ mode: 'DC', maxW: 69_000, energyWh: 34_500, departureTime: '2026-01-01T11:00:00.000Z' }, NOW, THREE_PHASE).maxA, 50);
});

t.test('property: the plan delivers the energy by departure whenever the EV can, never above the EV maximum', async () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 150_000 }),
      fc.integer({ min: 60, max: 48 * 3600 }),
      fc.integer({ min: 6, max: 80 }),
      fc.integer({ min: 0, max: 10 }),
      fc.constantFrom(NOMINAL_VOLTS, 2 * NOMINAL_VOLTS, THREE_PHASE),
      (energyWh, seconds, maxA, minA, wattsPerAmp) => {
        const departureTime = new Date(Date.parse(NOW) + seconds * 1000).toISOString();
        const plan = planEvCharging({ mode: 'AC', energyWh, departureTime, minA, maxA }, NOW, wattsPerAmp);
        if (plan.maxA === undefined || plan.maxA > maxA + 1e-9 || plan.maxA < Math.min(minA, maxA) - 1e-9) return false;
        const canDeliver = energyWhAt(maxA, wattsPerAmp, seconds) >= energyWh;
        if (plan.feasible !== canDeliver) return false;
        if (canDeliver && energyWhAt(plan.maxA, wattsPerAmp, seconds) < energyWh - 1e-6) return false;
        // Never more than needed beyond one grid step, unless the EV's minimum forces it.
        return plan.maxA <= Math.max(minA, plan.requiredA!) + 1e-9 && plan.requiredA! <= (energyWh / (seconds / 3600)) / wattsPerAmp + 0.1 + 1e-9;
      },
    ),
  );
});

t.test('limits convert between A per phase and W', async (t) => {
  t.equal(limitInUnit(16, 'W', THREE_PHASE), 11040);
  t.equal(limitInUnit(16, 'A', THREE_PHASE), 16);
  t.equal(limitAsAmps(11040, 'W', THREE_PHASE), 16);
  t.equal(limitInUnit(6.1, 'W', NOMINAL_VOLTS), 1403, 'whole watts, rounded down');
  fc.assert(fc.property(fc.double({ min: 0, max: 500, noNaN: true }), fc.constantFrom(230, 460, 690), (a, w) => limitAsAmps(limitInUnit(a, 'W', w), 'W', w) <= a + 1e-9));
});

t.test('an EV schedule is checked against the schedule that was sent, in either unit', async (t) => {
  const sent = { start: '2026-01-01T10:00:00.000Z', unit: 'A' as const, periods: [{ startPeriod: 0, limit: 16 }, { startPeriod: 3600, limit: 8 }] };
  // Within: 16 A for the first hour, 8 A after it.
  t.same(evScheduleViolations(sent, { timeBase: '2026-01-01T10:00:00.000Z', chargingRateUnit: 'A', periods: [{ startPeriod: 0, limit: 16 }, { startPeriod: 3600, limit: 8 }] }, THREE_PHASE), []);
  // The EV keeps 16 A past the hour.
  t.same(evScheduleViolations(sent, { timeBase: '2026-01-01T10:00:00.000Z', chargingRateUnit: 'A', periods: [{ startPeriod: 0, limit: 16 }] }, THREE_PHASE), [{ period: 0, startPeriod: 0, evA: 16, allowedA: 8 }]);
  // Its timeBase is later: its period 0 starts in the 8 A part.
  t.same(evScheduleViolations(sent, { timeBase: '2026-01-01T11:00:00.000Z', chargingRateUnit: 'A', periods: [{ startPeriod: 0, limit: 10 }] }, THREE_PHASE).length, 1);
  // In W: 11040 W over three phases = 16 A, fine for the first hour.
  t.same(evScheduleViolations(sent, { timeBase: '2026-01-01T10:00:00.000Z', chargingRateUnit: 'W', periods: [{ startPeriod: 0, limit: 11040 }, { startPeriod: 3600, limit: 5520 }] }, THREE_PHASE), []);
  t.equal(evScheduleViolations(sent, { timeBase: '2026-01-01T10:00:00.000Z', chargingRateUnit: 'W', periods: [{ startPeriod: 0, limit: 22080 }] }, THREE_PHASE).length, 1);
  // A sent schedule in W against an EV schedule in A.
  const sentW = { start: '2026-01-01T10:00:00.000Z', unit: 'W' as const, periods: [{ startPeriod: 0, limit: 11040 }] };
  t.same(evScheduleViolations(sentW, { timeBase: '2026-01-01T10:00:00.000Z', chargingRateUnit: 'A', periods: [{ startPeriod: 0, limit: 16 }] }, THREE_PHASE), []);
  t.equal(evScheduleViolations(sentW, { timeBase: '2026-01-01T10:00:00.000Z', chargingRateUnit: 'A', periods: [{ startPeriod: 0, limit: 20 }] }, THREE_PHASE).length, 1);
  // After the sent schedule's duration nothing limits.
  t.same(evScheduleViolations({ ...sent, duration: 3600, periods: [{ startPeriod: 0, limit: 16 }] }, { timeBase: '2026-01-01T11:00:00.000Z', chargingRateUnit: 'A', periods: [{ startPeriod: 0, limit: 32 }] }, THREE_PHASE), []);
});

t.test('property: an EV schedule that never exceeds the sent limits has no violation; one above it has', async () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 1, max: 3600 }), fc.integer({ min: 0, max: 64 })), { minLength: 1, maxLength: 5 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (steps, fraction) => {
        let at = 0;
        const periods = steps.map(([gap, limit], i) => ({ startPeriod: i === 0 ? 0 : (at += gap), limit }));
        const sent = { start: NOW, unit: 'A' as const, periods };
        const below = periods.map((p) => ({ startPeriod: p.startPeriod, limit: Math.floor(p.limit * fraction * 10) / 10 }));
        if (evScheduleViolations(sent, { timeBase: NOW, chargingRateUnit: 'A', periods: below }, THREE_PHASE).length !== 0) return false;
        const above = periods.map((p) => ({ startPeriod: p.startPeriod, limit: p.limit + 1 }));
        return evScheduleViolations(sent, { timeBase: NOW, chargingRateUnit: 'A', periods: above }, THREE_PHASE).length === periods.length;
      },
    ),
  );
});

t.test('the site minimum is a floor: a plan never asks for less than an admitted session gets', async (t) => {
  // 1.38 kWh in 2 h needs 1 A: the site gives no less than 6.
  t.equal(planEvCharging({ mode: 'AC', energyWh: 1380, departureTime: '2026-01-01T12:00:00.000Z', maxA: 32 }, NOW, THREE_PHASE, 0, 6).maxA, 6);
  t.equal(planEvCharging({ mode: 'AC', energyWh: 1380, departureTime: '2026-01-01T12:00:00.000Z', maxA: 32 }, NOW, THREE_PHASE, 1380, 6).maxA, 6, 'nothing owed');
  t.equal(planEvCharging({ mode: 'AC', energyWh: 1380, departureTime: '2026-01-01T12:00:00.000Z', maxA: 5 }, NOW, THREE_PHASE, 0, 6).maxA, 5, 'never above the EV maximum');
});

t.test('rateUnitOf reads the 2.x and 1.6 configuration of allowed rate units', async (t) => {
  t.equal(rateUnitOf('W'), 'W');
  t.equal(rateUnitOf('A,W'), 'A', 'A when the station takes both');
  t.equal(rateUnitOf('Power'), 'W', '1.6 spelling');
  t.equal(rateUnitOf('Current, Power'), 'A');
  t.equal(rateUnitOf(''), undefined);
  t.equal(rateUnitOf(undefined), undefined);
});
