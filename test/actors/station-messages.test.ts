import t, { type Test } from 'tap';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import type { HandlerContext, StationSession } from '../../actors/handler-context.js';
import { STATION_INITIATED } from '../../actors/actions/station-initiated.js';
import { VendorRegistry } from '../../actors/actions/shared/vendor-extensions.js';
import type { OcppVersion } from '../../core/protocols.js';

// The issue #12 handlers over a real (in-memory) SQLite store: what each keeps, what it publishes,
// how it moves the request it names, and that semantic problems are logged and accepted.

// Fixed for the test, but now: reads show a request whose window has passed (by the wall clock) as timed-out.
const NOW = new Date();

async function setup(t: Test, version: OcppVersion, vendors?: VendorRegistry) {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  await store.stations.createStation({ tenantId: 't1', id: 'CS1', passwordHash: null });
  const events: Array<{ type: string; payload: Record<string, unknown> }> = [];
  const logs: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const session: StationSession = { tenantId: 't1', stationId: 'CS1', version };
  const ctx: HandlerContext = {
    session,
    state: { bootStatus: 'Accepted', lastSeenAt: 0 },
    store,
    events: { emit: (type, _s, payload) => events.push({ type, payload }) },
    lastSeen: { mark: () => {} },
    clock: () => NOW,
    settings: { heartbeatIntervalSec: 300 },
    log: { info: (fields, message) => logs.push({ fields, message }) },
    vendors,
  };
  const call = (action: string, payload: unknown) => STATION_INITIATED[version][action]!(ctx, payload);
  return { store, events, logs, call, ctx };
}

