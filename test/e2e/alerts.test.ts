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
