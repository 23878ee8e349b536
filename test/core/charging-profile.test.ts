import t from 'tap';
import fc from 'fast-check';
import { checkPayload, compileVersionSchemas } from '../../core/schemas.js';
import { fromOcpp, toOcpp16, toOcpp2, validateProfile, type ChargingProfile, type ProfilePurpose } from '../../core/charging-profile.js';

const v16 = compileVersionSchemas('ocpp1.6').actions.get('SetChargingProfile')!.request;
const v201 = compileVersionSchemas('ocpp2.0.1').actions.get('SetChargingProfile')!.request;

const txDefault: ChargingProfile = {
  id: 7,
  stackLevel: 1,
  purpose: 'TxDefault',
  kind: 'Recurring',
  recurrency: 'Daily',
  schedules: [
    {
      id: 1,
      startSchedule: '2026-01-01T00:00:00Z',
      duration: 86_400,
      unit: 'A',
      periods: [
        { startPeriod: 0, limit: 16, numberPhases: 3 },
        { startPeriod: 7 * 3600, limit: 10 },
        { startPeriod: 23 * 3600, limit: 16 },
      ],
    },
  ],
};

t.test('a daily TxDefault profile is valid in both versions and maps to schema-valid requests', async (t) => {
  t.same(validateProfile(txDefault, { evseId: 1, ratingA: 32 }, '1.6'), []);
  t.same(validateProfile(txDefault, { evseId: 1, ratingA: 32 }, '2.x'), []);
  const wire16 = toOcpp16(txDefault);
  t.equal(checkPayload(v16, { connectorId: 1, csChargingProfiles: wire16 }), undefined, '1.6 SetChargingProfile schema');
  t.match(wire16, { chargingProfileId: 7, chargingProfilePurpose: 'TxDefaultProfile', recurrencyKind: 'Daily', chargingSchedule: { chargingRateUnit: 'A' } });
  const wire2 = toOcpp2(txDefault);
  t.equal(checkPayload(v201, { evseId: 1, chargingProfile: wire2 }), undefined, '2.0.1 SetChargingProfile schema');
  t.match(wire2, { id: 7, chargingProfilePurpose: 'TxDefaultProfile', chargingSchedule: [{ id: 1, chargingRateUnit: 'A' }] });
  t.same(fromOcpp(wire16), { ...txDefault, schedules: [{ ...txDefault.schedules[0]!, id: undefined }].map(({ id: _id, ...s }) => s) }, '1.6 round trip (1.6 schedules have no id)');
  t.same(fromOcpp(wire2), txDefault, '2.x round trip');
});

t.test('every problem is named with its path', async (t) => {
  const problems = validateProfile(
    {
      id: 0,
      stackLevel: -1,
      purpose: 'Tx',
      kind: 'Relative',
      recurrency: 'Daily',
      validFrom: '2026-02-01T00:00:00Z',
      validTo: '2026-01-01T00:00:00Z',
      schedules: [
        {
          startSchedule: '2026-01-01T00:00:00Z',
          duration: 600,
          unit: 'A',
          periods: [
            { startPeriod: 10, limit: 40 },
            { startPeriod: 5, limit: -1, numberPhases: 4, phaseToUse: 2 },
            { startPeriod: 900, limit: 8 },
          ],
        },
      ],
    },
    { evseId: 0, ratingA: 32 },
    '2.x',
  );
  const paths = problems.map((p) => `${p.path}: ${p.message}`);
  for (const expected of [
    /^id: /,
    /^stackLevel: /,
    /^evseId: a Tx profile applies to one EVSE/,
    /^transactionId: a Tx profile needs/,
    /^recurrency: only Recurring/,
    /^validTo: must be after validFrom/,
    /^schedules\[0\]\.id: 2\.x schedules need/,
    /^schedules\[0\]\.startSchedule: a Relative profile/,
    /^schedules\[0\]\.periods\[0\]\.startPeriod: the first period starts at 0/,
    /^schedules\[0\]\.periods\[0\]\.limit: 40 A is beyond the EVSE's rating of 32 A/,
    /^schedules\[0\]\.periods\[1\]\.startPeriod: periods must be in increasing order/,
    /^schedules\[0\]\.periods\[1\]\.limit: must be ≥ 0/,
    /^schedules\[0\]\.periods\[1\]\.numberPhases: 1, 2 or 3/,
    /^schedules\[0\]\.periods\[1\]\.phaseToUse: only with numberPhases 1/,
    /^schedules\[0\]\.periods\[2\]\.startPeriod: starts after the schedule ends/,
  ]) {
    t.ok(paths.some((p) => expected.test(p)), `reports ${expected}`);
  }
});

