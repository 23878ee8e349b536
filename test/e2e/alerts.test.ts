import t from 'tap';
import { eventually, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';

// Issue #12 alerts end to end with strict ocpp-rpc clients: a 1.6 StatusNotification errorCode, a
// 2.0.1 NotifyEvent problem (raised and cleared) and a critical security event each raise an
// alert, listed tenant-wide by GET /alerts with filters and cursor pagination.

const PASSWORD = 'alerts-pw-0000000';
const at = (s: number) => new Date(Date.UTC(2026, 2, 1, 12, 0, s)).toISOString();

interface AlertView { stationId: string; kind: string; type: string; at: string; payload: { source: string; cleared: boolean; [key: string]: unknown } }

t.test('alerts', async (t) => {
  const server = await startServer(t);
  await server.registerStation('AL-16', PASSWORD);
  await server.registerStation('AL-201', PASSWORD);
  const alerts = async (query = ''): Promise<{ status: number; items: AlertView[]; nextCursor: string | null }> => {
    const r = await server.apiJson('GET', `/alerts${query}`);
    return { status: r.status, items: r.body.items, nextCursor: r.body.nextCursor };
  };

  const v16 = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'AL-16', password: PASSWORD, version: 'ocpp1.6' });
  await v16.call('BootNotification', bootPayload('ocpp1.6'));
  t.same(await v16.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: at(1) }), {});
  t.same(await v16.call('StatusNotification', { connectorId: 2, errorCode: 'GroundFailure', status: 'Faulted', vendorErrorCode: 'E7', timestamp: at(2) }), {});
  // StatusNotification is answered before its write (last write wins): wait for it to land.
  await eventually(async () => (await alerts()).items.length === 1, 10_000, 'the 1.6 alert stored');
  t.same(await v16.call('SecurityEventNotification', { type: 'InvalidMessages', timestamp: at(3) }), {}, 'not critical: no alert');

  const v201 = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'AL-201', password: PASSWORD, version: 'ocpp2.0.1' });
  await v201.call('BootNotification', bootPayload('ocpp2.0.1'));
  const problem = (eventId: number, s: number, actualValue: string) => ({
    eventId, timestamp: at(s), trigger: 'Delta', actualValue, component: { name: 'Door' }, variable: { name: 'Problem' }, eventNotificationType: 'HardWiredNotification',
  });
  t.same(await v201.call('NotifyEvent', { generatedAt: at(4), seqNo: 0, eventData: [problem(1, 4, 'true')] }), {});
  t.same(await v201.call('SecurityEventNotification', { type: 'TamperDetectionActivated', timestamp: at(5), techInfo: 'lid open' }), {});
  t.same(await v201.call('NotifyEvent', { generatedAt: at(6), seqNo: 0, eventData: [problem(2, 6, 'false')] }), {});

  const all = await alerts();
  t.equal(all.status, 200);
  t.match(all.items, [
    { stationId: 'AL-201', kind: 'alert', type: 'Door.Problem', at: at(6), payload: { source: 'device-event', cleared: true } },
    { stationId: 'AL-201', type: 'TamperDetectionActivated', at: at(5), payload: { source: 'security-event', cleared: false, techInfo: 'lid open' } },
    { stationId: 'AL-201', type: 'Door.Problem', at: at(4), payload: { source: 'device-event', cleared: false } },
    { stationId: 'AL-16', type: 'GroundFailure', at: at(2), payload: { source: 'connector-status', cleared: false, connectorId: 2, status: 'Faulted', vendorErrorCode: 'E7' } },
  ]);
  t.equal(all.items.length, 4);
  t.notOk('tenantId' in all.items[0]!, 'no tenant in the view');

  t.same((await alerts('?stationId=AL-16')).items.map((a) => a.type), ['GroundFailure']);
  t.same((await alerts('?type=Door.Problem')).items.map((a) => a.payload.cleared), [true, false]);
  const first = await alerts('?limit=3');
  t.equal(first.items.length, 3);
  const rest = await alerts(`?limit=3&cursor=${encodeURIComponent(first.nextCursor!)}`);
  t.same(rest.items.map((a) => a.type), ['GroundFailure'], 'cursor pagination');
  t.equal(rest.nextCursor, null);
  t.equal((await alerts('?cursor=not-a-cursor')).status, 400);
  t.equal((await alerts('?limit=0')).status, 400);
  t.same((await server.apiJson('GET', '/stations/AL-201/events?kind=alert')).body.items.map((e: { type: string }) => e.type), ['Door.Problem', 'TamperDetectionActivated', 'Door.Problem'], 'also among the station’s events');
});

