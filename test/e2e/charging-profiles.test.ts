import t from 'tap';
import { eventually, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict, type Version } from '../helpers/ocpp-clients.js';

// Issue #13, block K / 1.6 Smart Charging, with strict ocpp-rpc stations (they check every
// request against the official schemas): a version-neutral profile is validated, mapped per
// version, kept when accepted, cleared, and what the station reports is kept beside it.

const PASSWORD = 'charging-profiles-pw';

const dailyDefault = {
  id: 7,
  stackLevel: 1,
  purpose: 'TxDefault',
  kind: 'Recurring',
  recurrency: 'Daily',
  schedules: [{ id: 1, startSchedule: '2026-01-01T00:00:00.000Z', duration: 86400, unit: 'A', periods: [{ startPeriod: 0, limit: 16 }, { startPeriod: 25200, limit: 10 }] }],
};

t.test('charging profiles end to end', async (t) => {
  const server = await startServer(t);

  for (const version of ['ocpp1.6', 'ocpp2.0.1'] as Version[]) {
    t.test(`${version}: set, keep, refuse, clear`, async (t) => {
      const id = `CP-${version}`;
      await server.registerStation(id, PASSWORD);
      const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
      await client.call('BootNotification', bootPayload(version));
      const received: Array<Record<string, unknown>> = [];
      let answer = 'Accepted';
      client.handle('SetChargingProfile', async ({ params }) => {
        received.push(params as Record<string, unknown>);
        return { status: answer };
      });
      const cleared: Array<Record<string, unknown>> = [];
      client.handle('ClearChargingProfile', async ({ params }) => {
        cleared.push(params as Record<string, unknown>);
        return { status: 'Accepted' };
      });

      const set = await server.apiJson('POST', `/stations/${id}/charging-profiles`, { evseId: 1, profile: dailyDefault, ratingA: 32 });
      t.same(set.body, { status: 'Accepted', protocol: version });
      if (version === 'ocpp1.6') {
        t.match(received[0], { connectorId: 1, csChargingProfiles: { chargingProfileId: 7, chargingProfilePurpose: 'TxDefaultProfile', recurrencyKind: 'Daily', chargingSchedule: { chargingRateUnit: 'A' } } });
      } else {
        t.match(received[0], { evseId: 1, chargingProfile: { id: 7, chargingProfilePurpose: 'TxDefaultProfile', chargingSchedule: [{ id: 1, chargingRateUnit: 'A' }] } });
      }
      const listed = await server.apiJson('GET', `/stations/${id}/charging-profiles`);
      t.equal(listed.status, 200);
      t.match(listed.body, { set: [{ evseId: 1, source: 'csms', profile: { id: 7, purpose: 'TxDefault', stackLevel: 1 } }], reported: [], differences: [] });

      // Refused before anything is sent: every problem named, no frame to the station.
      const conflicting = await server.apiJson('POST', `/stations/${id}/charging-profiles`, {
        evseId: 1,
        profile: { ...dailyDefault, id: 8, schedules: [{ ...dailyDefault.schedules[0], periods: [{ startPeriod: 0, limit: 40 }] }] },
        ratingA: 32,
      });
      t.equal(conflicting.status, 400);
      t.equal(conflicting.body.code, 'VALIDATION_FAILED');
      t.match(conflicting.body.details.problems, [{ path: 'schedules[0].periods[0].limit', message: /rating of 32 A/ }, { path: 'stackLevel', message: /profile 7 already has TxDefault stack level 1/ }]);
      t.equal(received.length, 1, 'nothing sent for a refused profile');

      // A profile the station rejects is not kept.
      answer = 'Rejected';
      const rejected = await server.apiJson('POST', `/stations/${id}/charging-profiles`, { evseId: 0, profile: { ...dailyDefault, id: 9, purpose: 'StationMax', stackLevel: 0 } });
      t.same(rejected.body, { status: 'Rejected', protocol: version });
      t.equal((await server.apiJson('GET', `/stations/${id}/charging-profiles`)).body.set.length, 1);

      // The generic endpoint has the same effect as the typed one.
      answer = 'Accepted';
      const raw =
        version === 'ocpp1.6'
          ? { connectorId: 0, csChargingProfiles: { chargingProfileId: 3, stackLevel: 0, chargingProfilePurpose: 'ChargePointMaxProfile', chargingProfileKind: 'Absolute', chargingSchedule: { startSchedule: '2026-01-01T00:00:00.000Z', chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 22000 }] } } }
          : { evseId: 0, chargingProfile: { id: 3, stackLevel: 0, chargingProfilePurpose: 'ChargingStationMaxProfile', chargingProfileKind: 'Absolute', chargingSchedule: [{ id: 1, startSchedule: '2026-01-01T00:00:00.000Z', chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 22000 }] }] } };
      t.equal((await server.apiJson('POST', `/stations/${id}/ocpp/SetChargingProfile`, raw)).status, 200);
      const both = await server.apiJson('GET', `/stations/${id}/charging-profiles`);
      t.same(both.body.set.map((r: { evseId: number; profile: { id: number; purpose: string } }) => [r.evseId, r.profile.id, r.profile.purpose]), [[0, 3, 'StationMax'], [1, 7, 'TxDefault']]);

      const clear = await server.apiJson('DELETE', `/stations/${id}/charging-profiles?purpose=TxDefault&evseId=1`);
      t.same(clear.body, { status: 'Accepted', protocol: version });
      t.match(cleared[0], version === 'ocpp1.6' ? { connectorId: 1, chargingProfilePurpose: 'TxDefaultProfile' } : { chargingProfileCriteria: { evseId: 1, chargingProfilePurpose: 'TxDefaultProfile' } });
      t.same((await server.apiJson('GET', `/stations/${id}/charging-profiles`)).body.set.map((r: { profile: { id: number } }) => r.profile.id), [3]);
    });
  }

  t.test('ocpp2.0.1: GetChargingProfiles → ReportChargingProfiles kept beside what was set, differences shown', async (t) => {
    const id = 'CP-report';
    await server.registerStation(id, PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version: 'ocpp2.0.1' });
    await client.call('BootNotification', bootPayload('ocpp2.0.1'));
    client.handle('SetChargingProfile', async () => ({ status: 'Accepted' }));
    t.equal((await server.apiJson('POST', `/stations/${id}/charging-profiles`, { evseId: 1, profile: dailyDefault })).body.status, 'Accepted');
    let sent: Promise<unknown> | undefined;
    client.handle('GetChargingProfiles', async ({ params }) => {
      const { requestId } = params as { requestId: number };
      const profile = (limit: number, pid: number) => ({
        id: pid, stackLevel: 1, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily',
        chargingSchedule: [{ id: 1, startSchedule: '2026-01-01T00:00:00.000Z', duration: 86400, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit }, { startPeriod: 25200, limit: 10 }] }],
      });
      sent = new Promise((r) => setTimeout(r, 10)).then(() =>
        client.call('ReportChargingProfiles', { requestId, chargingLimitSource: 'CSO', evseId: 1, tbc: false, chargingProfile: [profile(12, 7), profile(6, 30)] }),
      );
      return { status: 'Accepted' };
    });
    const command = await server.apiJson('POST', `/stations/${id}/ocpp/GetChargingProfiles`, { chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile' } });
    t.equal(command.status, 200);
    const requestId = command.body.facts.requestId as number;
    await eventually(async () => sent !== undefined, 10_000, 'the station got GetChargingProfiles');
    t.same(await sent, {}, 'ReportChargingProfiles answered');
    t.match((await server.apiJson('GET', `/stations/${id}/requests/${requestId}`)).body, { action: 'GetChargingProfiles', status: 'complete' });
    const listed = await server.apiJson('GET', `/stations/${id}/charging-profiles`);
    t.same(listed.body.reported.map((r: { profile: { id: number } }) => r.profile.id), [7, 30]);
    t.same(listed.body.differences, [
      { evseId: 1, id: 7, kind: 'different' },
      { evseId: 1, id: 30, kind: 'reported-only' },
    ]);
  });

  t.test('unknown station 404; a bad body 400', async (t) => {
    t.equal((await server.apiJson('GET', '/stations/NOPE/charging-profiles')).status, 404);
    const bad = await server.apiJson('POST', '/stations/CP-report/charging-profiles', { evseId: 1, profile: { ...dailyDefault, purpose: 'Nope' } });
    t.equal(bad.status, 400);
  });
});
