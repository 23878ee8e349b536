import t from 'tap';
import { startServer } from '../helpers/server.js';
import { bootPayload, connectStrict, type Version } from '../helpers/ocpp-clients.js';

// GetCompositeSchedule as a typed command (issue #13, K08 / 1.6 Smart Charging), with strict
// ocpp-rpc stations: mapped per version, the answer returned version-neutrally and kept.

const PASSWORD = 'composite-schedule-pw-01';

t.test('composite schedule end to end', async (t) => {
  const server = await startServer(t);
  for (const version of ['ocpp1.6', 'ocpp2.0.1'] as Version[]) {
    t.test(version, async (t) => {
      const id = `CS-${version}`;
      await server.registerStation(id, PASSWORD);
      const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
      await client.call('BootNotification', bootPayload(version));
      const asked: Array<Record<string, unknown>> = [];
      let reject = false;
      client.handle('GetCompositeSchedule', async ({ params }) => {
        asked.push(params as Record<string, unknown>);
        if (reject) return { status: 'Rejected' };
        const periods = [{ startPeriod: 0, limit: 16 }, { startPeriod: 1800, limit: 10 }];
        return version === 'ocpp1.6'
          ? { status: 'Accepted', connectorId: 1, scheduleStart: '2026-01-01T00:00:00.000Z', chargingSchedule: { duration: 3600, chargingRateUnit: 'A', chargingSchedulePeriod: periods, minChargingRate: 6 } }
          : { status: 'Accepted', schedule: { evseId: 1, duration: 3600, scheduleStart: '2026-01-01T00:00:00.000Z', chargingRateUnit: 'A', chargingSchedulePeriod: periods } };
      });
      const res = await server.apiJson('POST', `/stations/${id}/composite-schedule`, { evseId: 1, duration: 3600, unit: 'A' });
      t.equal(res.status, 200);
      t.same(asked[0], version === 'ocpp1.6' ? { connectorId: 1, duration: 3600, chargingRateUnit: 'A' } : { evseId: 1, duration: 3600, chargingRateUnit: 'A' });
      t.same(res.body, {
        protocol: version, status: 'Accepted', evseId: 1, scheduleStart: '2026-01-01T00:00:00.000Z', duration: 3600, unit: 'A',
        minRate: version === 'ocpp1.6' ? 6 : null, periods: [{ startPeriod: 0, limit: 16 }, { startPeriod: 1800, limit: 10 }],
      });
      reject = true;
      const rejected = await server.apiJson('POST', `/stations/${id}/composite-schedule`, { evseId: 2, duration: 60 });
      t.match(rejected.body, { status: 'Rejected', evseId: 2, periods: [] });
      const kept = await server.apiJson('GET', `/stations/${id}/events?kind=composite-schedule`);
      t.equal(kept.status, 200);
      t.same(kept.body.items.map((e: { type: string; payload: { evseId: number } }) => [e.type, e.payload.evseId]).sort(), [['Accepted', 1], ['Rejected', 2]], 'both answers kept');
      t.equal((await server.apiJson('POST', `/stations/${id}/composite-schedule`, { evseId: 1 })).body.code, 'VALIDATION_FAILED');
    });
  }
});
