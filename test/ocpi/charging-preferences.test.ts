import t from 'tap';
import { answerPreferences } from '../../ocpi/charging-preferences.js';

// OCPI 2.2.1 §9.4.2 ChargingPreferencesResponse as Switchyard answers it (ocpi/charging-preferences.ts).

t.test('FAST and REGULAR are what Switchyard does anyway; CHEAP and GREEN it cannot do', async (t) => {
  const active = { status: 'ACTIVE' };
  t.equal(answerPreferences({ profile_type: 'FAST' }, active, true), 'ACCEPTED');
  t.equal(answerPreferences({ profile_type: 'REGULAR', departure_time: '2026-11-30T18:00:00Z', energy_need: 30 }, active, true), 'ACCEPTED');
  t.equal(answerPreferences({ profile_type: 'CHEAP', departure_time: '2026-11-30T18:00:00Z' }, active, true), 'PROFILE_TYPE_NOT_SUPPORTED');
  t.equal(answerPreferences({ profile_type: 'GREEN' }, active, true), 'PROFILE_TYPE_NOT_SUPPORTED');
  t.equal(answerPreferences({ profile_type: 'FAST', discharge_allowed: true }, active, true), 'NOT_POSSIBLE', 'never discharges');
  t.equal(answerPreferences({ profile_type: 'FAST', discharge_allowed: false }, active, true), 'ACCEPTED');
});

t.test('not possible on an ended session or an EVSE without the capability', async (t) => {
  t.equal(answerPreferences({ profile_type: 'FAST' }, { status: 'COMPLETED' }, true), 'NOT_POSSIBLE');
  t.equal(answerPreferences({ profile_type: 'FAST' }, { status: 'ACTIVE' }, false), 'NOT_POSSIBLE');
  t.equal(answerPreferences({ profile_type: 'CHEAP' }, { status: 'ACTIVE' }, false), 'NOT_POSSIBLE', 'the capability is checked first');
});