for (const version of ['ocpp1.6', 'ocpp2.0.1'] as const) {
  t.test(`${version} DataTransfer: UnknownVendorId without a registered vendor, stored and published`, async (t) => {
    const { store, events, call } = await setup(t, version);
    t.same(await call('DataTransfer', { vendorId: 'com.acme', messageId: 'Hello', data: 'hi' }), { status: 'UnknownVendorId' });
    const page = await store.stationEvents.list('t1', 'CS1', { limit: 10 });
    t.match(page.items, [{ kind: 'data-transfer', type: 'UnknownVendorId', at: NOW.toISOString(), payload: { vendorId: 'com.acme', messageId: 'Hello', data: 'hi' } }]);
    t.match(events, [{ type: 'data.transfer', payload: { type: 'UnknownVendorId', vendorId: 'com.acme' } }]);
  });

  t.test(`${version} DataTransfer: the registered vendor answers; unknown messageId; a failing handler answers Rejected`, async (t) => {
    const vendors = new VendorRegistry().register('com.Acme', {
      messages: {
        Echo: ({ data, session }) => ({ status: 'Accepted', data: { echoed: data, station: session.stationId } }),
        Boom: () => {
          throw new Error('vendor bug');
        },
      },
    });
    const { store, logs, call } = await setup(t, version, vendors);
    const echoed = (await call('DataTransfer', { vendorId: 'COM.ACME', messageId: 'echo', data: 'x' })) as { status: string; data: unknown };
    t.equal(echoed.status, 'Accepted', 'vendorId and messageId match case-insensitively');
    if (version === 'ocpp1.6') t.equal(echoed.data, JSON.stringify({ echoed: 'x', station: 'CS1' }), '1.6 data goes back as a string');
    else t.same(echoed.data, { echoed: 'x', station: 'CS1' }, '2.x data is JSON');
    t.same(await call('DataTransfer', { vendorId: 'com.acme', messageId: 'Nope' }), { status: 'UnknownMessageId' });
    t.same(await call('DataTransfer', { vendorId: 'com.acme' }), { status: 'UnknownMessageId' }, 'no messageId and no fallback');
    t.same(await call('DataTransfer', { vendorId: 'com.acme', messageId: 'Boom' }), { status: 'Rejected' });
    t.match(logs, [{ fields: { vendorId: 'com.acme', messageId: 'Boom' } }]);
    t.same((await store.stationEvents.list('t1', 'CS1', { limit: 10, kind: 'data-transfer' })).items.map((e) => e.type), ['Rejected', 'UnknownMessageId', 'UnknownMessageId', 'Accepted']);
  });

  t.test(`${version} SecurityEventNotification: kept with type, time and techInfo`, async (t) => {
    const { store, events, call } = await setup(t, version);
    t.same(await call('SecurityEventNotification', { type: 'InvalidFirmwareSignature', timestamp: '2026-03-01T11:59:00.000Z', techInfo: 'key 3' }), {});
    t.match((await store.stationEvents.list('t1', 'CS1', { limit: 10, kind: 'security-event' })).items, [
      { type: 'InvalidFirmwareSignature', at: '2026-03-01T11:59:00.000Z', receivedAt: NOW.toISOString(), payload: { techInfo: 'key 3' } },
    ]);
    t.match(events, [{ type: 'security.event', payload: { type: 'InvalidFirmwareSignature', techInfo: 'key 3' } }]);
  });

  t.test(`${version} LogStatusNotification: moves its GetLog request; an unknown requestId is logged and accepted`, async (t) => {
    const { store, logs, call } = await setup(t, version);
    const requestId = await store.requests.create({ tenantId: 't1', stationId: 'CS1', action: 'GetLog', at: NOW.toISOString() });
    await store.requests.applyAnswer('t1', 'CS1', requestId, { status: 'Accepted' }, NOW.toISOString());
    t.same(await call('LogStatusNotification', { status: 'Uploading', requestId }), {});
    t.equal((await store.requests.get('t1', 'CS1', requestId))?.status, 'receiving');
    t.same(await call('LogStatusNotification', { status: 'Uploaded', requestId }), {});
    t.match(await store.requests.get('t1', 'CS1', requestId), { status: 'complete', progress: 'Uploaded' });
    t.same(await call('LogStatusNotification', { status: 'Uploading', requestId: 999 }), {}, 'unknown request: accepted');
    t.match(logs, [{ fields: { requestId: 999, request: 'unknown' } }]);
    t.same(await call('LogStatusNotification', { status: 'Idle' }), {}, 'no requestId');
    t.same((await store.stationEvents.list('t1', 'CS1', { limit: 10, kind: 'log-status' })).items.map((e) => [e.type, e.requestId]), [
      ['Idle', null],
      ['Uploading', 999],
      ['Uploaded', requestId],
      ['Uploading', requestId],
    ]);
  });

  t.test(`${version} FirmwareStatusNotification: kept as history`, async (t) => {
    const { store, events, call } = await setup(t, version);
    const requestId = version === 'ocpp1.6' ? undefined : await store.requests.create({ tenantId: 't1', stationId: 'CS1', action: 'UpdateFirmware', at: NOW.toISOString() });
    for (const status of ['Downloading', 'Downloaded', 'Installing', 'Installed']) t.same(await call('FirmwareStatusNotification', { status, ...(requestId !== undefined ? { requestId } : {}) }), {});
    t.same((await store.stationEvents.list('t1', 'CS1', { limit: 10, kind: 'firmware-status' })).items.map((e) => e.type), ['Installed', 'Installing', 'Downloaded', 'Downloading']);
    t.equal(events.length, 4);
    t.equal(events[3]!.type, 'firmware.status');
    if (requestId !== undefined) t.match(await store.requests.get('t1', 'CS1', requestId), { status: 'complete', progress: 'Installed', parts: 4 }, 'the UpdateFirmware request completes');
  });
}

