import t from 'tap';
import { eventually, metricValue, startServer } from '../helpers/server.js';
import { VERSIONS, basic, bootPayload, connectStrict, nextClose, rawUpgrade, strictClient } from '../helpers/ocpp-clients.js';

// WebSocket handshake: subprotocol negotiation and HTTP Basic authentication (security profile 1).

t.test('registered stations (unknown stations refused)', async (t) => {
  const server = await startServer(t);
  const password = 'correct-horse-1-x';
  for (const version of VERSIONS) await server.registerStation(`HS-${version}`, password);

  const connected = async () => ((await server.apiJson('GET', '/health')).body as { connectedStations: number }).connectedStations;

  t.test('subprotocol choice honours the station preference order', async (t) => {
    const cases: Array<[string, string]> = [
      ['ocpp1.6', 'ocpp1.6'],
      ['ocpp2.0.1', 'ocpp2.0.1'],
      ['ocpp2.1', 'ocpp2.1'],
      ['ocpp2.1, ocpp2.0.1, ocpp1.6', 'ocpp2.1'],
      ['ocpp1.6, ocpp2.1', 'ocpp1.6'],
      ['ocpp2.0.1,ocpp1.6', 'ocpp2.0.1'],
      ['ocpp1.5, ocpp2.0, ocpp2.0.1', 'ocpp2.0.1'],
    ];
    for (const [offered, chosen] of cases) {
      const id = `HS-${chosen}`;
      const outcome = await rawUpgrade(server.ocppPort, `/ocpp/${id}`, { protocols: offered, authorization: basic(id, password) });
      t.equal(outcome.status, 101, `offer '${offered}' is accepted`);
      t.equal(outcome.protocol, chosen, `offer '${offered}' → ${chosen}`);
    }
    // ocpp-rpc agrees on what was negotiated.
    const client = strictClient(t, { endpoint: server.ocppUrl, identity: 'HS-ocpp2.0.1', password, protocols: ['ocpp2.0.1', 'ocpp1.6'] });
    await client.connect();
    t.equal(client.protocol, 'ocpp2.0.1');
    await client.close();
  });

  t.test('no supported subprotocol → 400, connection closed, nothing registered', async (t) => {
    const id = 'HS-ocpp1.6';
    const before = await connected();
    for (const offered of ['ocpp1.5, ocpp1.2', 'ocpp2.0', 'OCPP1.6', '']) {
      const outcome = await rawUpgrade(server.ocppPort, `/ocpp/${id}`, { protocols: offered, authorization: basic(id, password) });
      t.equal(outcome.status, 400, `offer '${offered}' → 400`);
      t.ok(outcome.socketClosed, `server closed the connection after refusing '${offered}'`);
    }
    const outcome = await rawUpgrade(server.ocppPort, `/ocpp/${id}`, { authorization: basic(id, password) });
    t.equal(outcome.status, 400, 'no Sec-WebSocket-Protocol header → 400');
    t.ok(outcome.socketClosed, 'server closed the connection');
    t.equal(await connected(), before, 'no station counted as connected');
    const station = await server.apiJson('GET', `/stations/${id}`);
    t.equal(station.body.connected, false);
  });

  t.test('path without a station id → 404', async (t) => {
    for (const path of ['/ocpp/', '/ocpp', '/elsewhere/HS-ocpp1.6', '/ocpp/a/b']) {
      const outcome = await rawUpgrade(server.ocppPort, path, { protocols: 'ocpp1.6' });
      t.equal(outcome.status, 404, `${path} → 404`);
      t.ok(outcome.socketClosed, `connection closed after ${path}`);
    }
  });

  for (const version of VERSIONS) {
    t.test(`${version}: right password connects, wrong or missing → 401 before upgrade`, async (t) => {
      const id = `HS-${version}`;
      const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password, version });
      t.equal(client.protocol, version);
      const booted = (await client.call('BootNotification', bootPayload(version))) as { status: string };
      t.equal(booted.status, 'Accepted');
      await client.close();

      const refusals: Array<[string, string | undefined]> = [
        ['wrong password', basic(id, 'wrong-password')],
        ['missing Authorization', undefined],
        ['user is another station', basic(`HS-${version === 'ocpp1.6' ? 'ocpp2.1' : 'ocpp1.6'}`, password)],
        ['not Basic', `Bearer ${password}`],
        ['garbage Basic', 'Basic !!!'],
      ];
      for (const [what, authorization] of refusals) {
        const outcome = await rawUpgrade(server.ocppPort, `/ocpp/${id}`, { protocols: version, authorization });
        t.equal(outcome.status, 401, `${what} → 401`);
        t.match(String(outcome.headers['www-authenticate']), /^Basic/, `${what}: Basic challenge`);
        t.ok(outcome.socketClosed, `${what}: connection closed`);
      }
      // ocpp-rpc sees the refusal as an HTTP error on connect.
      const wrong = strictClient(t, { endpoint: server.ocppUrl, identity: id, password: 'nope-nope-nope', protocols: [version] });
      await t.rejects(wrong.connect(), { code: 401 }, 'strict client refused with 401');
    });

    t.test(`${version}: unknown station id → 401`, async (t) => {
      const id = `HS-unknown-${version}`;
      const outcome = await rawUpgrade(server.ocppPort, `/ocpp/${id}`, { protocols: version, authorization: basic(id, 'whatever-1') });
      t.equal(outcome.status, 401);
      t.ok(outcome.socketClosed);
      const none = await rawUpgrade(server.ocppPort, `/ocpp/${id}`, { protocols: version });
      t.equal(none.status, 401, 'and without credentials');
      t.equal((await server.apiJson('GET', `/stations/${id}`)).status, 404, 'not registered');
    });
  }

  t.test('nothing stays connected after refusals; refusals are counted', async (t) => {
    await eventually(async () => (await connected()) === 0, 30_000, 'no connected stations');
    t.pass('connectedStations is 0');
    const metrics = await server.metrics();
    t.ok(metricValue(metrics, 'csms_handshakes_refused_total', { status: '400' }) >= 5, 'refusals with 400 counted');
    t.ok(metricValue(metrics, 'csms_handshakes_refused_total', { status: '401' }) >= 15, 'refusals with 401 counted');
    t.ok(metricValue(metrics, 'csms_handshakes_refused_total', { status: '404' }) >= 4, 'refusals with 404 counted');
    t.equal(metricValue(metrics, 'csms_connected_stations'), 0, 'csms_connected_stations is 0');
  });

  t.test('DELETE /stations/{id} closes its open connection; it cannot come back', async (t) => {
    const id = 'HS-deleted';
    await server.registerStation(id, password);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password, version: 'ocpp2.0.1' });
    await client.call('Heartbeat', {});
    const closed = nextClose(client);
    const deleted = await server.api(`/stations/${id}`, { method: 'DELETE' });
    t.equal(deleted.status, 204);
    t.ok((await closed).code >= 1000, 'the connection was closed');
    const again = await rawUpgrade(server.ocppPort, `/ocpp/${id}`, { protocols: 'ocpp2.0.1', authorization: basic(id, password) });
    t.equal(again.status, 401, 'reconnecting is refused');
    t.equal((await server.apiJson('GET', `/stations/${id}`)).status, 404);
  });
});

