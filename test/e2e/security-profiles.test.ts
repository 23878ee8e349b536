import t from 'tap';
import { metricValue } from '../helpers/server.js';
import { bootPayload, strictClient, wsUpgradeStatus, type Version } from '../helpers/ocpp-clients.js';
import { makePki } from '../helpers/certificates.js';
import { startTlsServer } from '../helpers/tls-server.js';

// Security profiles 2 and 3 (issue #14): a TLS listener beside the plain one; per-station profile;
// a station at 2 or 3 never logs in over a weaker transport. Strict ocpp-rpc stations over wss://.

const PASSWORD = 'security-profiles-pw-01';
const VERSIONS_UNDER_TEST: Version[] = ['ocpp1.6', 'ocpp2.0.1'];

t.test('security profiles 1, 2 and 3 over ws:// and wss://', async (t) => {
  const pki = makePki(t);
  // Revoked before the start: the CRL file is read with the certificates.
  const revoked = new Map(VERSIONS_UNDER_TEST.map((v) => [v, pki.client(`SP3-${v}`)] as const));
  for (const r of revoked.values()) pki.revoke(r.cert);
  const { server, wss } = await startTlsServer(t, pki, {
    CSMS_TLS_CRL_FILE: pki.crlFile,
    CSMS_LOG_LEVEL: 'info',
    // This test refuses many logins from 127.0.0.1 on purpose; the throttle has its own test.
    CSMS_LOGIN_FREE_FAILURES: '1000',
    CSMS_LOGIN_LOCK_AFTER: '1000',
  });
  const register = async (id: string, body: Record<string, unknown>) => {
    const res = await server.apiJson('POST', '/stations', { id, ...body });
    t.equal(res.status, 201, `register ${id}: ${JSON.stringify(res.body)}`);
    return res.body;
  };

  for (const version of VERSIONS_UNDER_TEST) {
    const p1 = `SP1-${version}`;
    const p2 = `SP2-${version}`;
    const p3 = `SP3-${version}`;
    await register(p1, { password: PASSWORD });
    await register(p2, { password: PASSWORD, securityProfile: 2 });
    t.match(await register(p3, { securityProfile: 3 }), { securityProfile: 3, hasPassword: false });

    t.test(`${version}: profile 1 connects over ws:// and wss://`, async (t) => {
      for (const endpoint of [server.ocppUrl, wss]) {
        const client = strictClient(t, { endpoint, identity: p1, password: PASSWORD, protocols: [version], wsOpts: { ca: pki.ca } });
        await client.connect();
        t.match(await client.call('BootNotification', bootPayload(version)), { status: 'Accepted' }, `over ${endpoint.slice(0, 6)}`);
        await client.close();
      }
    });

    t.test(`${version}: profile 2 = TLS + Basic; plain ws:// refused (downgrade)`, async (t) => {
      const client = strictClient(t, { endpoint: wss, identity: p2, password: PASSWORD, protocols: [version], wsOpts: { ca: pki.ca } });
      await client.connect();
      t.equal(client.protocol, version);
      t.match(await client.call('BootNotification', bootPayload(version)), { status: 'Accepted' });
      await client.close();

      t.equal(await wsUpgradeStatus(`${server.ocppUrl}/${p2}`, version, { password: PASSWORD }), 401, 'right password over plain ws:// → 401');
      t.equal(await wsUpgradeStatus(`${wss}/${p2}`, version, { ca: pki.ca, password: 'wrong-password-000000' }), 401, 'wrong password over wss:// → 401');
      t.equal(await wsUpgradeStatus(`${wss}/${p2}`, version, { ca: pki.ca }), 401, 'no password over wss:// → 401');
      const viaStrict = strictClient(t, { endpoint: server.ocppUrl, identity: p2, password: PASSWORD, protocols: [version] });
      await t.rejects(viaStrict.connect(), 'a strict client over ws:// is refused too');
    });

    t.test(`${version}: profile 3 = mutual TLS, CN = station id, no password`, async (t) => {
      const good = pki.client(p3);
      const client = strictClient(t, { endpoint: wss, identity: p3, protocols: [version], wsOpts: { ca: pki.ca, cert: good.cert, key: good.key } });
      await client.connect();
      t.match(await client.call('BootNotification', bootPayload(version)), { status: 'Accepted' });
      await client.close();

      const other = pki.client(`SP3-other-${version}`);
      const otherCa = pki.otherCa(`x-${version}`);
      const wrongCa = pki.client(p3, { issuer: otherCa });
      const expired = pki.client(p3, { days: -1 });
      const self = pki.selfSigned(p3);
      t.equal(await wsUpgradeStatus(`${wss}/${p3}`, version, { ca: pki.ca }), 401, 'no client certificate → 401');
      t.equal(await wsUpgradeStatus(`${wss}/${p3}`, version, { ca: pki.ca, password: PASSWORD }), 401, 'a password instead of a certificate → 401');
      t.equal(await wsUpgradeStatus(`${wss}/${p3}`, version, { ca: pki.ca, cert: other.cert, key: other.key }), 401, 'another station’s certificate (wrong CN) → 401');
      t.equal(await wsUpgradeStatus(`${server.ocppUrl}/${p3}`, version, {}), 401, 'plain ws:// → 401');
      t.match(await wsUpgradeStatus(`${wss}/${p3}`, version, { ca: pki.ca, cert: expired.cert, key: expired.key }), /^tls: .*certificate expired/, 'expired → TLS alert');
      t.match(await wsUpgradeStatus(`${wss}/${p3}`, version, { ca: pki.ca, cert: self.cert, key: self.key }), /^tls: .*unknown ca/, 'self-signed → TLS alert');
      t.match(await wsUpgradeStatus(`${wss}/${p3}`, version, { ca: pki.ca, cert: wrongCa.cert, key: wrongCa.key }), /^tls: .*unknown ca/, 'another CA → TLS alert');
      const gone = revoked.get(version)!;
      t.equal(await wsUpgradeStatus(`${wss}/${p3}`, version, { ca: pki.ca, cert: gone.cert, key: gone.key }), 401, 'revoked (CRL file) → 401');

      // Still fine afterwards, and a profile 2 station may present a certificate too.
      const again = strictClient(t, { endpoint: wss, identity: p3, protocols: [version], wsOpts: { ca: pki.ca, cert: good.cert, key: good.key } });
      await again.connect();
      await again.close();
    });
  }

  t.test('raising a station’s profile refuses the weaker transport from the next login (PUT security-profile)', async (t) => {
    const id = 'SP-UPGRADE';
    await register(id, { password: PASSWORD });
    t.equal(await wsUpgradeStatus(`${server.ocppUrl}/${id}`, 'ocpp2.0.1', { password: PASSWORD }), 101, 'profile 1 over ws:// (now remembered by the gateway)');
    const put = await server.apiJson('PUT', `/stations/${id}/security-profile`, { securityProfile: 2 });
    t.same(put, { status: 200, body: { stationId: id, securityProfile: 2 } });
    t.equal(await wsUpgradeStatus(`${server.ocppUrl}/${id}`, 'ocpp2.0.1', { password: PASSWORD }), 401, 'ws:// refused once at profile 2');
    t.equal(await wsUpgradeStatus(`${wss}/${id}`, 'ocpp2.0.1', { ca: pki.ca, password: PASSWORD }), 101, 'wss:// with the password works');
    t.match((await server.apiJson('GET', `/stations/${id}`)).body, { securityProfile: 2 });
    t.equal((await server.apiJson('PUT', `/stations/${id}/security-profile`, { securityProfile: 4 })).status, 400, 'no profile 4');
    t.equal((await server.apiJson('PUT', '/stations/NOPE/security-profile', { securityProfile: 2 })).status, 404);
  });

  t.test('upgrading a connected station over OCPP: then its old transport is refused', async (t) => {
    for (const version of VERSIONS_UNDER_TEST) {
      const id = `SPU-${version}`;
      await register(id, { password: PASSWORD });
      const client = strictClient(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, protocols: [version] });
      const seen: string[] = [];
      if (version === 'ocpp1.6') {
        client.handle('ChangeConfiguration', async ({ params }: any) => {
          seen.push(`ChangeConfiguration ${params.key}=${params.value}`);
          return { status: 'Accepted' };
        });
      } else {
        client.handle('SetNetworkProfile', async ({ params }: any) => {
          seen.push(`SetNetworkProfile ${params.configurationSlot} ${params.connectionData.ocppCsmsUrl} ${params.connectionData.securityProfile}`);
          return { status: 'Accepted' };
        });
        client.handle('SetVariables', async ({ params }: any) => {
          const d = params.setVariableData[0];
          seen.push(`SetVariables ${d.component.name}.${d.variable.name}=${d.attributeValue}`);
          return { setVariableResult: params.setVariableData.map((v: any) => ({ attributeStatus: 'Accepted', component: v.component, variable: v.variable })) };
        });
        client.handle('Reset', async ({ params }: any) => {
          seen.push(`Reset ${params.type}`);
          return { status: 'Accepted' };
        });
      }
      await client.connect();
      await client.call('BootNotification', bootPayload(version));
      t.equal((await server.apiJson('POST', `/stations/${id}/security-profile/upgrade`, { securityProfile: 2 })).status, version === 'ocpp1.6' ? 200 : 400, version === 'ocpp1.6' ? '1.6 needs no URL' : '2.x needs csmsUrl');
      if (version === 'ocpp1.6') {
        t.same(seen, ['ChangeConfiguration SecurityProfile=2']);
      } else {
        const res = await server.apiJson('POST', `/stations/${id}/security-profile/upgrade`, { securityProfile: 2, csmsUrl: wss, configurationSlot: 2 });
        t.match(res, { status: 200, body: { upgraded: true, securityProfile: 2, steps: [{ action: 'SetNetworkProfile', status: 'Accepted' }, { action: 'SetVariables', status: 'Accepted' }, { action: 'Reset', status: 'Accepted' }] } });
        t.same(seen, [`SetNetworkProfile 2 ${wss} 2`, 'SetVariables OCPPCommCtrlr.NetworkConfigurationPriority=2', 'Reset OnIdle']);
      }
      await client.close();
      t.match((await server.apiJson('GET', `/stations/${id}`)).body, { securityProfile: 2 });
      t.equal(await wsUpgradeStatus(`${server.ocppUrl}/${id}`, version, { password: PASSWORD }), 401, `${version}: the old profile (ws://) is refused after the upgrade`);
      t.equal(await wsUpgradeStatus(`${wss}/${id}`, version, { ca: pki.ca, password: PASSWORD }), 101, `${version}: wss:// works`);
      t.equal((await server.apiJson('POST', `/stations/${id}/security-profile/upgrade`, { securityProfile: 2, csmsUrl: wss })).status, 400, 'never sideways or down');
    }

    const id = 'SPU-REJECT';
    await register(id, { password: PASSWORD });
    const client = strictClient(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, protocols: ['ocpp2.0.1'] });
    client.handle('SetNetworkProfile', async () => ({ status: 'Rejected' }));
    await client.connect();
    await client.call('BootNotification', bootPayload('ocpp2.0.1'));
    const res = await server.apiJson('POST', `/stations/${id}/security-profile/upgrade`, { securityProfile: 3, csmsUrl: wss });
    t.match(res, { status: 200, body: { upgraded: false, securityProfile: 1, steps: [{ action: 'SetNetworkProfile', status: 'Rejected' }] } });
    await client.close();
    t.equal(await wsUpgradeStatus(`${server.ocppUrl}/${id}`, 'ocpp2.0.1', { password: PASSWORD }), 101, 'a station that rejected keeps its profile');
  });

  t.test('refusals are counted by reason and logged with station id, address and reason', async (t) => {
    const metrics = await server.metrics();
    for (const reason of ['plain-connection', 'no-client-certificate', 'bad-client-certificate', 'wrong-password']) {
      t.ok(metricValue(metrics, 'csms_station_login_refusals_total', { reason }) > 0, `${reason} counted`);
    }
    const lines = server
      .output()
      .stdout.split('\n')
      .filter((l) => l.includes('"handshake refused"'))
      .map((l) => JSON.parse(l) as { stationId?: string; remoteAddress?: string; reason?: string; code?: string });
    t.ok(lines.some((l) => l.stationId === 'SP2-ocpp1.6' && l.remoteAddress === '127.0.0.1' && /plain/.test(l.reason ?? '')), 'a downgrade attempt is logged with its reason');
    t.ok(lines.some((l) => l.stationId === 'SP3-ocpp2.0.1' && l.code === 'bad-client-certificate' && /CN/.test(l.reason ?? '')), 'a wrong CN is logged');
    t.ok(lines.some((l) => l.stationId === 'SP3-ocpp1.6' && l.code === 'bad-client-certificate' && /revoked/.test(l.reason ?? '')), 'a revoked certificate is logged');
  });
});

