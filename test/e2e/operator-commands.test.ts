import t from 'tap';
import { eventually, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict, type StrictClient, type Version } from '../helpers/ocpp-clients.js';

// Typed command endpoints against strict ocpp-rpc stations of 1.6 and 2.0.1, and the message log.

const PASSWORD = 'operator-pw-0001';

function answerEverything(client: StrictClient, version: Version, received: Array<{ method: string; params: any }>): void {
  const record = (method: string, answer: (params: any) => Record<string, unknown>) =>
    client.handle(method, async ({ params }: { params?: any }) => {
      received.push({ method, params });
      return answer(params);
    });
  record('Reset', () => ({ status: 'Accepted' }));
  record('ChangeAvailability', () => ({ status: 'Accepted' }));
  record('UnlockConnector', () => ({ status: 'Unlocked' }));
  record('TriggerMessage', () => ({ status: 'Accepted' }));
  record('ClearCache', () => ({ status: 'Accepted' }));
  record('DataTransfer', () => ({ status: 'Accepted', data: version === 'ocpp1.6' ? 'pong' : { pong: true } }));
  if (version === 'ocpp1.6') {
    record('GetConfiguration', (p) => ({ configurationKey: (p.key ?? ['HeartbeatInterval']).map((key: string) => ({ key, readonly: false, value: '300' })) }));
    record('ChangeConfiguration', () => ({ status: 'Accepted' }));
  } else {
    record('GetVariables', (p) => ({
      getVariableResult: p.getVariableData.map((d: any) => ({ attributeStatus: 'Accepted', attributeValue: '300', component: d.component, variable: d.variable })),
    }));
    record('SetVariables', (p) => ({
      setVariableResult: p.setVariableData.map((d: any) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable })),
    }));
  }
}