t.test('1.6 DiagnosticsStatusNotification and SignedFirmwareStatusNotification', async (t) => {
  const { store, call } = await setup(t, 'ocpp1.6');
  const requestId = await store.requests.create({ tenantId: 't1', stationId: 'CS1', action: 'SignedUpdateFirmware', at: NOW.toISOString() });
  t.same(await call('DiagnosticsStatusNotification', { status: 'Uploaded' }), {});
  t.same(await call('SignedFirmwareStatusNotification', { status: 'InvalidSignature', requestId }), {});
  t.match(await store.requests.get('t1', 'CS1', requestId), { status: 'failed', error: 'InvalidSignature' });
  t.same((await store.stationEvents.list('t1', 'CS1', { limit: 10 })).items.map((e) => [e.kind, e.type]), [
    ['signed-firmware-status', 'InvalidSignature'],
    ['diagnostics-status', 'Uploaded'],
  ]);
});

const report = (name: string, variable: string, value: string, evseId?: number) => ({
  component: { name, ...(evseId !== undefined ? { evse: { id: evseId } } : {}) },
  variable: { name: variable },
  variableAttribute: [{ type: 'Actual', value, mutability: 'ReadOnly' }],
  variableCharacteristics: { dataType: 'string', supportsMonitoring: true },
});

t.test('2.0.1 NotifyReport: pages out of order fill the device model and complete the GetBaseReport request', async (t) => {
  const { store, events, call } = await setup(t, 'ocpp2.0.1');
  const requestId = await store.requests.create({ tenantId: 't1', stationId: 'CS1', action: 'GetBaseReport', at: NOW.toISOString() });
  await store.requests.applyAnswer('t1', 'CS1', requestId, { status: 'Accepted' }, NOW.toISOString());
  const generatedAt = '2026-03-01T11:00:00.000Z';
  t.same(await call('NotifyReport', { requestId, generatedAt, seqNo: 1, tbc: true, reportData: [report('EVSE', 'Power', '22000', 1)] }), {});
  t.same(await call('NotifyReport', { requestId, generatedAt, seqNo: 2, tbc: false, reportData: [report('EVSE', 'Power', '11000', 2)] }), {});
  t.equal((await store.requests.get('t1', 'CS1', requestId))?.status, 'receiving', 'part 0 missing');
  t.same(await call('NotifyReport', { requestId, generatedAt, seqNo: 0, tbc: true, reportData: [report('OCPPCommCtrlr', 'HeartbeatInterval', '300'), report('Connector', 'AvailabilityState', 'Available', 1)] }), {});
  t.match(await store.requests.get('t1', 'CS1', requestId), { status: 'complete', parts: 3, finalSeqNo: 2 });
  const model = await store.deviceModel.listDeviceModel('t1', 'CS1', { limit: 10 });
  t.same(model.items.map((v) => `${v.component.name}/${v.variable.name}/${v.component.evseId ?? '-'}`), ['Connector/AvailabilityState/1', 'EVSE/Power/1', 'EVSE/Power/2', 'OCPPCommCtrlr/HeartbeatInterval/-']);
  t.match(events.map((e) => e.payload), [
    { requestId, seqNo: 1, variables: 1, request: 'receiving' },
    { requestId, seqNo: 2, tbc: false, request: 'receiving' },
    { requestId, seqNo: 0, variables: 2, request: 'complete' },
  ]);
  t.ok(events.every((e) => e.type === 'device-model.reported'));
  t.same(await call('NotifyReport', { requestId: 12345, generatedAt, seqNo: 0, reportData: [report('Door', 'Open', 'false')] }), {}, 'unknown request: accepted, still stored');
  t.equal((await store.deviceModel.listDeviceModel('t1', 'CS1', { limit: 10, component: 'Door' })).items.length, 1);
});

