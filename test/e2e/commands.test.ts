import t from 'tap';
import { createRPCError } from 'ocpp-rpc';
import { eventually, metricValue, startServer } from '../helpers/server.js';
import { RawStation, VERSIONS, bootPayload, connectStrict, rpcErrorCode, type StrictClient, type Version } from '../helpers/ocpp-clients.js';

// CSMS→station calls through POST /stations/{id}/ocpp/{action}, with stations spread over two
// gateway threads, every error status of that endpoint, and GET /metrics.

const PASSWORD = 'commands-pw-0001';
const CALL_TIMEOUT_SEC = 2;

function resetPayload(version: Version) {
  return version === 'ocpp1.6' ? { type: 'Hard' } : { type: 'Immediate', evseId: 1 };
}

const getVariablesRequest = {
  getVariableData: [
    { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
    { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' }, attributeType: 'MaxSet' },
  ],
};

interface Station {
  id: string;
  version: Version;
  client: StrictClient;
  thread: number;
  received: Array<{ method: string; params: unknown }>;
}

t.test('CSMS→station calls over two gateway threads', async (t) => {
  const server = await startServer(t, { env: { CSMS_WORKERS: '2', CSMS_CALL_TIMEOUT: String(CALL_TIMEOUT_SEC) } });

  const stations: Station[] = [];
  const connect = async (version: Version, n: number): Promise<Station> => {
    const id = `CMD-${version}-${n}`;
    await server.registerStation(id, PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
    const received: Station['received'] = [];
    client.handle('Reset', async ({ params }) => {
      received.push({ method: 'Reset', params });
      return { status: 'Accepted' };
    });
    client.handle('GetVariables', async ({ params }) => {
      received.push({ method: 'GetVariables', params });
      const data = (params as typeof getVariablesRequest).getVariableData;
      return {
        getVariableResult: data.map((d, i) => ({
          attributeStatus: i === 0 ? 'Accepted' : 'UnknownVariable',
          component: d.component,
          variable: d.variable,
          ...(i === 0 ? { attributeValue: '300' } : {}),
          ...(d.attributeType ? { attributeType: d.attributeType } : {}),
        })),
      };
    });
    client.handle('ChangeAvailability', async () => {
      throw createRPCError('NotSupported', 'not on this model', { model: 'X' });
    });
    await client.call('BootNotification', bootPayload(version));
    const view = await server.apiJson('GET', `/stations/${id}`);
    return { id, version, client, thread: view.body.gatewayThread as number, received };
  };

  // Connect stations of each version until every version has stations on both threads.
  for (const version of VERSIONS) {
    const threads = new Set<number>();
    for (let n = 0; n < 24 && (n < 2 || threads.size < 2); n++) {
      const station = await connect(version, n);
      threads.add(station.thread);
      stations.push(station);
    }
    t.same([...threads].sort(), [1, 2], `${version}: stations on both gateway threads`);
  }

  t.test('Reset (all versions) and GetVariables (2.x) reach the strict client and return its answer', async (t) => {
    await Promise.all(
      stations.map(async (s) => {
        const reset = await server.apiJson('POST', `/stations/${s.id}/ocpp/Reset`, resetPayload(s.version));
        t.equal(reset.status, 200, `${s.id} (thread ${s.thread}): Reset → 200`);
        t.same(reset.body, { result: { status: 'Accepted' } });
        t.same(s.received.shift(), { method: 'Reset', params: resetPayload(s.version) }, `${s.id}: the station got the payload as sent`);
        if (s.version === 'ocpp1.6') return;
        const gv = await server.apiJson('POST', `/stations/${s.id}/ocpp/GetVariables`, getVariablesRequest);
        t.equal(gv.status, 200, `${s.id}: GetVariables → 200`);
        t.match(gv.body, {
          result: {
            getVariableResult: [
              { attributeStatus: 'Accepted', attributeValue: '300', component: { name: 'OCPPCommCtrlr' } },
              { attributeStatus: 'UnknownVariable', attributeType: 'MaxSet', component: { name: 'EVSE', evse: { id: 1 } } },
            ],
          },
        });
        t.equal(s.received.shift()?.method, 'GetVariables');
      }),
    );
    // Several calls to one station at once are queued (one in flight) and all answered.
    const s = stations[0]!;
    const many = await Promise.all(Array.from({ length: 10 }, () => server.apiJson('POST', `/stations/${s.id}/ocpp/Reset`, resetPayload(s.version))));
    t.same(many.map((r) => r.status), Array(10).fill(200), 'ten concurrent calls to one station all answered');
    t.equal(s.received.splice(0).length, 10);
  });

  t.test('404 unknown station, 409 not connected', async (t) => {
    const unknown = await server.apiJson('POST', '/stations/NO-SUCH-STATION/ocpp/Reset', { type: 'Soft' });
    t.equal(unknown.status, 404);
    t.match(unknown.body, { error: String, message: String });
    await server.registerStation('CMD-offline', PASSWORD);
    const offline = await server.apiJson('POST', '/stations/CMD-offline/ocpp/Reset', { type: 'Soft' });
    t.equal(offline.status, 409);
    t.match(offline.body, { error: String, message: /not connected/ });
    // A station that was connected and left is 409 again.
    const leaving = stations.pop()!;
    await leaving.client.close();
    await eventually(async () => (await server.apiJson('GET', `/stations/${leaving.id}`)).body.connected === false, 10_000, 'station shown disconnected');
    t.equal((await server.apiJson('POST', `/stations/${leaving.id}/ocpp/Reset`, resetPayload(leaving.version))).status, 409, 'after it disconnected');
  });

  for (const version of VERSIONS) {
    t.test(`${version}: 400 for unknown actions and invalid payloads; nothing reaches the station`, async (t) => {
      const s = stations.find((x) => x.version === version)!;
      const cases: Array<[string, string, unknown]> = [
        ['unknown action', 'MakeCoffee', {}],
        ['station-initiated action', 'BootNotification', bootPayload(version)],
        ['action of another version', version === 'ocpp1.6' ? 'GetVariables' : 'ChangeConfiguration', version === 'ocpp1.6' ? getVariablesRequest : { key: 'a', value: 'b' }],
        ['invalid enum value', 'Reset', { type: 'Sideways' }],
        ['missing required field', 'Reset', {}],
        ['unknown field', 'Reset', { ...resetPayload(version), colour: 'red' }],
        ['wrong type', 'Reset', { type: 1 }],
        ['action name not matching the route pattern', 'Re-set', {}],
      ];
      for (const [what, action, body] of cases) {
        const answer = await server.apiJson('POST', `/stations/${s.id}/ocpp/${action}`, body);
        t.equal(answer.status, 400, `${what} → 400`);
        t.match(answer.body, { error: String, message: String }, `${what}: error body`);
      }
      t.same(s.received, [], 'the station received none of them');
    });

    t.test(`${version}: 502 when the station answers with a CALLERROR or an invalid CALLRESULT`, async (t) => {
      const s = stations.find((x) => x.version === version)!;
      const payload = version === 'ocpp1.6' ? { connectorId: 0, type: 'Inoperative' } : { operationalStatus: 'Inoperative' };
      const refused = await server.apiJson('POST', `/stations/${s.id}/ocpp/ChangeAvailability`, payload);
      t.equal(refused.status, 502);
      t.match(refused.body, { details: { code: 'NotSupported', description: 'not on this model', details: { model: 'X' } } });

      // A raw station answering with a payload that breaks the response schema.
      const id = `CMD-raw-${version}`;
      await server.registerStation(id, PASSWORD);
      const raw = await RawStation.open(t, server.ocppUrl, id, { protocols: [version], password: PASSWORD });
      await raw.settle();
      const pending = server.apiJson('POST', `/stations/${id}/ocpp/Reset`, resetPayload(version));
      const call = await raw.nextFrame();
      t.equal(call[0], 2, 'the CSMS sent a CALL');
      t.equal(call[2], 'Reset');
      t.same(call[3], resetPayload(version));
      raw.send(JSON.stringify([3, call[1], { status: 'Maybe' }]));
      const invalid = await pending;
      t.equal(invalid.status, 502, 'invalid CALLRESULT → 502');
      t.match(invalid.body.message, /invalid/);
      if (version === 'ocpp2.1') {
        const back = await raw.nextFrame();
        t.same(back.slice(0, 3), [5, call[1], 'FormatViolation'], '2.1: the CSMS answers the bad CALLRESULT with CALLRESULTERROR');
      }
      // A CALLERROR from a raw station, with the version's own spelling, is passed through.
      const pending2 = server.apiJson('POST', `/stations/${id}/ocpp/Reset`, resetPayload(version));
      const call2 = await raw.nextFrame();
      const occurrence = version === 'ocpp1.6' ? 'OccurrenceConstraintViolation' : 'OccurenceConstraintViolation';
      raw.send(JSON.stringify([4, call2[1], occurrence, 'nope', { why: 'test' }]));
      const passed = await pending2;
      t.equal(passed.status, 502);
      t.match(passed.body, { details: { code: occurrence, description: 'nope', details: { why: 'test' } } });
      raw.close();
      await raw.closed;
    });

    t.test(`${version}: 504 when the station never answers; the next call still works`, async (t) => {
      const id = `CMD-silent-${version}`;
      await server.registerStation(id, PASSWORD);
      const raw = await RawStation.open(t, server.ocppUrl, id, { protocols: [version], password: PASSWORD });
      await raw.settle();
      const started = Date.now();
      const pending = server.apiJson('POST', `/stations/${id}/ocpp/Reset`, resetPayload(version));
      const first = await raw.nextFrame();
      t.equal(first[2], 'Reset', 'the call reached the station, which ignores it');
      const timedOut = await pending;
      const elapsed = Date.now() - started;
      t.equal(timedOut.status, 504);
      t.ok(elapsed >= CALL_TIMEOUT_SEC * 1000 - 50, `waited for CSMS_CALL_TIMEOUT (${elapsed} ms)`);
      t.ok(elapsed < CALL_TIMEOUT_SEC * 1000 + 15_000, `and not much longer`);
      // A late answer to the timed-out call is ignored; the next call goes out and is answered.
      raw.send(JSON.stringify([3, first[1], { status: 'Accepted' }]));
      const pending2 = server.apiJson('POST', `/stations/${id}/ocpp/Reset`, resetPayload(version));
      const second = await raw.nextFrame();
      t.not(second[1], first[1], 'a new message id');
      raw.send(JSON.stringify([3, second[1], { status: 'Rejected' }]));
      const answered = await pending2;
      t.equal(answered.status, 200);
      t.same(answered.body, { result: { status: 'Rejected' } });
      // A station that disconnects with a call in flight: 409, not a timeout.
      const pending3 = server.apiJson('POST', `/stations/${id}/ocpp/Reset`, resetPayload(version));
      await raw.nextFrame();
      raw.terminate();
      const gone = await pending3;
      t.equal(gone.status, 409, 'disconnect during the call → 409');
    });
  }

  t.test('GET /metrics shows connected stations per protocol and message counters', async (t) => {
    const text = await server.metrics();
    for (const version of VERSIONS) {
      const expected = stations.filter((s) => s.version === version).length;
      t.equal(metricValue(text, 'csms_connected_stations', { protocol: version }), expected, `${version}: ${expected} connected (summed over both threads)`);
    }
    t.equal(
      metricValue(text, 'csms_ocpp_messages_in_total', { action: 'BootNotification', result: 'ok' }),
      stations.length + 1,
      'BootNotifications counted (including the station that left)',
    );
    t.ok(metricValue(text, 'csms_ocpp_messages_out_total', { action: 'Reset', result: 'ok' }) >= stations.length + 10, 'Reset calls counted');
    t.ok(metricValue(text, 'csms_ocpp_messages_out_total', { action: 'Reset', result: 'timeout' }) >= 3, 'timeouts counted');
    t.ok(metricValue(text, 'csms_ocpp_messages_out_total', { action: 'GetVariables', result: 'ok' }) >= 2, 'GetVariables counted');
    t.match(text, /csms_handler|csms_ocpp_handler_duration_seconds_bucket/, 'handler histogram present');
    // A refused message (a known action without a handler: a 2.1-only one, SignCertificate is handled
    // since issue #14) shows up in the CALLERROR counter.
    const s = stations.find((x) => x.version === 'ocpp2.1')!;
    t.equal(await rpcErrorCode(s.client.call('NotifyPriorityCharging', { transactionId: 'tx-1', activated: true })), 'NotSupported');
    const after = await server.metrics();
    t.ok(metricValue(after, 'csms_ocpp_callerrors_total', { code: 'NotSupported' }) >= 1, 'NotSupported counted');
    t.ok(metricValue(after, 'csms_ocpp_messages_in_total', { action: 'NotifyPriorityCharging', result: 'NotSupported' }) >= 1, 'inbound result NotSupported counted');
  });

  t.test('clean up', async () => {
    await Promise.all(stations.map((s) => s.client.close()));
  });
});