t.test('SIGHUP reloads the TLS certificate files without dropping connections', async (t) => {
  const { connect } = await import('node:tls');
  const pki = makePki(t);
  const { server, tlsPort, wss } = await startTlsServer(t, pki, { CSMS_LOG_LEVEL: 'info', CSMS_WORKERS: '2' });
  const servedSerial = () =>
    new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: tlsPort, ca: pki.ca }, () => {
        resolve(socket.getPeerCertificate().serialNumber.replace(/^0+/, ''));
        socket.end();
      });
      socket.on('error', reject);
    });
  await server.registerStation('HUP-1', PASSWORD);
  const first = await servedSerial();
  const client = strictClient(t, { endpoint: wss, identity: 'HUP-1', password: PASSWORD, protocols: ['ocpp2.0.1'], wsOpts: { ca: pki.ca } });
  await client.connect();
  await client.call('BootNotification', bootPayload('ocpp2.0.1'));

  const renewed = pki.renewServer();
  t.not(renewed, first);
  process.kill(server.pid, 'SIGHUP');
  const { eventually } = await import('../helpers/server.js');
  await eventually(async () => server.output().stdout.includes('"TLS certificates reloaded"'), 10_000, 'the reload');
  // Both gateway threads serve the new certificate: try several connections (the kernel spreads them).
  for (let i = 0; i < 6; i++) t.equal(await servedSerial(), renewed, `connection ${i + 1} gets the renewed certificate`);
  t.match(await client.call('Heartbeat', {}), { currentTime: String }, 'the connection opened before the reload still works');
  await client.close();
});
