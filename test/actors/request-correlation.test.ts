import t, { type Test } from 'tap';
import { callErrorReply, resultReply, stationCall, type StationCall, type StationReply } from '../../core/envelope.js';
import type { OcppVersion } from '../../core/protocols.js';
import { LATEST_REQUEST_OF, REQUEST_FLOWS } from '../../core/requests.js';
import { loadSchemaDocuments, parseSchemaId } from '../../core/schemas.js';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import { CSMS_INITIATED } from '../../actors/actions/csms-initiated.js';
import { recordNotification } from '../../actors/actions/request-correlation.js';
import { createStationCommands } from '../../actors/commands/station-commands.js';

// Requests completed by later notifications, sent through the one station-commands service: the
// request is recorded whoever sends it, its requestId filled in and reported as a fact, and the
// station's answer applied.

async function setup(t: Test, answer: (call: StationCall) => StationReply = () => resultReply({ status: 'Accepted' })) {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const calls: StationCall[] = [];
  const protocols = new Map<string, OcppVersion>([['CS2', 'ocpp2.0.1'], ['CS16', 'ocpp1.6'], ['CS21', 'ocpp2.1']]);
  const commands = createStationCommands({
    store,
    publish: () => {},
    locate: async (id) => (protocols.has(id) ? { tenantId: 'acme', protocol: protocols.get(id)!, local: true } : undefined),
    local: {
      async call(call) {
        calls.push(call);
        return answer(call);
      },
    },
  });
  const send = (stationId: string, action: string, payload: Record<string, unknown>) => commands.send(stationCall('acme', stationId, action, payload));
  return { store, calls, send };
}

t.test('GetBaseReport: the requestId is allocated, sent, reported and its answer applied', async (t) => {
  const answers: Record<number, StationReply> = { 1: resultReply({ status: 'Accepted' }), 2: resultReply({ status: 'Rejected', statusInfo: { reasonCode: 'Busy' } }), 3: resultReply({ status: 'EmptyResultSet' }) };
  const { store, calls, send } = await setup(t, (call) => answers[(call.payload as { requestId: number }).requestId] ?? resultReply({ status: 'Accepted' }));

  for (const id of [1, 2, 3]) {
    const reply = await send('CS2', 'GetBaseReport', { reportBase: 'FullInventory' });
    t.equal(reply.status, 'result');
    t.same(reply.facts, { requestId: id }, `request ${id}: its id is a fact of the reply`);
    t.same(calls[id - 1]!.payload, { reportBase: 'FullInventory', requestId: id }, `request ${id}: filled in`);
  }
  t.match(await store.requests.get('acme', 'CS2', 1), { action: 'GetBaseReport', status: 'accepted', answer: 'Accepted' });
  t.match(await store.requests.get('acme', 'CS2', 2), { status: 'rejected', answer: 'Rejected', error: 'Busy' });
  t.match(await store.requests.get('acme', 'CS2', 3), { status: 'complete', parts: 0 });
});

t.test('a caller’s own requestId is kept and recorded', async (t) => {
  const { store, calls, send } = await setup(t);
  const reply = await send('CS2', 'GetReport', { requestId: 42 });
  t.same(reply.facts, { requestId: 42 });
  t.same(calls[0]!.payload, { requestId: 42 }, 'sent unchanged');
  t.match(await store.requests.get('acme', 'CS2', 42), { action: 'GetReport', status: 'accepted' });
  t.equal((await send('CS2', 'GetReport', {})).facts?.requestId, 1, 'allocation is not bothered by it');
});

t.test('no answer: the request waits for its answer window; a malformed id records nothing', async (t) => {
  const { store, calls, send } = await setup(t, () => callErrorReply('NotSupported', 'no'));
  const refused = await send('CS2', 'GetMonitoringReport', {});
  t.equal(refused.status, 'callerror');
  t.match(await store.requests.get('acme', 'CS2', 1), { status: 'requested', answer: null });
  const malformed = await send('CS2', 'GetMonitoringReport', { requestId: 'seven' });
  t.equal(malformed.facts, undefined);
  t.same(calls[1]!.payload, { requestId: 'seven' }, 'left for the gateway to refuse');
  t.same((await store.requests.list('acme', 'CS2', { limit: 10 })).items.map((r) => r.requestId), [1]);
});

t.test('1.6 security whitepaper GetLog and SignedUpdateFirmware are recorded; 1.6 UpdateFirmware is recorded but sent without requestId', async (t) => {
  const { store, calls, send } = await setup(t, (call) =>
    resultReply(call.action === 'GetLog' ? { status: 'Accepted', filename: 'diag.tar.gz' } : call.action === 'UpdateFirmware' ? {} : { status: 'Accepted' }),
  );
  const log = await send('CS16', 'GetLog', { logType: 'DiagnosticsLog', log: { remoteLocation: 'ftp://x/' } });
  t.same(log.facts, { requestId: 1 });
  t.match(await store.requests.get('acme', 'CS16', 1), { action: 'GetLog', status: 'accepted', result: { filename: 'diag.tar.gz' } });
  const fw = await send('CS16', 'SignedUpdateFirmware', { firmware: {} });
  t.same(fw.facts, { requestId: 2 });
  const plain = await send('CS16', 'UpdateFirmware', { location: 'ftp://x/fw', retrieveDate: '2026-01-01T00:00:00Z' });
  t.same(plain.facts, { requestId: 3 }, 'recorded under the next id of the station');
  t.same(calls[2]!.payload, { location: 'ftp://x/fw', retrieveDate: '2026-01-01T00:00:00Z' });
  const transition = await recordNotification(store, 'acme', 'CS16', 'LogStatusNotification', 1, { status: 'Uploaded' });
  t.match(transition, { outcome: 'applied', request: { status: 'complete', progress: 'Uploaded' } });
});