t.test('2.0.1 NotifyEvent: each event kept, actual values into the device model', async (t) => {
  const { store, events, call } = await setup(t, 'ocpp2.0.1');
  await call('NotifyReport', { requestId: 1, generatedAt: '2026-03-01T10:00:00.000Z', seqNo: 0, reportData: [report('Connector', 'AvailabilityState', 'Available', 1)] });
  events.length = 0;
  const eventData = [
    { eventId: 1, timestamp: '2026-03-01T11:00:00.000Z', trigger: 'Delta', actualValue: 'Occupied', component: { name: 'Connector', evse: { id: 1, connectorId: 1 } }, variable: { name: 'AvailabilityState' }, eventNotificationType: 'HardWiredNotification' },
    { eventId: 2, timestamp: '2026-03-01T11:00:01.000Z', trigger: 'Alerting', actualValue: 'true', cleared: false, techCode: 'E42', component: { name: 'Door' }, variable: { name: 'Problem' }, eventNotificationType: 'HardWiredMonitor' },
  ];
  t.same(await call('NotifyEvent', { generatedAt: '2026-03-01T11:00:02.000Z', seqNo: 0, eventData }), {});
  t.match((await store.stationEvents.list('t1', 'CS1', { limit: 10, kind: 'event' })).items, [
    { type: 'Alerting', at: '2026-03-01T11:00:01.000Z', payload: { eventId: 2, actualValue: 'true', cleared: false, techCode: 'E42', component: { name: 'Door' }, variable: { name: 'Problem' } } },
    { type: 'Delta', payload: { eventId: 1, component: { name: 'Connector', evseId: 1, connectorId: 1 } } },
  ]);
  const door = (await store.deviceModel.listDeviceModel('t1', 'CS1', { limit: 10, component: 'Door' })).items[0];
  t.same(door?.attributes, [{ type: 'Actual', value: 'true' }]);
  t.same(events.map((e) => e.type), ['device.event', 'device.event', 'alert.raised'], 'the Door problem is also an alert (core/alerts.ts)');
  t.match((await store.stationEvents.listAlerts('t1', { limit: 10 })).items, [
    { stationId: 'CS1', kind: 'alert', type: 'Door.Problem', at: '2026-03-01T11:00:01.000Z', payload: { source: 'device-event', cleared: false, techCode: 'E42' } },
  ]);
});

t.test('2.0.1 NotifyEvent storm: beyond the budget events are answered, counted and summarised, not stored', async (t) => {
  const { store, events, logs, ctx } = await setup(t, 'ocpp2.0.1');
  let nowMs = Date.parse('2026-03-01T12:00:00.000Z');
  let dropped = 0;
  const warned: string[] = [];
  Object.assign(ctx, {
    clock: () => new Date(nowMs),
    settings: { ...ctx.settings, eventBudget: { ratePerSec: 1, burst: 3 } },
    metrics: { notifyEventsDropped: (n: number) => (dropped += n) },
    log: { info: ctx.log!.info, warn: (_f: Record<string, unknown>, message: string) => warned.push(message) },
  });
  const data = (eventId: number, trigger = 'Delta') => ({
    eventId, timestamp: new Date(nowMs).toISOString(), trigger, actualValue: String(eventId),
    component: { name: 'Door' }, variable: { name: trigger === 'Alerting' ? 'Problem' : 'Open' }, eventNotificationType: 'HardWiredNotification',
  });
  const notify = (seqNo: number, eventData: unknown[]) => STATION_INITIATED['ocpp2.0.1']['NotifyEvent']!(ctx, { generatedAt: new Date(nowMs).toISOString(), seqNo, eventData });
  const stored = async () => (await store.stationEvents.list('t1', 'CS1', { limit: 100, kind: 'event' })).items;

  t.same(await notify(0, [data(1), data(2)]), {}, 'within the burst');
  t.same(await notify(1, [data(3), data(4), data(5, 'Alerting')]), {}, 'beyond it: still answered');
  for (let i = 0; i < 50; i++) t.same(await notify(2 + i, [data(100 + i, 'Alerting')]), {});
  t.equal(dropped, 2 + 50, 'every event beyond the budget counted');
  const during = await stored();
  t.same(during.map((e) => e.type).sort(), ['Delta', 'Delta', 'Delta', 'EventStorm'], 'three events one by one, one storm record');
  t.match(during.find((e) => e.type === 'EventStorm')!.payload, { state: 'started', dropped: 2, ratePerSec: 1, burst: 3 });
  t.same((await store.stationEvents.listAlerts('t1', { limit: 10 })).items, [], 'events beyond the budget raise no alert');
  t.equal(warned.length, 1, 'one warn line per storm, not per message');
  t.same((await store.deviceModel.listDeviceModel('t1', 'CS1', { limit: 10, component: 'Door' })).items.map((i) => i.attributes), [[{ type: 'Actual', value: '3' }]], 'no device model value from a dropped event');

  nowMs += 10_000; // the bucket refills: the next message is granted whole and ends the storm
  t.same(await notify(60, [data(200)]), {});
  const after = await stored();
  t.match(after.filter((e) => e.type === 'EventStorm').map((e) => e.payload), [{ state: 'ended', dropped: 52 }, { state: 'started' }]);
  t.ok(logs.some((l) => l.message === 'NotifyEvent storm ended'), 'one info line when it ends');
  t.ok(events.some((e) => e.type === 'device.event' && e.payload.type === 'EventStorm'), 'the storm is published like other events');
});

