import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, startServer } from '../helpers/server.js';
import { VERSIONS, bootPayload, connectStrict, type Version } from '../helpers/ocpp-clients.js';

// Issue #12 end to end, with strict ocpp-rpc clients (they check every answer against the
// official schemas): every station-initiated message of these blocks is answered, kept, readable
// through the REST API, and the multi-message flows complete the request they name.

const PASSWORD = 'station-messages-pw';
const at = (s: number) => new Date(Date.UTC(2026, 2, 1, 12, 0, s)).toISOString();

/** One valid request per action (1.6 with the security whitepaper; 2.0.1 and 2.1 share the 2.0.1 shapes). */
function messages(version: Version): Array<[string, Record<string, unknown>]> {
  const common: Array<[string, Record<string, unknown>]> = [
    ['DataTransfer', { vendorId: 'com.example', messageId: 'Hello', data: version === 'ocpp1.6' ? 'hi' : { hi: 1 } }],
    ['SecurityEventNotification', { type: 'SettingSystemTime', timestamp: at(1), techInfo: 'ntp' }],
    ['LogStatusNotification', { status: 'Idle' }],
  ];
  if (version === 'ocpp1.6') {
    return [
      ...common,
      ['DiagnosticsStatusNotification', { status: 'Uploading' }],
      ['FirmwareStatusNotification', { status: 'Downloading' }],
      ['SignedFirmwareStatusNotification', { status: 'Downloaded' }],
    ];
  }
  return [
    ...common,
    ['FirmwareStatusNotification', { status: 'Downloading' }],
    ['PublishFirmwareStatusNotification', { status: 'Idle' }],
    ['NotifyCustomerInformation', { data: 'none', seqNo: 0, generatedAt: at(2), requestId: 900 }],
    ['NotifyMonitoringReport', { requestId: 901, seqNo: 0, generatedAt: at(3) }],
    ['NotifyReport', { requestId: 902, generatedAt: at(4), seqNo: 0 }],
    [
      'NotifyEvent',
      {
        generatedAt: at(5),
        seqNo: 0,
        eventData: [
          {
            eventId: 1, timestamp: at(5), trigger: 'Alerting', actualValue: 'true', cleared: false,
            component: { name: 'Door' }, variable: { name: 'Problem' }, eventNotificationType: 'HardWiredMonitor',
          },
        ],
      },
    ],
  ];
}

