import t from 'tap';
import { clusterMissing, startCluster } from '../helpers/cluster.js';
import { basic, bootPayload, connectStrict, rawUpgrade } from '../helpers/ocpp-clients.js';
import { eventually, type TestServer } from '../helpers/server.js';

// A node remembers the passwords it verified (an HMAC, so reconnects cost no scrypt). A password
// changed, a rotation confirmed or a station deleted through another node must end that memory
// on every node at once: the change is published over NATS and every node forgets the login
// before the API answers. Two Switchyard processes, one nats-server, one PostgreSQL.

const missing = clusterMissing();
if (missing) {
  t.comment(`cluster login forget: SKIPPED, ${missing}`);
  t.test('remembered logins forgotten on every node', { skip: missing }, async () => {});
} else {
  await run();
}

async function run(): Promise<void> {
  const { nodes } = await startCluster(t, ['forget-a', 'forget-b'], { CSMS_LOGIN_FREE_FAILURES: '1000', CSMS_LOGIN_LOCK_AFTER: '1000' });
  const [A, B] = nodes as [TestServer, TestServer];
  const login = async (node: typeof A, id: string, password: string) =>
    (await rawUpgrade(node.ocppPort, `/ocpp/${id}`, { protocols: 'ocpp1.6', authorization: basic(id, password) })).status;

  t.test('a password set on A stops the old one on B at once (B had it in memory)', async (t) => {
    await A.registerStation('FG-1', 'first-password-0001');
    t.equal(await login(B, 'FG-1', 'first-password-0001'), 101, 'B verifies and remembers the password');
    t.equal(await login(B, 'FG-1', 'first-password-0001'), 101, 'and admits it again');
    const set = await A.apiJson('POST', '/stations/FG-1/password', { password: 'second-password-0002', sendToStation: false });
    t.equal(set.status, 200);
    t.equal(await login(B, 'FG-1', 'first-password-0001'), 401, 'old password refused on B');
    t.equal(await login(B, 'FG-1', 'second-password-0002'), 101, 'new password admitted on B');
    t.equal(await login(A, 'FG-1', 'first-password-0001'), 401, 'and on A');
  });

  t.test('a station deleted on A is not admitted from B\'s memory', async (t) => {
    await A.registerStation('FG-2', 'deleted-password-0001');
    t.equal(await login(B, 'FG-2', 'deleted-password-0001'), 101);
    t.equal((await A.api('/stations/FG-2', { method: 'DELETE' })).status, 204);
    t.not(await login(B, 'FG-2', 'deleted-password-0001'), 101, 'refused on B');
  });

  t.test('a security profile raised on A refuses the password login on B', async (t) => {
    await A.registerStation('FG-3', 'profile-password-0001');
    t.equal(await login(B, 'FG-3', 'profile-password-0001'), 101);
    t.equal((await A.apiJson('PUT', '/stations/FG-3/security-profile', { securityProfile: 2 })).status, 200);
    t.equal(await login(B, 'FG-3', 'profile-password-0001'), 401, 'profile 2 over ws:// refused on B');
  });

  t.test('a rotation confirmed by a login on A ends the old password on B too', async (t) => {
    await A.registerStation('FG-4', 'rotated-password-0001');
    t.equal(await login(B, 'FG-4', 'rotated-password-0001'), 101, 'B remembers the first password');
    const station = await connectStrict(t, { endpoint: A.ocppUrl, identity: 'FG-4', password: 'rotated-password-0001', version: 'ocpp1.6' });
    station.handle('ChangeConfiguration', async () => ({ status: 'Accepted' }));
    await station.call('BootNotification', bootPayload('ocpp1.6'));
    const rotated = await A.apiJson('POST', '/stations/FG-4/password', { password: 'rotated-pass-0002' });
    t.match(rotated, { status: 200, body: { accepted: true } });
    t.equal(await login(B, 'FG-4', 'rotated-password-0001'), 101, 'the old one still works until the station uses the new one');
    await station.close();
    t.equal(await login(A, 'FG-4', 'rotated-pass-0002'), 101, 'the station logs in with the new one on A (the rotation ends)');
    // The confirmation is written on A's handler thread after that login, then published.
    await eventually(async () => ((await login(B, 'FG-4', 'rotated-password-0001')) === 401 ? true : undefined), 10_000, 'old password refused on B');
    t.pass('old password refused on B');
    t.equal(await login(B, 'FG-4', 'rotated-pass-0002'), 101, 'new one admitted on B');
  });
}
