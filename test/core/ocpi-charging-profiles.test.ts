import t from 'tap';
import fc from 'fast-check';
import { validateProfile } from '../../core/charging-profile.js';
import type { CompositeSchedule } from '../../core/composite-schedule.js';
import { OCPI_PROFILE_STACK_LEVEL, activeProfileResult, txProfileFromOcpi, type OcpiChargingProfile } from '../../core/ocpi/charging-profiles.js';

// core/ocpi/charging-profiles.ts (pure): an OCPI 2.2.1 ChargingProfile (§14.4) as a Tx profile of
// the session's transaction, and a station's composite schedule as the ActiveChargingProfileResult.

t.test('a partner profile becomes a Tx profile of the transaction', async (t) => {
  const relative = txProfileFromOcpi(42, '17', { charging_rate_unit: 'A', min_charging_rate: 6, charging_profile_period: [{ start_period: 0, limit: 16 }, { start_period: 900, limit: 10 }] });
  t.same(relative, {
    id: 42, stackLevel: OCPI_PROFILE_STACK_LEVEL, purpose: 'Tx', kind: 'Relative', transactionId: '17',
    schedules: [{ id: 1, unit: 'A', minRate: 6, periods: [{ startPeriod: 0, limit: 16 }, { startPeriod: 900, limit: 10 }] }],
  });
  const absolute = txProfileFromOcpi(7, 'tx-2', { start_date_time: '2026-01-02T03:04:05+01:00', duration: 3600, charging_rate_unit: 'W', charging_profile_period: [{ start_period: 0, limit: 7400 }] });
  t.equal(absolute.kind, 'Absolute', 'a start time: absolute');
  t.equal(absolute.schedules[0]!.startSchedule, '2026-01-02T02:04:05.000Z', 'in UTC');
  t.equal(absolute.schedules[0]!.duration, 3600);
  t.same(txProfileFromOcpi(1, '1', { charging_rate_unit: 'W' }).schedules[0]!.periods, [], 'no periods: none (refused by the profile checks, not here)');
});

const periods = fc.uniqueArray(fc.integer({ min: 1, max: 86_399 }), { maxLength: 5 }).map((rest) => [0, ...rest.sort((a, b) => a - b)]);
const ocpiProfile: fc.Arbitrary<OcpiChargingProfile> = fc.record({
  charging_rate_unit: fc.constantFrom('W' as const, 'A' as const),
  starts: periods,
  limits: fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 6, maxLength: 6 }),
  absolute: fc.boolean(),
}).map(({ charging_rate_unit, starts, limits, absolute }) => ({
  charging_rate_unit,
  ...(absolute ? { start_date_time: '2026-05-01T12:00:00.000Z' } : {}),
  charging_profile_period: starts.map((start_period, i) => ({ start_period, limit: limits[i]! })),
}));

t.test('property: every well-formed partner profile passes the 1.6 and 2.x profile checks', async () => {
  fc.assert(fc.property(ocpiProfile, fc.integer({ min: 1, max: 2 ** 31 - 2 }), fc.integer({ min: 1, max: 99_999 }), (p, id, tx) => {
    const profile = txProfileFromOcpi(id, String(tx), p);
    const ok16 = validateProfile(profile, { evseId: 1 }, '1.6').length === 0;
    // 2.x: an Absolute profile needs its start, which a partner's absolute profile has.
    const ok2 = validateProfile(profile, { evseId: 1 }, '2.x').length === 0;
    return ok16 && ok2;
  }), { numRuns: 300 });
});

t.test('property: the schedule a station reports comes back to the partner unchanged', async () => {
  fc.assert(fc.property(ocpiProfile, fc.option(fc.integer({ min: 1, max: 86_400 }), { nil: undefined }), (p, duration) => {
    const schedule: CompositeSchedule = {
      status: 'Accepted', evseId: 1, scheduleStart: '2026-05-01T14:00:00+02:00', duration: duration ?? null, unit: p.charging_rate_unit, minRate: null,
      periods: (p.charging_profile_period ?? []).map((x) => ({ startPeriod: x.start_period, limit: x.limit })),
    };
    const result = activeProfileResult(schedule, new Date('2030-01-01T00:00:00Z'));
    return result.result === 'ACCEPTED'
      && result.profile!.start_date_time === '2026-05-01T12:00:00.000Z'
      && JSON.stringify(result.profile!.charging_profile.charging_profile_period) === JSON.stringify(p.charging_profile_period)
      && result.profile!.charging_profile.charging_rate_unit === p.charging_rate_unit
      && result.profile!.charging_profile.duration === duration;
  }), { numRuns: 300 });
});

t.test('composite schedule results: refused, empty, without a start', async (t) => {
  const base: CompositeSchedule = { status: 'Accepted', evseId: 1, scheduleStart: null, duration: null, unit: 'W', minRate: 1000, periods: [{ startPeriod: 0, limit: 5000 }] };
  const now = new Date('2026-03-01T10:00:00Z');
  t.same(activeProfileResult({ ...base, status: 'Rejected' }, now), { result: 'REJECTED' });
  t.same(activeProfileResult({ ...base, periods: [] }, now), { result: 'UNKNOWN' }, 'no schedule: UNKNOWN');
  t.same(activeProfileResult({ ...base, unit: null }, now), { result: 'UNKNOWN' });
  t.same(activeProfileResult(base, now), {
    result: 'ACCEPTED',
    profile: { start_date_time: now.toISOString(), charging_profile: { start_date_time: now.toISOString(), charging_rate_unit: 'W', min_charging_rate: 1000, charging_profile_period: [{ start_period: 0, limit: 5000 }] } },
  }, 'no start from the station: now');
  t.equal(activeProfileResult({ ...base, scheduleStart: 'garbage' }, now).profile!.start_date_time, now.toISOString());
});
