import t from 'tap';
import { eventually, startServer } from '../helpers/server.js';
import { bootPayload, strictClient, type StrictClient, type Version } from '../helpers/ocpp-clients.js';

// Bulk report jobs (issue #12): POST /reports asks many stations for their configuration report
// through the campaign machinery; GET /reports/{jobId} shows each station's progress. Strict
// ocpp-rpc stations: a 2.x one that reports in pages, a 1.6 one (GetConfiguration), a 2.x one that
// refuses, and one offline when its turn comes that is asked when it connects.

const PASSWORD = 'report-jobs-pw-0001';
const server = await startServer(t, { env: { CSMS_CAMPAIGN_TICK_MS: '200' } });

/** A booted station; `answers` registers its handlers before it connects (the job may call it at once). */
async function station(id: string, version: Version, answers: (client: StrictClient) => void = () => {}): Promise<StrictClient> {
  const client = strictClient(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, protocols: [version] });
  answers(client);
  await client.connect();
  await client.call('BootNotification', bootPayload(version));
  return client;
}

function reportsInPages(client: StrictClient, name: string): void {
  client.handle('GetBaseReport', async ({ params }) => {
    const { requestId, reportBase } = params as { requestId: number; reportBase: string };
    const generatedAt = new Date().toISOString();
    const entry = (seqNo: number) => ({
      component: { name: `${name}-${seqNo}` },
      variable: { name: reportBase },
      variableAttribute: [{ type: 'Actual', value: String(seqNo) }],
    });
    setTimeout(() => {
      void (async () => {
        await client.call('NotifyReport', { requestId, generatedAt, seqNo: 0, tbc: true, reportData: [entry(0)] });
        await client.call('NotifyReport', { requestId, generatedAt, seqNo: 1, tbc: false, reportData: [entry(1)] });
      })();
    }, 10);
    return { status: 'Accepted' };
  });
}

t.test('POST /reports: a job over many stations, progress per station, offline ones asked when they connect', async (t) => {
  for (const id of ['RJ-201', 'RJ-16', 'RJ-NO', 'RJ-LATE']) await server.registerStation(id, PASSWORD);
  const a = await station('RJ-201', 'ocpp2.0.1');
  reportsInPages(a, 'A');
  const b = await station('RJ-16', 'ocpp1.6');
  b.handle('GetConfiguration', async () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] }));
  const no = await station('RJ-NO', 'ocpp2.0.1');
  no.handle('GetBaseReport', async () => ({ status: 'NotSupported' }));

  const created = await server.apiJson('POST', '/reports', {
    reportBase: 'ConfigurationInventory',
    target: { stationIds: ['RJ-201', 'RJ-16', 'RJ-NO', 'RJ-LATE'] },
    rollout: { maxAttempts: 1, offlineRetrySec: 3600 },
  });
  t.equal(created.status, 201);
  t.match(created.body, { status: 'running', reportBase: 'ConfigurationInventory', progress: { pending: 4, total: 4 } });
  const jobId = created.body.id as string;
  const stateOf = (job: any) => Object.fromEntries(job.stations.map((s: any) => [s.stationId, s.state]));

  const settled = await eventually(async () => {
    const job = (await server.apiJson('GET', `/reports/${jobId}`)).body;
    const s = stateOf(job);
    return s['RJ-201'] === 'complete' && s['RJ-16'] === 'complete' && s['RJ-NO'] === 'failed' && job.stations.find((x: any) => x.stationId === 'RJ-LATE').waiting === 'offline' && job;
  }, 30_000, 'the connected stations to settle');
  t.match(settled, { status: 'running', progress: { complete: 2, failed: 1, pending: 1, offline: 1, total: 4 } });
  const a201 = settled.stations.find((s: any) => s.stationId === 'RJ-201');
  t.type(a201.requestId, 'number');
  t.match((await server.apiJson('GET', `/stations/RJ-201/requests/${a201.requestId}`)).body, { action: 'GetBaseReport', status: 'complete', parts: 2 });
  t.same((await server.apiJson('GET', '/stations/RJ-201/device-model')).body.items.map((v: any) => v.component.name), ['A-0', 'A-1'], 'the pages are in its device model');
  t.match((await server.apiJson('GET', '/stations/RJ-16/device-model')).body.items, [{ component: { name: 'OCPP16' }, variable: { name: 'HeartbeatInterval' } }], '1.6: GetConfiguration stored');
  t.match(settled.stations.find((s: any) => s.stationId === 'RJ-NO'), { error: 'NotSupported', attempts: 1 });

  // Its handler is there before it connects: the job asks it as soon as it is seen connecting.
  await station('RJ-LATE', 'ocpp2.0.1', (late) => reportsInPages(late, 'L'));
  const done = await eventually(async () => {
    const job = (await server.apiJson('GET', `/reports/${jobId}`)).body;
    return job.status === 'complete' && job;
  }, 30_000, 'the job to complete once the offline station connected');
  t.match(done, { progress: { complete: 3, failed: 1, total: 4 }, finishedAt: String });
  t.equal(stateOf(done)['RJ-LATE'], 'complete');

  const list = await server.apiJson('GET', '/reports');
  t.same(list.body.items.map((j: any) => j.id), [jobId], 'listed');
  t.equal((await server.apiJson('GET', `/firmware-campaigns/${jobId}`)).status, 404, 'not a firmware campaign');
  t.equal((await server.apiJson('POST', '/reports', { target: { vendor: 'nobody' } })).status, 400, 'no station matches');
});
