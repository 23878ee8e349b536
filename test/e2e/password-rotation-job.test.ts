import t from 'tap';
import { eventually, startServer } from '../helpers/server.js';
import { bootPayload, strictClient, takePasswords, wsUpgradeStatus, type Version } from '../helpers/ocpp-clients.js';

// Bulk password rotation (issue #14) as a campaign (the firmware-campaign machinery: store,
// driver, waves, retries, offline stations, progress per station): POST /password-rotations.

const OLD = 'bulk-rotation-old-pw-1';

t.test('password rotation job over several stations: taken, refused, offline then connected', async (t) => {
  const server = await startServer(t, { env: { CSMS_CAMPAIGN_TICK_MS: '100', CSMS_LOGIN_FREE_FAILURES: '1000', CSMS_LOGIN_LOCK_AFTER: '1000' } });
  const stations: Array<[string, Version, string]> = [
    ['BULK-201', 'ocpp2.0.1', 'Accepted'],
    ['BULK-16', 'ocpp1.6', 'Accepted'],
    ['BULK-REFUSES', 'ocpp2.0.1', 'Rejected'],
  ];
  const received = new Map<string, string[]>();
  for (const [id, version, answer] of stations) {
    await server.registerStation(id, OLD);
    const client = strictClient(t, { endpoint: server.ocppUrl, identity: id, password: OLD, protocols: [version] });
    received.set(id, takePasswords(client, version, answer));
    await client.connect();
    await client.call('BootNotification', bootPayload(version));
  }
  await server.registerStation('BULK-OFFLINE', OLD);

  const created = await server.apiJson('POST', '/password-rotations', {
    target: { stationIds: ['BULK-201', 'BULK-16', 'BULK-REFUSES', 'BULK-OFFLINE'] },
    rollout: { concurrency: 2, maxAttempts: 1 },
  });
  t.equal(created.status, 201, JSON.stringify(created.body));
  t.match(created.body, { kind: 'password-rotation', status: 'running', firmware: null, progress: { total: 4, pending: 4 } });
  const id = created.body.id as string;

  const settled = await eventually(async () => {
    const job = (await server.apiJson('GET', `/password-rotations/${id}`)).body;
    const by = Object.fromEntries(job.stations.map((s: { stationId: string; state: string }) => [s.stationId, s]));
    return by['BULK-201'].state === 'installed' && by['BULK-16'].state === 'installed' && by['BULK-REFUSES'].state === 'failed' && by['BULK-OFFLINE'].waiting === 'offline' ? job : undefined;
  }, 20_000, 'connected stations settled, the offline one waiting');
  t.match(settled, { status: 'running', progress: { installed: 2, failed: 1, pending: 1, offline: 1 } }, 'per-station progress in the API');
  t.match(settled.stations.find((s: { stationId: string }) => s.stationId === 'BULK-REFUSES'), { state: 'failed', error: 'Rejected', attempts: 1 });
  const given = [...received.values()].flat();
  t.equal(given.length, 3, 'three stations were sent a password (one refused it)');
  t.notOk(given.some((p) => JSON.stringify(settled).includes(p)), 'no password in the job');

  for (const [sid, version] of [['BULK-201', 'ocpp2.0.1'], ['BULK-16', 'ocpp1.6']] as const) {
    const fresh = received.get(sid)!;
    t.equal(fresh.length, 1, `${sid}: one new password`);
    t.equal(fresh[0]!.length, version === 'ocpp1.6' ? 20 : 40);
    t.equal(await wsUpgradeStatus(`${server.ocppUrl}/${sid}`, version, { password: fresh[0]! }), 101, `${sid}: logs in with the new password`);
    // The login that used the new password ends the old one in a store write after the 101.
    await eventually(async () => !(await server.apiJson('GET', `/stations/${sid}`)).body.previousPasswordPending, 10_000, `${sid}: the previous password to be dropped`);
    t.equal(await wsUpgradeStatus(`${server.ocppUrl}/${sid}`, version, { password: OLD }), 401, `${sid}: then the old one stops working`);
  }
  t.equal(await wsUpgradeStatus(`${server.ocppUrl}/BULK-REFUSES`, 'ocpp2.0.1', { password: OLD }), 101, 'the station that refused keeps its old password');

  // The offline station gets its password when it connects.
  const late = strictClient(t, { endpoint: server.ocppUrl, identity: 'BULK-OFFLINE', password: OLD, protocols: ['ocpp2.0.1'] });
  const lateReceived = takePasswords(late, 'ocpp2.0.1');
  await late.connect();
  await late.call('BootNotification', bootPayload('ocpp2.0.1'));
  const done = await eventually(async () => {
    const job = (await server.apiJson('GET', `/password-rotations/${id}`)).body;
    return job.status === 'complete' ? job : undefined;
  }, 20_000, 'the job complete');
  t.match(done, { progress: { installed: 3, failed: 1, total: 4 }, finishedAt: String });
  t.equal(lateReceived.length, 1, 'the late station got a new password');
  t.equal((await server.apiJson('GET', `/firmware-campaigns/${id}`)).status, 200, 'one store: also listed with the campaigns');
  t.equal((await server.apiJson('GET', `/password-rotations/${'0'.repeat(8)}`)).status, 404);
  t.equal((await server.apiJson('POST', `/password-rotations/${id}/pause`)).status, 409, 'a complete job cannot be paused');
});
