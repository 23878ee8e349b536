import t, { type Test } from 'tap';
import { startServer, type TestServer } from '../helpers/server.js';
import { bootPayload, connectStrict, type StrictClient, type Version } from '../helpers/ocpp-clients.js';

// Issue #12, firmware campaigns: strict ocpp-rpc stations of every version take part in one
// campaign; the CSMS sends UpdateFirmware (1.6 without requestId, 2.x with), the stations report
// their firmware statuses, and the campaign's API shows each station's progress. One station
// fails every attempt, one is offline when its turn comes and gets the update when it connects.

const PASSWORD = 'campaign-station-pw';
const MODEL = 'FW-Campaign-1';

/** What every simulated station did, in order, across stations. */
type Log = string[];

interface StationBehaviour {
  /** Report a failure instead of installing. */
  fail?: boolean;
  /** Hold the firmware statuses until `release` is called. */
  hold?: boolean;
}

interface SimStation {
  id: string;
  version: Version;
  client: StrictClient;
  updates: number;
  /** Sends the held statuses (hold: true). */
  release(): Promise<void>;
}

async function connectStation(t: Test, server: TestServer, id: string, version: Version, log: Log, behaviour: StationBehaviour = {}, model = MODEL): Promise<SimStation> {
  const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
  const held: Array<() => Promise<void>> = [];
  const sim: SimStation = {
    id,
    version,
    client,
    updates: 0,
    async release() {
      for (const run of held.splice(0)) await run();
    },
  };
  const notify = async (status: string, requestId: number | undefined) => {
    await client.call('FirmwareStatusNotification', version === 'ocpp1.6' ? { status } : { status, requestId });
  };
  const report = async (requestId: number | undefined) => {
    await notify('Downloading', requestId);
    if (behaviour.fail) {
      log.push(`failed:${id}`);
      await notify('DownloadFailed', requestId);
      return;
    }
    await notify('Downloaded', requestId);
    await notify('Installing', requestId);
    log.push(`installed:${id}`);
    await notify('Installed', requestId);
  };
  client.handle('UpdateFirmware', async ({ params }) => {
    sim.updates++;
    log.push(`update:${id}`);
    const requestId = version === 'ocpp1.6' ? undefined : ((params as Record<string, any>).requestId as number);
    const run = () => report(requestId);
    if (behaviour.hold) held.push(run);
    else setImmediate(() => run().catch(() => {}));
    return version === 'ocpp1.6' ? {} : { status: 'Accepted' };
  });
  await client.call('BootNotification', bootPayload(version, { model, firmwareVersion: '1.0' }));
  return sim;
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const VERSIONS: Version[] = ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'];

t.test('a campaign over 20 stations of every version: canary first, concurrency, one failing, one offline', async (t) => {
  const server = await startServer(t, { env: { CSMS_CAMPAIGN_TICK_MS: '50' } });
  const log: Log = [];
  const ids = Array.from({ length: 20 }, (_, i) => `FWC-${String(i).padStart(2, '0')}`);
  for (const id of [...ids, 'FWC-OTHER-MODEL']) await server.registerStation(id, PASSWORD);
  const failing = 'FWC-07';
  const offline = 'FWC-13';
  const stations = new Map<string, SimStation>();
  for (const [i, id] of ids.entries()) {
    const version = VERSIONS[i % 3]!;
    if (id === offline) {
      // Known (booted once, so its model is stored) but gone when the campaign starts.
      const gone = await connectStation(t, server, id, version, []);
      await gone.client.close({ code: 1000 });
      continue;
    }
    stations.set(id, await connectStation(t, server, id, version, log, { fail: id === failing }));
  }
  await connectStation(t, server, 'FWC-OTHER-MODEL', 'ocpp2.0.1', log, {}, 'Another-Model');

  const created = await server.apiJson('POST', '/firmware-campaigns', {
    name: 'spring rollout',
    firmware: { location: 'https://fw.example/roadrunner-2.0.bin' },
    target: { model: MODEL, firmwareVersion: '1.0' },
    rollout: { waves: [1, 4], concurrency: 5, maxAttempts: 2, retryDelaySec: 0, offlineRetrySec: 3600 },
  });
  t.equal(created.status, 201, JSON.stringify(created.body).slice(0, 500));
  const campaignId = created.body.id as string;
  t.equal(created.body.progress.total, 20, 'the 20 stations of that model; the other model is not targeted');
  t.notOk(created.body.stations.some((s: { stationId: string }) => s.stationId === 'FWC-OTHER-MODEL'));
  const canary = created.body.stations.find((s: { wave: number }) => s.wave === 0).stationId as string;

  const get = async () => (await server.apiJson('GET', `/firmware-campaigns/${campaignId}`)).body;
  const settledButOffline = await waitFor(
    'every connected station settled',
    get,
    (c) => c.stations.every((s: any) => s.state === 'installed' || s.state === 'failed' || (s.stationId === offline && s.waiting === 'offline')),
  );
  t.equal(settledButOffline.status, 'running', 'still running: the offline station has not had it');
  t.match(settledButOffline.stations.find((s: any) => s.stationId === offline), { state: 'pending', waiting: 'offline', attempts: 0 });
  t.match(settledButOffline.stations.find((s: any) => s.stationId === failing), { state: 'failed', attempts: 2, error: 'DownloadFailed' }, 'failed after its retry');
  t.equal(stations.get(failing)!.updates, 2, 'the failing station was sent the update twice (maxAttempts 2)');
  t.equal(settledButOffline.progress.installed, 18);

  // Canary first: no other station was sent the update before the canary had installed it.
  const firstOther = log.findIndex((e) => e.startsWith('update:') && e !== `update:${canary}`);
  t.ok(log.indexOf(`installed:${canary}`) !== -1 && log.indexOf(`installed:${canary}`) < firstOther, 'the canary installed before any other station was sent the update');
  // Concurrency: never more than 5 stations between their UpdateFirmware and their final status.
  let inFlight = 0;
  let most = 0;
  for (const e of log) {
    if (e.startsWith('update:')) most = Math.max(most, ++inFlight);
    if (e.startsWith('installed:') || e.startsWith('failed:')) inFlight--;
  }
  t.ok(most <= 5, `at most 5 at once (saw ${most})`);
  t.equal(log.filter((e) => e === 'update:FWC-OTHER-MODEL').length, 0);
  for (const [id, sim] of stations) if (id !== failing) t.equal(sim.updates, 1, `${id} was sent the update once`);

  // Each station's request and status history are in the API.
  const sample = settledButOffline.stations.find((s: any) => s.stationId === 'FWC-02'); // 2.1
  const history = await server.apiJson('GET', `/stations/FWC-02/requests/${sample.requestId}/statuses`);
  t.same(history.body.statuses.map((s: any) => s.status), ['Downloading', 'Downloaded', 'Installing', 'Installed']);
  const sample16 = settledButOffline.stations.find((s: any) => s.stationId === 'FWC-00'); // 1.6: no requestId on the wire
  t.match((await server.apiJson('GET', `/stations/FWC-00/requests/${sample16.requestId}`)).body, { action: 'UpdateFirmware', status: 'complete', progress: 'Installed' });

  // The offline station comes back and gets the update.
  stations.set(offline, await connectStation(t, server, offline, VERSIONS[13 % 3]!, log));
  const done = await waitFor('the campaign to complete', get, (c) => c.status === 'complete');
  t.match(done.stations.find((s: any) => s.stationId === offline), { state: 'installed', attempts: 1, waiting: null });
  t.match(done.progress, { total: 20, installed: 19, failed: 1, pending: 0 });
  t.type(done.finishedAt, 'string');

  const list = await server.apiJson('GET', '/firmware-campaigns?status=complete');
  t.match(list.body.items, [{ id: campaignId, status: 'complete', progress: { installed: 19 } }]);
  t.notOk('stations' in list.body.items[0], 'the list leaves out the station list');
});

t.test('pause, resume and abort', async (t) => {
  const server = await startServer(t, { env: { CSMS_CAMPAIGN_TICK_MS: '50' } });
  const log: Log = [];
  const ids = ['FWP-0', 'FWP-1', 'FWP-2', 'FWP-3', 'FWP-4'];
  const sims = new Map<string, SimStation>();
  for (const [i, id] of ids.entries()) {
    await server.registerStation(id, PASSWORD);
    sims.set(id, await connectStation(t, server, id, VERSIONS[i % 3]!, log, { hold: true }));
  }
  const created = await server.apiJson('POST', '/firmware-campaigns', {
    firmware: { location: 'https://fw.example/p.bin' },
    target: { stationIds: ids },
    rollout: { waves: [1], concurrency: 1, retryDelaySec: 0 },
  });
  t.equal(created.status, 201);
  const campaignId = created.body.id as string;
  t.same(created.body.stations.map((s: any) => s.stationId), ids, 'the explicit list keeps its order');
  const get = async () => (await server.apiJson('GET', `/firmware-campaigns/${campaignId}`)).body;
  const act = (command: string) => server.apiJson('POST', `/firmware-campaigns/${campaignId}/${command}`);

  await waitFor('the canary to be sent it', async () => sims.get('FWP-0')!.updates, (n) => n === 1);
  const paused = await act('pause');
  t.equal(paused.status, 200);
  t.match(paused.body, { status: 'paused', pausedReason: 'paused by operator' });
  t.equal((await act('pause')).body.code, 'CAMPAIGN_STATE_CONFLICT', 'a paused campaign cannot be paused');
  await sims.get('FWP-0')!.release();
  const canaryDone = await waitFor('the canary to be followed while paused', get, (c) => c.stations[0].state === 'installed');
  t.equal(canaryDone.status, 'paused');
  // The driver pass that recorded the canary's install read the campaign as paused (a pass that
  // read it running would have lost the compare-and-set to the pause), and such a pass sends nothing.
  t.equal(sims.get('FWP-1')!.updates, 0, 'nothing is sent while paused');

  const resumed = await act('resume');
  t.equal(resumed.body.status, 'running');
  await waitFor('FWP-1 to be sent it after resume', async () => sims.get('FWP-1')!.updates, (n) => n === 1);
  t.equal(sims.get('FWP-2')!.updates, 0, 'concurrency 1: one at a time');

  const aborted = await act('abort');
  t.equal(aborted.status, 200);
  t.equal(aborted.body.status, 'aborted');
  t.match(aborted.body.stations, [{ state: 'installed' }, { state: 'downloading' }, { state: 'aborted' }, { state: 'aborted' }, { state: 'aborted' }]);
  t.equal((await act('resume')).body.code, 'CAMPAIGN_STATE_CONFLICT', 'an aborted campaign cannot be resumed');
  // The station already downloading is still followed to its end.
  await sims.get('FWP-1')!.release();
  const end = await waitFor('FWP-1 to be followed after the abort', get, (c) => c.stations[1].state === 'installed');
  t.equal(end.status, 'aborted');
  t.match(end.progress, { installed: 2, aborted: 3 });
  for (const id of ['FWP-2', 'FWP-3', 'FWP-4']) t.equal(sims.get(id)!.updates, 0, `${id} never got it`);
  t.equal((await server.apiJson('GET', '/firmware-campaigns/nope')).body.code, 'CAMPAIGN_NOT_FOUND');
  const none = await server.apiJson('POST', '/firmware-campaigns', { firmware: { location: 'https://x/y' }, target: { model: 'nobody' } });
  t.equal(none.status, 400);
  t.equal(none.body.code, 'CAMPAIGN_NO_STATIONS');
});

t.test('a campaign survives a restart of the CSMS and goes on where it stopped', async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-campaign-restart-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { CSMS_CAMPAIGN_TICK_MS: '50' };
  const first = await startServer(t, { env, dataDir });
  const ids = ['FWR-0', 'FWR-1', 'FWR-2'];
  const log: Log = [];
  const requestIds = new Map<string, number | undefined>();
  for (const [i, id] of ids.entries()) {
    await first.registerStation(id, PASSWORD);
    const sim = await connectStation(t, first, id, VERSIONS[i]!, log, { hold: true });
    sim.client.handle('UpdateFirmware', async ({ params }) => {
      sim.updates++;
      log.push(`update:${id}`);
      requestIds.set(id, (params as Record<string, any>).requestId);
      return sim.version === 'ocpp1.6' ? {} : { status: 'Accepted' };
    });
  }
  const created = await first.apiJson('POST', '/firmware-campaigns', {
    firmware: { location: 'https://fw.example/r.bin' },
    target: { stationIds: ids },
    rollout: { waves: [1], concurrency: 2, retryDelaySec: 0 },
  });
  const campaignId = created.body.id as string;
  await waitFor('the canary to be sent it', async () => log.filter((e) => e === 'update:FWR-0').length, (n) => n === 1);
  await waitFor('the send to be recorded', async () => (await first.apiJson('GET', `/firmware-campaigns/${campaignId}`)).body, (c) => c.stations[0].requestId !== null);
  const stopped = await first.stop();
  t.equal(stopped.code, 0, 'stopped gracefully');

  const second = await startServer(t, { env, dataDir, ports: { ocpp: first.ocppPort, api: first.apiPort } });
  const kept = (await second.apiJson('GET', `/firmware-campaigns/${campaignId}`)).body;
  t.match(kept, { status: 'running', stations: [{ stationId: 'FWR-0', state: 'downloading', attempts: 1 }, { state: 'pending' }, { state: 'pending' }] }, 'kept across the restart');
  // The stations reconnect; the canary finishes its update and reports it.
  const again = new Map<string, SimStation>();
  for (const [i, id] of ids.entries()) again.set(id, await connectStation(t, second, id, VERSIONS[i]!, log));
  const canary = again.get('FWR-0')!;
  await canary.client.call('FirmwareStatusNotification', { status: 'Installed' }); // 1.6: the newest UpdateFirmware request
  const done = await waitFor('the campaign to complete after the restart', async () => (await second.apiJson('GET', `/firmware-campaigns/${campaignId}`)).body, (c) => c.status === 'complete');
  t.match(done.progress, { installed: 3, total: 3 });
  t.same(ids.map((id) => log.filter((e) => e === `update:${id}`).length), [1, 1, 1], 'each station was sent the update exactly once, across the restart');
});