t.test('typed commands map to each version and reach strict stations', async (t) => {
  const server = await startServer(t, { env: { CSMS_WORKERS: '1' } });
  const stations: Record<string, { version: Version; received: Array<{ method: string; params: any }> }> = {};
  for (const version of ['ocpp1.6', 'ocpp2.0.1'] as const) {
    const id = `OPS-${version}`;
    await server.registerStation(id, PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
    const received: Array<{ method: string; params: any }> = [];
    answerEverything(client, version, received);
    await client.call('BootNotification', bootPayload(version));
    stations[id] = { version, received };
  }
  const v16 = 'OPS-ocpp1.6';
  const v2 = 'OPS-ocpp2.0.1';
  const last = (id: string) => stations[id]!.received.at(-1);

  const reset16 = await server.apiJson('POST', `/stations/${v16}/reset`, { type: 'Immediate' });
  t.same(reset16, { status: 200, body: { action: 'Reset', protocol: 'ocpp1.6', result: { status: 'Accepted' } } });
  t.same(last(v16), { method: 'Reset', params: { type: 'Hard' } });
  const reset2 = await server.apiJson('POST', `/stations/${v2}/reset`, { type: 'Hard', evseId: 1 });
  t.equal(reset2.status, 200);
  t.same(last(v2), { method: 'Reset', params: { type: 'Immediate', evseId: 1 } });

  t.equal((await server.apiJson('POST', `/stations/${v16}/availability`, { operative: false, evseId: 1 })).status, 200);
  t.same(last(v16)!.params, { connectorId: 1, type: 'Inoperative' });
  t.equal((await server.apiJson('POST', `/stations/${v2}/availability`, { operative: true, evseId: 1, connectorId: 1 })).status, 200);
  t.same(last(v2)!.params, { operationalStatus: 'Operative', evse: { id: 1, connectorId: 1 } });

  t.match((await server.apiJson('POST', `/stations/${v16}/unlock`, { evseId: 2 })).body, { result: { status: 'Unlocked' } });
  t.same(last(v16)!.params, { connectorId: 2 });
  t.equal((await server.apiJson('POST', `/stations/${v2}/unlock`, { evseId: 2 })).status, 200);
  t.same(last(v2)!.params, { evseId: 2, connectorId: 1 });

  t.equal((await server.apiJson('POST', `/stations/${v16}/trigger`, { message: 'Heartbeat' })).status, 200);
  t.equal((await server.apiJson('POST', `/stations/${v2}/trigger`, { message: 'Heartbeat', evseId: 1 })).status, 200);
  t.same(last(v2)!.params, { requestedMessage: 'Heartbeat', evse: { id: 1 } });
  t.equal((await server.apiJson('POST', `/stations/${v16}/trigger`, { message: 'Coffee' })).status, 400, 'schema of the version applies');

  const conf = await server.apiJson('GET', `/stations/${v16}/configuration?key=HeartbeatInterval&key=MeterValueSampleInterval`);
  t.equal(conf.status, 200);
  t.same(last(v16)!.params, { key: ['HeartbeatInterval', 'MeterValueSampleInterval'] });
  t.equal(conf.body.result.configurationKey.length, 2);
  t.equal((await server.apiJson('PUT', `/stations/${v16}/configuration`, { key: 'HeartbeatInterval', value: '60' })).status, 200);
  t.same(last(v16)!.params, { key: 'HeartbeatInterval', value: '60' });
  const wrong = await server.apiJson('GET', `/stations/${v2}/configuration`);
  t.equal(wrong.status, 400);
  t.match(wrong.body, { error: 'Wrong Protocol', message: /variables\/get/, details: { protocol: 'ocpp2.0.1' } });

  const vars = await server.apiJson('POST', `/stations/${v2}/variables/get`, { variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval' }] });
  t.equal(vars.status, 200);
  t.match(vars.body.result, { getVariableResult: [{ attributeStatus: 'Accepted', attributeValue: '300' }] });
  const set = await server.apiJson('POST', `/stations/${v2}/variables/set`, { variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '60' }] });
  t.equal(set.status, 200);
  t.same(last(v2)!.params, { setVariableData: [{ attributeValue: '60', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] });
  t.equal((await server.apiJson('POST', `/stations/${v16}/variables/get`, { variables: [{ component: 'a', variable: 'b' }] })).status, 400);

  t.equal((await server.apiJson('POST', `/stations/${v16}/clear-cache`)).status, 200);
  t.equal(last(v16)!.method, 'ClearCache');
  const dt16 = await server.apiJson('POST', `/stations/${v16}/data-transfer`, { vendorId: 'ACME', data: { ping: 1 } });
  t.same(dt16.body.result, { status: 'Accepted', data: 'pong' });
  t.same(last(v16)!.params, { vendorId: 'ACME', data: '{"ping":1}' });
  const dt2 = await server.apiJson('POST', `/stations/${v2}/data-transfer`, { vendorId: 'ACME', data: { ping: 1 } });
  t.same(last(v2)!.params, { vendorId: 'ACME', data: { ping: 1 } });
  t.equal(dt2.status, 200);

  const badBody = await server.apiJson('POST', `/stations/${v16}/reset`, { type: 'Sideways' });
  t.equal(badBody.status, 400);
  t.match(badBody.body, { error: 'Validation Failed', message: String, details: Array });
  t.equal((await server.apiJson('POST', '/stations/NOPE/reset', { type: 'Soft' })).status, 404);

  t.test('message log: every frame in and out, newest first, paginated', async (t) => {
    const all = await eventually(async () => {
      const page = await server.apiJson('GET', `/stations/${v16}/messages?limit=1000`);
      return page.body.items.some((m: any) => m.action === 'DataTransfer' && m.direction === 'in') ? page.body.items : undefined;
    }, 10_000, 'DataTransfer answer logged');
    const boot = all.filter((m: any) => m.action === 'BootNotification');
    t.same(boot.map((m: any) => [m.direction, m.messageType]), [['out', 3], ['in', 2]], 'BootNotification CALL in, CALLRESULT out');
    t.equal(boot[0].messageId, boot[1].messageId);
    t.match(boot[1].payload, { chargePointVendor: 'ACME' });
    const reset = all.filter((m: any) => m.action === 'Reset');
    t.same(reset.map((m: any) => [m.direction, m.messageType]), [['in', 3], ['out', 2]], 'Reset CALL out, CALLRESULT in (answer carries the action)');
    t.same(reset[1].payload, { type: 'Hard' });
    t.ok(all.every((m: any) => typeof m.at === 'string' && typeof m.seq === 'number'));
    const page1 = await server.apiJson('GET', `/stations/${v16}/messages?limit=2`);
    t.equal(page1.body.items.length, 2);
    const page2 = await server.apiJson('GET', `/stations/${v16}/messages?limit=2&cursor=${page1.body.nextCursor}`);
    t.ok(page2.body.items[0].seq < page1.body.items[1].seq, 'next page continues older');
    const outOnly = await server.apiJson('GET', `/stations/${v16}/messages?direction=out&action=Reset`);
    t.same(outOnly.body.items.map((m: any) => m.messageType), [2]);
    const bad = await server.apiJson('GET', `/stations/${v16}/messages?direction=sideways`);
    t.equal(bad.status, 400);
    t.match(bad.body, { error: String, message: String });

    const created = await server.apiJson('POST', '/admin/api-keys', { tenantId: 'acme' });
    const other = await fetch(`${server.apiUrl}/stations/${v16}/messages`, { headers: { authorization: `Bearer ${created.body.key}` } });
    t.equal(other.status, 404, 'another tenant cannot read the log');
  });
});

t.test('message log retention bounds rows per station', async (t) => {
  const server = await startServer(t, { env: { CSMS_MESSAGE_LOG_RETENTION: '4', CSMS_WORKERS: '1' } });
  await server.registerStation('RET-1', PASSWORD);
  const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'RET-1', password: PASSWORD, version: 'ocpp1.6' });
  await client.call('BootNotification', bootPayload('ocpp1.6'));
  for (let i = 0; i < 10; i++) await client.call('Heartbeat', {});
  // The bound is enforced every 10 s; wait for it rather than for a fixed time.
  const items = await eventually(async () => {
    const page = await server.apiJson('GET', '/stations/RET-1/messages?limit=100');
    return page.body.items.length === 4 ? page.body.items : undefined;
  }, 20_000, 'log pruned to 4 rows');
  t.same(items.map((m: any) => m.action), ['Heartbeat', 'Heartbeat', 'Heartbeat', 'Heartbeat']);
});