t.test('2.0.1 NotifyMonitoringReport and NotifyCustomerInformation: pages kept by request, requests complete', async (t) => {
  const { store, events, call } = await setup(t, 'ocpp2.0.1');
  const monitoring = await store.requests.create({ tenantId: 't1', stationId: 'CS1', action: 'GetMonitoringReport', at: NOW.toISOString() });
  const customer = await store.requests.create({ tenantId: 't1', stationId: 'CS1', action: 'CustomerInformation', at: NOW.toISOString() });
  const monitor = [{ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' }, variableMonitoring: [{ id: 7, transaction: false, value: 1000, type: 'Delta', severity: 5 }] }];
  t.same(await call('NotifyMonitoringReport', { requestId: monitoring, seqNo: 0, generatedAt: '2026-03-01T11:00:00.000Z', monitor }), {});
  t.same(await call('NotifyCustomerInformation', { requestId: customer, seqNo: 0, tbc: true, generatedAt: '2026-03-01T11:00:00.000Z', data: 'name=A' }), {});
  t.same(await call('NotifyCustomerInformation', { requestId: customer, seqNo: 1, generatedAt: '2026-03-01T11:00:00.000Z', data: 'card=B' }), {});
  t.equal((await store.requests.get('t1', 'CS1', monitoring))?.status, 'complete');
  t.equal((await store.requests.get('t1', 'CS1', customer))?.status, 'complete');
  t.match((await store.stationEvents.list('t1', 'CS1', { limit: 10, requestId: monitoring, kind: 'monitoring-report' })).items, [{ type: 'last', payload: { seqNo: 0, tbc: false, monitor } }]);
  t.same((await store.stationEvents.list('t1', 'CS1', { limit: 10, requestId: customer, kind: 'customer-information' })).items.map((e) => e.payload.data), ['card=B', 'name=A']);
  t.match(events, [
    { type: 'monitoring.reported', payload: { requestId: monitoring, monitors: 1, request: 'complete' } },
    { type: 'customer-information.reported', payload: { seqNo: 0, tbc: true } },
    { type: 'customer-information.reported', payload: { seqNo: 1, tbc: false, request: 'complete' } },
  ]);
  t.notOk(events.some((e) => 'data' in e.payload), 'customer data stays off the bus');
});

t.test('2.0.1 PublishFirmwareStatusNotification: locations kept, PublishFirmware completes', async (t) => {
  const { store, call } = await setup(t, 'ocpp2.0.1');
  const requestId = await store.requests.create({ tenantId: 't1', stationId: 'CS1', action: 'PublishFirmware', at: NOW.toISOString() });
  t.same(await call('PublishFirmwareStatusNotification', { status: 'Published', location: ['http://lc/fw.bin'], requestId }), {});
  t.equal((await store.requests.get('t1', 'CS1', requestId))?.status, 'complete');
  t.match((await store.stationEvents.list('t1', 'CS1', { limit: 1 })).items, [{ kind: 'publish-firmware-status', type: 'Published', payload: { location: ['http://lc/fw.bin'] } }]);
});
