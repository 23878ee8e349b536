import t from 'tap';
import { startServer } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';

// Issue #12/#13: the charging-limit and EV messages a 2.x station sends on its own are answered
// (strict ocpp-rpc clients check every answer against the official schemas), kept per station
// and published; none is refused NotSupported any more.

const PASSWORD = 'charging-limits-pw';

interface StoredEvent { kind: string; type: string; payload: Record<string, unknown> }

const schedule = { id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] };

for (const version of ['ocpp2.0.1', 'ocpp2.1'] as const) {
  t.test(`${version}: NotifyChargingLimit, ClearedChargingLimit, NotifyEVChargingNeeds, NotifyEVChargingSchedule`, async (t) => {
    const server = await startServer(t);
    const id = `CL-${version === 'ocpp2.1' ? '21' : '201'}`;
    await server.registerStation(id, PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
    t.match(await client.call('BootNotification', bootPayload(version)), { status: 'Accepted' });
    const events = async (kind: string): Promise<StoredEvent[]> => (await server.apiJson('GET', `/stations/${id}/events?kind=${kind}`)).body.items;

    t.same(await client.call('NotifyChargingLimit', { chargingLimit: { chargingLimitSource: 'EMS', isGridCritical: true }, evseId: 1, chargingSchedule: [schedule] }), {});
    t.match(await events('charging-limit'), [{ kind: 'charging-limit', type: 'EMS', payload: { isGridCritical: true, evseId: 1, chargingSchedule: [schedule] } }]);

    t.same(await client.call('ClearedChargingLimit', { chargingLimitSource: 'EMS', evseId: 1 }), {});
    t.match(await events('charging-limit-cleared'), [{ type: 'EMS', payload: { evseId: 1 } }]);

    const needs = { requestedEnergyTransfer: 'AC_three_phase', departureTime: new Date(Date.now() + 3_600_000).toISOString(), acChargingParameters: { energyAmount: 20000, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 } };
    t.same(await client.call('NotifyEVChargingNeeds', { evseId: 1, chargingNeeds: needs }), { status: 'Rejected' }, 'no schedule promised until site load management computes one');
    t.match(await events('ev-charging-needs'), [{ type: 'Rejected', payload: { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase' } } }]);

    const evSchedule = { id: 2, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] };
    t.same(await client.call('NotifyEVChargingSchedule', { timeBase: new Date().toISOString(), evseId: 1, chargingSchedule: evSchedule }), { status: 'Accepted' });
    t.match(await events('ev-charging-schedule'), [{ type: 'Accepted', payload: { evseId: 1, chargingSchedule: evSchedule } }]);
  });
}