t.test('recordNotification completes a report from its parts', async (t) => {
  const { store, send } = await setup(t);
  await send('CS2', 'GetBaseReport', { reportBase: 'SummaryInventory' });
  await recordNotification(store, 'acme', 'CS2', 'NotifyReport', 1, { seqNo: 1, tbc: false });
  t.equal((await store.requests.get('acme', 'CS2', 1))?.status, 'receiving');
  t.match(await recordNotification(store, 'acme', 'CS2', 'NotifyReport', 1, { seqNo: 0, tbc: true }), { request: { status: 'complete', parts: 2 } });
  t.equal(await recordNotification(store, 'acme', 'CS2', 'NotifyReport', 9, { seqNo: 0 }), undefined, 'no such request');
  t.equal(await recordNotification(store, 'other', 'CS2', 'NotifyReport', 1, { seqNo: 0 }), undefined, 'another tenant');
  t.match(await recordNotification(store, 'acme', 'CS2', 'NotifyMonitoringReport', 1, { seqNo: 2 }), { outcome: 'ignored' });
  await t.rejects(recordNotification(store, 'acme', 'CS2', 'Heartbeat', 1, {}), /completes no request flow/);
  await send('CS21', 'GetDERControl', {});
  t.match(await recordNotification(store, 'acme', 'CS21', 'ReportDERControl', 1, {}), { request: { status: 'complete' } }, '2.1 GetDERControl');
});

t.test('the tables correlate a flow’s action exactly where its schema carries requestId', async (t) => {
  for (const protocol of ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'] as const) {
    const withRequestId = new Set(
      loadSchemaDocuments(protocol)
        .filter((s) => parseSchemaId(s.$id).part === 'request' && (s.required as string[] | undefined)?.includes('requestId'))
        .map((s) => parseSchemaId(s.$id).action),
    );
    for (const action of Object.keys(REQUEST_FLOWS)) {
      const spec = CSMS_INITIATED[protocol][action];
      if (!spec) continue;
      const correlated = spec.prepare !== undefined && spec.onResult !== undefined;
      const byLatest = protocol === 'ocpp1.6' && Object.values(LATEST_REQUEST_OF).includes(action) && !withRequestId.has(action);
      t.equal(correlated, withRequestId.has(action) || byLatest, `${protocol} ${action}: ${withRequestId.has(action) ? 'correlated' : byLatest ? 'correlated by newest request' : 'sent as is'}`);
    }
  }
  t.ok(CSMS_INITIATED['ocpp2.1'].GetDERControl?.prepare, '2.1 GetDERControl is correlated');
});

t.test('1.6 UpdateFirmware and GetDiagnostics: recorded without a requestId on the wire; their answers accept them', async (t) => {
  const { store, calls, send } = await setup(t, (call) => resultReply(call.action === 'GetDiagnostics' ? { fileName: 'diag.zip' } : {}));
  const update = await send('CS16', 'UpdateFirmware', { location: 'https://fw.example/1.bin', retrieveDate: '2026-03-01T00:00:00.000Z' });
  t.equal(update.status, 'result');
  t.same(update.facts, { requestId: 1 });
  t.same(calls[0]!.payload, { location: 'https://fw.example/1.bin', retrieveDate: '2026-03-01T00:00:00.000Z' }, 'sent unchanged: 1.6 has no requestId');
  t.match(await store.requests.get('acme', 'CS16', 1), { action: 'UpdateFirmware', status: 'accepted', answer: 'Accepted' });
  const diag = await send('CS16', 'GetDiagnostics', { location: 'ftp://diag.example/' });
  t.same(diag.facts, { requestId: 2 });
  t.match(await store.requests.get('acme', 'CS16', 2), { action: 'GetDiagnostics', status: 'accepted', result: { fileName: 'diag.zip' } }, 'fileName kept');
});

t.test('1.6 UpdateFirmware with no answer stays requested', async (t) => {
  const { store, send } = await setup(t, () => callErrorReply('InternalError', 'no'));
  const reply = await send('CS16', 'UpdateFirmware', { location: 'https://fw.example/1.bin', retrieveDate: '2026-03-01T00:00:00.000Z' });
  t.equal(reply.status, 'callerror');
  t.match(await store.requests.get('acme', 'CS16', 1), { status: 'requested', answer: null });
});