t.test('what 1.6 cannot express is refused for 1.6', async (t) => {
  const twoSchedules = { ...txDefault, schedules: [txDefault.schedules[0]!, { ...txDefault.schedules[0]!, id: 2 }] };
  t.match(validateProfile(twoSchedules, { evseId: 1 }, '1.6'), [{ path: 'schedules', message: /exactly 1 schedule/ }]);
  t.same(validateProfile(twoSchedules, { evseId: 1 }, '2.x'), []);
  const phase = { ...txDefault, schedules: [{ ...txDefault.schedules[0]!, periods: [{ startPeriod: 0, limit: 16, numberPhases: 1, phaseToUse: 2 }] }] };
  t.match(validateProfile(phase, { evseId: 1 }, '1.6'), [{ path: 'schedules[0].periods[0].phaseToUse', message: /1\.6/ }]);
  t.match(validateProfile({ ...txDefault, purpose: 'Tx', transactionId: 'abc' }, { evseId: 1 }, '1.6'), [{ path: 'transactionId', message: /integers/ }]);
  t.match(validateProfile({ ...txDefault, purpose: 'StationMax' }, { evseId: 2 }, '2.x'), [{ path: 'evseId', message: /whole station/ }]);
});

t.test('the same purpose and stack level on the same EVSE with overlapping validity is a conflict', async (t) => {
  const other = { ...txDefault, id: 8, evseId: 1, validFrom: '2026-01-01T00:00:00Z', validTo: '2026-02-01T00:00:00Z' };
  const candidate = { ...txDefault, validFrom: '2026-01-15T00:00:00Z' };
  t.match(validateProfile(candidate, { evseId: 1 }, '2.x', [other]), [{ path: 'stackLevel', message: /profile 8 already has TxDefault stack level 1 on evse 1/ }]);
  t.same(validateProfile({ ...candidate, validFrom: '2026-02-01T00:00:00Z' }, { evseId: 1 }, '2.x', [other]), [], 'back to back is fine');
  t.same(validateProfile(candidate, { evseId: 2 }, '2.x', [other]), [], 'another EVSE');
  t.same(validateProfile({ ...candidate, stackLevel: 2 }, { evseId: 1 }, '2.x', [other]), [], 'another stack level');
  t.same(validateProfile(candidate, { evseId: 1 }, '2.x', [{ ...other, id: 7 }]), [], 'the same id replaces itself');
});

// Valid profiles of every shape both versions can carry round-trip through the wire unchanged.
const purposeArb = fc.constantFrom<ProfilePurpose>('StationMax', 'TxDefault', 'Tx');
const profileArb = fc
  .record({
    id: fc.integer({ min: 1, max: 1_000_000 }),
    stackLevel: fc.integer({ min: 0, max: 20 }),
    purpose: purposeArb,
    kind: fc.constantFrom('Absolute' as const, 'Recurring' as const, 'Relative' as const),
    unit: fc.constantFrom('A' as const, 'W' as const),
    steps: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 3600 }), limit: fc.integer({ min: 0, max: 500 }) }), { minLength: 1, maxLength: 8 }),
  })
  .map(({ id, stackLevel, purpose, kind, unit, steps }) => {
    let at = 0;
    const periods = steps.map((s, i) => ({ startPeriod: i === 0 ? 0 : (at += s.gap), limit: s.limit }));
    const profile: ChargingProfile = {
      id,
      stackLevel,
      purpose,
      kind,
      ...(kind === 'Recurring' ? { recurrency: 'Daily' as const } : {}),
      ...(purpose === 'Tx' ? { transactionId: String(id) } : {}),
      schedules: [{ id: 0, ...(kind !== 'Relative' ? { startSchedule: '2026-01-01T00:00:00.000Z' } : {}), unit, periods }],
    };
    return { profile, evseId: purpose === 'StationMax' ? 0 : 1 };
  });

t.test('property: valid profiles are schema-valid on the wire and round-trip in both versions', async (t) => {
  fc.assert(
    fc.property(profileArb, ({ profile, evseId }) => {
      if (validateProfile(profile, { evseId }, '2.x').length > 0 || validateProfile(profile, { evseId }, '1.6').length > 0) return false;
      const w16 = toOcpp16(profile);
      const w2 = toOcpp2(profile);
      if (checkPayload(v16, { connectorId: evseId, csChargingProfiles: w16 }) !== undefined) return false;
      if (checkPayload(v201, { evseId, chargingProfile: w2 }) !== undefined) return false;
      const { id: _id, ...schedule16 } = profile.schedules[0]!;
      return JSON.stringify(fromOcpp(w2)) === JSON.stringify(profile) && JSON.stringify(fromOcpp(w16)) === JSON.stringify({ ...profile, schedules: [schedule16] });
    }),
    { numRuns: 300 },
  );
  t.pass();
});
