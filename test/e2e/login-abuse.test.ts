import t from 'tap';
import { eventually, metricValue, startServer } from '../helpers/server.js';
import { bootPayload, strictClient, wsUpgradeStatus } from '../helpers/ocpp-clients.js';

// Failed station logins (issue #14): back-off per source address, lock per station id, counted by
// reason; a station whose credentials are right is never held back by someone else's guessing.
// Behaviour only: delays are minutes long, so nothing here depends on timing.

const PASSWORD = 'login-abuse-right-pw-01';

t.test('brute force is backed off per address and locks the station id, right credentials still connect', async (t) => {
  const server = await startServer(t, {
    env: {
      CSMS_LOG_LEVEL: 'info',
      CSMS_LOGIN_FREE_FAILURES: '4',
      CSMS_LOGIN_ADDRESS_FREE_IDS: '4',
      CSMS_LOGIN_LOCK_AFTER: '4',
      CSMS_LOGIN_BACKOFF_MS: '600000',
      CSMS_LOGIN_LOCK_MS: '600000',
    },
  });
  for (const id of ['VICTIM', 'GOOD', 'NEVER-SEEN']) await server.registerStation(id, PASSWORD);
  const refusals = async (reason: string) => metricValue(await server.metrics(), 'csms_station_login_refusals_total', { reason });
  const connect = async (id: string, localAddress: string) => {
    const client = strictClient(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, protocols: ['ocpp2.0.1'], wsOpts: { localAddress } });
    await client.connect();
    const boot = (await client.call('BootNotification', bootPayload('ocpp2.0.1'))) as { status: string };
    await client.close();
    return boot.status;
  };

  t.equal(await connect('VICTIM', '127.0.0.2'), 'Accepted', 'the victim logs in once before the attack');

  t.test('guesses on one id from many addresses lock the id', async (t) => {
    for (const address of ['127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6']) {
      t.equal(await wsUpgradeStatus(`${server.ocppUrl}/VICTIM`, 'ocpp2.0.1', { password: `guess-from-${address}`, localAddress: address }), 401, `guess from ${address}`);
      t.equal(await wsUpgradeStatus(`${server.ocppUrl}/NEVER-SEEN`, 'ocpp2.0.1', { password: `guess-from-${address}`, localAddress: address }), 401, `guess on a never-seen id from ${address}`);
    }
    const wrongBefore = await refusals('wrong-password');
    t.equal(await wsUpgradeStatus(`${server.ocppUrl}/NEVER-SEEN`, 'ocpp2.0.1', { password: PASSWORD, localAddress: '127.0.0.7' }), 401, 'the locked id is refused even with its right password (from a fresh address)');
    t.equal(await wsUpgradeStatus(`${server.ocppUrl}/VICTIM`, 'ocpp2.0.1', { password: 'one-more-guess-000000', localAddress: '127.0.0.7' }), 401);
    t.ok((await refusals('locked')) >= 2, 'refused as locked');
    t.equal(await refusals('wrong-password'), wrongBefore, 'no password was checked while locked (no scrypt work)');
    t.equal(await connect('VICTIM', '127.0.0.2'), 'Accepted', 'the victim, whose right password the gateway knows, still connects');
  });

  t.test('one address guessing many ids backs off; other addresses are not affected', async (t) => {
    for (let i = 0; i < 4; i++) t.equal(await wsUpgradeStatus(`${server.ocppUrl}/SCAN-${i}`, 'ocpp2.0.1', { password: PASSWORD, localAddress: '127.0.0.8' }), 401, `unknown id SCAN-${i}`);
    const wrongBefore = await refusals('wrong-password');
    const limitedBefore = await refusals('rate-limited');
    t.equal(await wsUpgradeStatus(`${server.ocppUrl}/GOOD`, 'ocpp2.0.1', { password: 'a-guess-on-good-00000', localAddress: '127.0.0.8' }), 401, 'the scanning address is backing off');
    t.equal(await refusals('rate-limited'), limitedBefore + 1, 'refused as rate-limited');
    t.equal(await refusals('wrong-password'), wrongBefore, 'before any password check');
    t.equal(await connect('GOOD', '127.0.0.2'), 'Accepted', 'a first login with the right password from elsewhere connects');
  });

  t.test('each refusal is logged with station id, source address and reason', async (t) => {
    const lines = server
      .output()
      .stdout.split('\n')
      .filter((l) => l.includes('"handshake refused"'))
      .map((l) => JSON.parse(l) as { stationId?: string; remoteAddress?: string; code?: string; reason?: string });
    t.ok(lines.some((l) => l.stationId === 'NEVER-SEEN' && l.remoteAddress === '127.0.0.7' && l.code === 'locked' && /locked/.test(l.reason ?? '')));
    t.ok(lines.some((l) => l.stationId === 'GOOD' && l.remoteAddress === '127.0.0.8' && l.code === 'rate-limited' && /source address/.test(l.reason ?? '')));
    t.ok(lines.some((l) => l.stationId === 'SCAN-0' && l.remoteAddress === '127.0.0.8' && l.code === 'unknown-station'));
    t.ok(await eventually(async () => server.output().stdout.includes('"station id locked after failed logins"'), 30_000, 'the log line'), 'the lock itself is logged');
  });
});