t.test('CSMS_ALLOW_UNKNOWN_STATIONS=true', async (t) => {
  const server = await startServer(t, { env: { CSMS_ALLOW_UNKNOWN_STATIONS: 'true' } });
  await server.registerStation('AU-registered', 'registered-pw-1-x');

  for (const version of VERSIONS) {
    t.test(`${version}: an unknown id connects and is registered on first boot`, async (t) => {
      const id = `AU-new-${version}`;
      t.equal((await server.apiJson('GET', `/stations/${id}`)).status, 404, 'unknown before');
      const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, version });
      const booted = (await client.call('BootNotification', bootPayload(version, { vendor: 'Unknown Co', model: 'U1' }))) as { status: string };
      t.equal(booted.status, 'Accepted');
      const station = await server.apiJson('GET', `/stations/${id}`);
      t.equal(station.status, 200, 'registered by its boot');
      t.match(station.body, { id, connected: true, protocol: version, vendor: 'Unknown Co', model: 'U1', hasPassword: false });
      await client.close();
      // It may reconnect without a password afterwards.
      const again = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, version });
      t.equal(again.protocol, version, 'reconnects without a password');
      await again.close();
    });
  }

  t.test('a registered station still needs its password', async (t) => {
    const id = 'AU-registered';
    const wrong = await rawUpgrade(server.ocppPort, `/ocpp/${id}`, { protocols: 'ocpp1.6', authorization: basic(id, 'wrong-pw-000') });
    t.equal(wrong.status, 401, 'wrong password → 401');
    const missing = await rawUpgrade(server.ocppPort, `/ocpp/${id}`, { protocols: 'ocpp1.6' });
    t.equal(missing.status, 401, 'missing password → 401');
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: 'registered-pw-1-x', version: 'ocpp1.6' });
    t.equal(client.protocol, 'ocpp1.6', 'right password connects');
    await client.close();
  });

  t.test('subprotocol rules still apply', async (t) => {
    const outcome = await rawUpgrade(server.ocppPort, '/ocpp/AU-noproto', { protocols: 'ocpp1.5' });
    t.equal(outcome.status, 400);
    const none = await rawUpgrade(server.ocppPort, '/ocpp/AU-noproto');
    t.equal(none.status, 400);
    t.equal((await server.apiJson('GET', '/stations/AU-noproto')).status, 404, 'a refused handshake registers nothing');
  });
});
