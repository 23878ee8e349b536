import t from 'tap';
import { copyFileSync, appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, startServer } from '../helpers/server.js';
import { bootPayload, strictClient, wsUpgradeStatus } from '../helpers/ocpp-clients.js';
import { makePki } from '../helpers/certificates.js';
import { startTlsServer } from '../helpers/tls-server.js';

// Issue #14: the profile-3 trust bundle (CSMS_TLS_STATION_CA_FILE plus the built-in CA's
// certificate, written under the data dir at start) is rebuilt on SIGHUP and on
// POST /admin/tls/reload, so a station whose certificate comes from a newly trusted CA connects
// without a restart. Before, the reload re-read the bundle written at start and the new CA stayed
// unknown until a restart. Strict ocpp-rpc stations over wss:// with client certificates.

t.test('a CA added to the station CA file is trusted after a reload (API and SIGHUP), without a restart', async (t) => {
  const pki = makePki(t);
  // The file the operator edits: at first the test PKI's station CA only.
  const stationCaFile = join(pki.dir, 'station-cas.pem');
  copyFileSync(pki.caFile, stationCaFile);
  const { server, wss } = await startTlsServer(t, pki, {
    CSMS_TLS_STATION_CA_FILE: stationCaFile,
    CSMS_LOG_LEVEL: 'info',
    CSMS_WORKERS: '2',
    CSMS_LOGIN_FREE_FAILURES: '1000',
    CSMS_LOGIN_LOCK_AFTER: '1000',
  });
  for (const id of ['RL-API', 'RL-HUP']) {
    const res = await server.apiJson('POST', '/stations', { id, securityProfile: 3 });
    t.equal(res.status, 201, `register ${id}`);
  }
  const apiCa = pki.otherCa('api');
  const hupCa = pki.otherCa('hup');
  const apiStation = pki.client('RL-API', { issuer: apiCa });
  const hupStation = pki.client('RL-HUP', { issuer: hupCa });
  const outcome = (id: string, c: { cert: Buffer; key: Buffer }) => wsUpgradeStatus(`${wss}/${id}`, 'ocpp2.0.1', { ca: pki.ca, ...c });
  const reloads = () => server.output().stdout.split('\n').filter((l) => l.includes('"TLS certificates reloaded"')).length;

  t.match(await outcome('RL-API', apiStation), /^tls: .*unknown ca/, 'before the reload: a certificate of the new CA is refused in the handshake');
  t.match(await outcome('RL-HUP', hupStation), /^tls: .*unknown ca/);

  t.test('POST /admin/tls/reload', async (t) => {
    appendFileSync(stationCaFile, readFileSync(apiCa.cert));
    t.match(await outcome('RL-API', apiStation), /^tls: .*unknown ca/, 'editing the file alone changes nothing');
    const res = await server.apiJson('POST', '/admin/tls/reload');
    t.same(res.body, { reloaded: true, threads: 2 }, 'both gateway threads reloaded');
    t.equal(res.status, 200);
    // The kernel spreads connections over both threads: several, each admitted.
    for (let i = 0; i < 4; i++) t.equal(await outcome('RL-API', apiStation), 101, `connection ${i + 1} with the newly trusted CA's certificate is admitted`);
    const client = strictClient(t, { endpoint: wss, identity: 'RL-API', protocols: ['ocpp2.0.1'], wsOpts: { ca: pki.ca, cert: apiStation.cert, key: apiStation.key } });
    await client.connect();
    t.match(await client.call('BootNotification', bootPayload('ocpp2.0.1')), { status: 'Accepted' }, 'a strict 2.0.1 station boots at profile 3');
    await client.close();
    t.match(await outcome('RL-HUP', hupStation), /^tls: .*unknown ca/, 'a CA not in the file is still unknown');
  });

  t.test('SIGHUP', async (t) => {
    const before = reloads();
    appendFileSync(stationCaFile, readFileSync(hupCa.cert));
    process.kill(server.pid, 'SIGHUP');
    await eventually(async () => reloads() > before, 10_000, 'the reload log line');
    for (let i = 0; i < 4; i++) t.equal(await outcome('RL-HUP', hupStation), 101, `connection ${i + 1} admitted after SIGHUP`);
    const client = strictClient(t, { endpoint: wss, identity: 'RL-HUP', protocols: ['ocpp1.6'], wsOpts: { ca: pki.ca, cert: hupStation.cert, key: hupStation.key } });
    await client.connect();
    t.match(await client.call('BootNotification', bootPayload('ocpp1.6')), { status: 'Accepted' }, 'a strict 1.6 station boots at profile 3');
    await client.close();
  });

  t.test('a reload that cannot read the files keeps the previous trust', async (t) => {
    const open = strictClient(t, { endpoint: wss, identity: 'RL-API', protocols: ['ocpp2.0.1'], wsOpts: { ca: pki.ca, cert: apiStation.cert, key: apiStation.key } });
    await open.connect();
    rmSync(stationCaFile);
    const res = await server.apiJson('POST', '/admin/tls/reload');
    t.equal(res.status, 500);
    t.match(res.body, { code: 'TLS_RELOAD_FAILED', message: /station CA bundle/ });
    // The log line may reach the pipe after the HTTP answer.
    t.ok(await eventually(async () => server.output().stdout.includes('TLS certificate reload failed'), 30_000, 'the log line'), 'logged');
    t.equal(await outcome('RL-HUP', hupStation), 101, 'new connections are judged by the previous bundle');
    t.match(await open.call('Heartbeat', {}), { currentTime: String }, 'an open connection is untouched');
    await open.close();
  });
});

t.test('POST /admin/tls/reload without a TLS listener answers 503; a tenant key is refused', async (t) => {
  const server = await startServer(t);
  const res = await server.apiJson('POST', '/admin/tls/reload');
  t.equal(res.status, 503);
  t.match(res.body, { code: 'SERVICE_UNAVAILABLE' });
  const key = await server.apiJson('POST', '/admin/api-keys', { role: 'tenant', tenantId: 'default' });
  const tenant = await fetch(`${server.apiUrl}/admin/tls/reload`, { method: 'POST', headers: { authorization: `Bearer ${key.body.key as string}` } });
  t.equal(tenant.status, 403, 'only cluster admins reload');
});