t.test('alerts as states: opened by a problem, cleared by the station reporting recovery', async (t) => {
  const server = await startServer(t);
  const open = async (query: string) => {
    const r = await server.apiJson('GET', `/alerts?state=open${query}`);
    t.equal(r.status, 200);
    return r.body.items as Array<{ stationId: string; type: string; source: string; state: string; evseId: number | null; connectorId: number | null }>;
  };
  for (const version of ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'] as const) {
    t.test(version, async (t) => {
      const id = `ALS-${version.replace(/\W/g, '')}`;
      await server.registerStation(id, PASSWORD);
      const c = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
      await c.call('BootNotification', bootPayload(version));
      if (version === 'ocpp1.6') {
        await c.call('StatusNotification', { connectorId: 1, errorCode: 'GroundFailure', status: 'Faulted', timestamp: at(10) });
        await c.call('StatusNotification', { connectorId: 2, errorCode: 'HighTemperature', status: 'Faulted', timestamp: at(11) });
        // Answered at the gateway, stored within CSMS_ASYNC_FLUSH_MS.
        await eventually(async () => (await open(`&stationId=${id}`)).length === 2, 10_000, 'two open alerts');
        t.match(await open(`&stationId=${id}`), [
          { stationId: id, type: 'HighTemperature', source: 'connector-status', state: 'open', evseId: 2, connectorId: 1 },
          { type: 'GroundFailure', evseId: 1, connectorId: 1 },
        ]);
        await c.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: at(12) });
        await eventually(async () => (await open(`&stationId=${id}`)).length === 1, 10_000, 'NoError clears connector 1');
        t.same((await open(`&stationId=${id}`)).map((a) => a.type), ['HighTemperature'], 'connector 2 still open');
      } else {
        const event = (eventId: number, s: number, extra: Record<string, unknown>) =>
          c.call('NotifyEvent', {
            generatedAt: at(s), seqNo: 0,
            eventData: [{ eventId, timestamp: at(s), actualValue: '40', component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Temperature' }, ...extra }],
          });
        // A monitor alerting on EVSE 1's temperature, then its cleared flag.
        await event(1, 10, { trigger: 'Alerting', eventNotificationType: 'CustomMonitor' });
        t.match(await open(`&stationId=${id}`), [{ type: 'EVSE.Temperature', source: 'device-event', state: 'open', evseId: 1 }]);
        await event(2, 11, { trigger: 'Alerting', eventNotificationType: 'CustomMonitor', cleared: true, actualValue: '30' });
        t.same(await open(`&stationId=${id}`), [], 'cleared by the station');
      }
      // A critical security event stays open (no recovery message exists for it).
      await c.call('SecurityEventNotification', { type: 'MemoryExhaustion', timestamp: at(20) });
      t.ok((await open(`&stationId=${id}`)).some((a) => a.type === 'MemoryExhaustion' && a.source === 'security-event'));
      const station = await server.apiJson('GET', `/stations/${id}/alerts?state=cleared`);
      t.equal(station.status, 200);
      t.same(station.body.items.map((a: { type: string }) => a.type), [version === 'ocpp1.6' ? 'GroundFailure' : 'EVSE.Temperature'], 'per station, by state');
      t.equal((await server.apiJson('GET', `/stations/${id}/alerts?state=sometimes`)).status, 400);
      await c.close();
    });
  }
});