t.test('station-initiated messages of issue #12', async (t) => {
  const server = await startServer(t);
  for (const version of VERSIONS) await server.registerStation(`SM-${version}`, PASSWORD);

  for (const version of VERSIONS) {
    t.test(`${version}: every message answered with a schema-valid result and kept`, async (t) => {
      const id = `SM-${version}`;
      const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
      t.equal(((await client.call('BootNotification', bootPayload(version))) as { status: string }).status, 'Accepted');
      for (const [action, payload] of messages(version)) {
        const answer = await client.call(action, payload);
        t.same(answer, action === 'DataTransfer' ? { status: 'UnknownVendorId' } : {}, `${action} answered`);
      }

      const events = await server.apiJson('GET', `/stations/${id}/events`);
      t.equal(events.status, 200);
      const kinds = (events.body.items as Array<{ kind: string }>).map((e) => e.kind);
      const expected =
        version === 'ocpp1.6'
          ? ['signed-firmware-status', 'firmware-status', 'diagnostics-status', 'log-status', 'alert', 'security-event', 'data-transfer']
          : ['alert', 'event', 'monitoring-report', 'customer-information', 'publish-firmware-status', 'firmware-status', 'log-status', 'alert', 'security-event', 'data-transfer'];
      t.same(kinds, expected, 'answered after the commit: all there, newest first (SettingSystemTime and the Door problem also raise alerts)');
      const security = await server.apiJson('GET', `/stations/${id}/events?kind=security-event`);
      t.match(security.body.items, [{ kind: 'security-event', type: 'SettingSystemTime', at: at(1), payload: { techInfo: 'ntp' }, requestId: null }]);
      t.notOk('tenantId' in security.body.items[0], 'no tenant in the view');
      const transfer = await server.apiJson('GET', `/stations/${id}/events?kind=data-transfer`);
      t.match(transfer.body.items, [{ type: 'UnknownVendorId', payload: { vendorId: 'com.example', messageId: 'Hello' } }]);

      const latest = await server.apiJson('GET', `/stations/${id}/status-reports`);
      t.equal(latest.status, 200);
      t.match(latest.body, { 'firmware-status': { type: 'Downloading' }, 'log-status': { type: 'Idle' } });
      if (version === 'ocpp1.6') t.match(latest.body, { 'diagnostics-status': { type: 'Uploading' }, 'signed-firmware-status': { type: 'Downloaded' }, 'publish-firmware-status': null });
      else t.match(latest.body, { 'diagnostics-status': null, 'publish-firmware-status': { type: 'Idle' } });

      const page = await server.apiJson('GET', `/stations/${id}/events?limit=2`);
      t.equal(page.body.items.length, 2);
      const rest = await server.apiJson('GET', `/stations/${id}/events?limit=100&cursor=${encodeURIComponent(page.body.nextCursor)}`);
      t.same([...page.body.items, ...rest.body.items].map((e: { kind: string }) => e.kind), expected, 'cursor pagination');
      t.equal(rest.body.nextCursor, null);
    });
  }

  for (const version of ['ocpp2.0.1', 'ocpp2.1'] as const) {
    t.test(`${version}: GetBaseReport → paged NotifyReport → device model; NotifyEvent updates it`, async (t) => {
      const id = `DM-${version}`;
      await server.registerStation(id, PASSWORD);
      const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
      await client.call('BootNotification', bootPayload(version));
      const variable = (name: string, v: string, value: string, evse?: number) => ({
        component: { name, ...(evse !== undefined ? { evse: { id: evse } } : {}) },
        variable: { name: v },
        variableAttribute: [{ type: 'Actual', value, mutability: 'ReadOnly' }],
        variableCharacteristics: { dataType: 'string', supportsMonitoring: true },
      });
      let sent: Promise<unknown> | undefined;
      client.handle('GetBaseReport', async ({ params }) => {
        const generatedAt = new Date().toISOString();
        const { requestId } = params as { requestId: number };
        // After the answer, pages out of order: 1, then 0, then the last.
        sent = new Promise((r) => setTimeout(r, 10)).then(async () => {
          await client.call('NotifyReport', { requestId, generatedAt, seqNo: 1, tbc: true, reportData: [variable('EVSE', 'Power', '22000', 1), variable('EVSE', 'Power', '11000', 2)] });
          await client.call('NotifyReport', { requestId, generatedAt, seqNo: 0, tbc: true, reportData: [variable('OCPPCommCtrlr', 'HeartbeatInterval', '300')] });
          await client.call('NotifyReport', { requestId, generatedAt, seqNo: 2, tbc: false, reportData: [variable('Connector', 'AvailabilityState', 'Available', 1)] });
        });
        return { status: 'Accepted' };
      });
      const command = await server.apiJson('POST', `/stations/${id}/ocpp/GetBaseReport`, { reportBase: 'FullInventory' });
      t.equal(command.status, 200);
      const requestId = command.body.facts.requestId as number;
      t.type(requestId, 'number');
      await eventually(async () => sent !== undefined, 10_000, 'the station got GetBaseReport');
      await sent;
      const request = await server.apiJson('GET', `/stations/${id}/requests/${requestId}`);
      t.match(request.body, { action: 'GetBaseReport', status: 'complete', answer: 'Accepted', parts: 3, seqNos: [0, 1, 2], finalSeqNo: 2 });

      const model = await server.apiJson('GET', `/stations/${id}/device-model`);
      t.equal(model.status, 200);
      t.same(model.body.items.map((v: { component: { name: string }; variable: { name: string } }) => `${v.component.name}.${v.variable.name}`), [
        'Connector.AvailabilityState', 'EVSE.Power', 'EVSE.Power', 'OCPPCommCtrlr.HeartbeatInterval',
      ]);
      const evse2 = await server.apiJson('GET', `/stations/${id}/device-model?component=EVSE&evseId=2`);
      t.match(evse2.body.items, [{ component: { name: 'EVSE', evseId: 2 }, variable: { name: 'Power' }, attributes: [{ type: 'Actual', value: '11000', mutability: 'ReadOnly' }], characteristics: { dataType: 'string' } }]);
      const first = await server.apiJson('GET', `/stations/${id}/device-model?limit=1`);
      const second = await server.apiJson('GET', `/stations/${id}/device-model?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
      t.match(second.body.items, [{ component: { name: 'EVSE', evseId: 1 } }], 'cursor pagination');

      t.same(await client.call('NotifyEvent', {
        generatedAt: new Date().toISOString(), seqNo: 0,
        eventData: [{ eventId: 5, timestamp: new Date().toISOString(), trigger: 'Delta', actualValue: 'Occupied', component: { name: 'Connector', evse: { id: 1 } }, variable: { name: 'AvailabilityState' }, eventNotificationType: 'HardWiredNotification' }],
      }), {});
      const state = await server.apiJson('GET', `/stations/${id}/device-model?variable=AvailabilityState`);
      t.match(state.body.items, [{ attributes: [{ type: 'Actual', value: 'Occupied', mutability: 'ReadOnly' }] }], 'the event’s actualValue is the Actual value now');
      const delta = await server.apiJson('GET', `/stations/${id}/events?kind=event&type=Delta`);
      t.match(delta.body.items, [{ type: 'Delta', payload: { eventId: 5, actualValue: 'Occupied' } }]);
    });
  }

  t.test('ocpp1.6: GetLog → LogStatusNotification completes the request', async (t) => {
    const id = 'LOG-16';
    await server.registerStation(id, PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version: 'ocpp1.6' });
    await client.call('BootNotification', bootPayload('ocpp1.6'));
    client.handle('GetLog', async () => ({ status: 'Accepted', filename: 'security.log' }));
    const command = await server.apiJson('POST', `/stations/${id}/ocpp/GetLog`, { logType: 'SecurityLog', log: { remoteLocation: 'ftp://logs.example/' } });
    t.equal(command.status, 200);
    const requestId = command.body.facts.requestId as number;
    t.same(await client.call('LogStatusNotification', { status: 'Uploading', requestId }), {});
    t.match((await server.apiJson('GET', `/stations/${id}/requests/${requestId}`)).body, { status: 'receiving', progress: 'Uploading' });
    t.same(await client.call('LogStatusNotification', { status: 'Uploaded', requestId }), {});
    t.match((await server.apiJson('GET', `/stations/${id}/requests/${requestId}`)).body, { status: 'complete', progress: 'Uploaded', result: { filename: 'security.log' } });
    const history = await server.apiJson('GET', `/stations/${id}/events?kind=log-status&requestId=${requestId}`);
    t.same(history.body.items.map((e: { type: string }) => e.type), ['Uploaded', 'Uploading']);
    t.same(await client.call('LogStatusNotification', { status: 'Uploading', requestId: 4242 }), {}, 'an unknown requestId is accepted');
  });

  t.test('REST: unknown station 404, bad filters 400', async (t) => {
    t.equal((await server.apiJson('GET', '/stations/NOPE/events')).status, 404);
    t.equal((await server.apiJson('GET', '/stations/NOPE/device-model')).status, 404);
    t.equal((await server.apiJson('GET', '/stations/NOPE/status-reports')).status, 404);
    t.match(await server.apiJson('GET', '/stations/SM-ocpp1.6/events?kind=nonsense'), { status: 400 });
    t.match(await server.apiJson('GET', '/stations/SM-ocpp1.6/events?cursor=xyz'), { status: 400, body: { code: 'INVALID_CURSOR' } });
    t.match(await server.apiJson('GET', '/stations/SM-ocpp1.6/device-model?evseId=-1'), { status: 400 });
  });
});

t.test('CSMS_VENDOR_EXTENSIONS: a registered vendor answers DataTransfer', async (t) => {
  const dir = t.testdir({});
  const module = join(dir, 'acme-extension.mjs');
  writeFileSync(
    module,
    `export default (registry) => registry.register('com.acme', {
       messages: { Echo: ({ data, session }) => ({ status: 'Accepted', data: { echo: data, station: session.stationId } }) },
     });\n`,
  );
  const server = await startServer(t, { env: { CSMS_VENDOR_EXTENSIONS: module } });
  for (const version of ['ocpp1.6', 'ocpp2.0.1'] as const) {
    const id = `VX-${version}`;
    await server.registerStation(id, PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
    const answer = (await client.call('DataTransfer', { vendorId: 'com.acme', messageId: 'Echo', data: 'ping' })) as { status: string; data: unknown };
    t.equal(answer.status, 'Accepted', `${version}: the vendor's handler answered`);
    const expected = { echo: 'ping', station: id };
    if (version === 'ocpp1.6') t.same(JSON.parse(answer.data as string), expected, '1.6: data as a JSON string');
    else t.same(answer.data, expected);
    t.same(await client.call('DataTransfer', { vendorId: 'com.acme', messageId: 'Other' }), { status: 'UnknownMessageId' });
    t.same(await client.call('DataTransfer', { vendorId: 'org.other' }), { status: 'UnknownVendorId' });
    const kept = await server.apiJson('GET', `/stations/${id}/events?kind=data-transfer`);
    t.same(kept.body.items.map((e: { type: string }) => e.type), ['UnknownVendorId', 'UnknownMessageId', 'Accepted']);
  }
});
