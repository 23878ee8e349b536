import t from 'tap';
import { eventually, startServer } from '../helpers/server.js';
import { bootPayload, strictClient, takePasswords, wsUpgradeStatus, type Version } from '../helpers/ocpp-clients.js';

// Password rotation (issue #14, A01 and the 1.6 security whitepaper): POST /stations/{id}/password
// sends the new password to the station; the old one works only until the first login with the new.

const OLD = 'rotation-old-password-1';

t.test('password rotation end to end', async (t) => {
  const server = await startServer(t, { env: { CSMS_LOGIN_FREE_FAILURES: '1000', CSMS_LOGIN_LOCK_AFTER: '1000' } });

  for (const version of ['ocpp1.6', 'ocpp2.0.1'] as Version[]) {
    t.test(`${version}: the station reconnects with the new password; then the old one stops working`, async (t) => {
      const id = `ROT-${version}`;
      await server.registerStation(id, OLD);
      const client = strictClient(t, { endpoint: server.ocppUrl, identity: id, password: OLD, protocols: [version] });
      const received = takePasswords(client, version);
      await client.connect();
      await client.call('BootNotification', bootPayload(version));

      const rotated = await server.apiJson('POST', `/stations/${id}/password`, {});
      t.equal(rotated.status, 200, JSON.stringify(rotated.body));
      t.match(rotated.body, { stationId: id, accepted: true, status: 'Accepted', protocol: version });
      t.notOk('password' in rotated.body, 'a password sent to the station is never shown');
      t.equal(received.length, 1, 'the station got one new password');
      const fresh = received[0]!;
      t.match(fresh, /^[A-Za-z0-9*\-_=:+|@.]+$/);
      t.equal(fresh.length, version === 'ocpp1.6' ? 20 : 40, version === 'ocpp1.6' ? 'AuthorizationKey: 20 bytes, hex on the wire' : 'BasicAuthPassword: 40 characters');
      t.match((await server.apiJson('GET', `/stations/${id}`)).body, { previousPasswordPending: true, passwordRotatedAt: rotated.body.rotatedAt });
      const model = JSON.stringify((await server.apiJson('GET', `/stations/${id}/device-model`)).body);
      t.notOk(model.includes(fresh) || model.includes(Buffer.from(fresh).toString('hex').toUpperCase()), 'the password is not stored in the device model');

      const logged = await eventually(async () => {
        const text = JSON.stringify((await server.apiJson('GET', `/stations/${id}/messages?limit=50`)).body);
        return text.includes(version === 'ocpp1.6' ? 'AuthorizationKey' : 'BasicAuthPassword') && text;
      }, 10_000, 'the password call in the message log');
      t.match(logged, /\[redacted\]/, 'the message log keeps the call');
      t.notOk(logged.includes(fresh) || logged.includes(Buffer.from(fresh).toString('hex').toUpperCase()), 'but not the password');
      t.equal(await wsUpgradeStatus(`${server.ocppUrl}/${id}`, version, { password: OLD }), 101, 'the old password still works before the first login with the new one');
      await client.close();

      const again = strictClient(t, { endpoint: server.ocppUrl, identity: id, password: fresh, protocols: [version] });
      await again.connect();
      t.match(await again.call('BootNotification', bootPayload(version)), { status: 'Accepted' }, 'reconnected with the new password');
      await eventually(async () => !(await server.apiJson('GET', `/stations/${id}`)).body.previousPasswordPending, 10_000, 'the previous password to be dropped');
      t.equal(await wsUpgradeStatus(`${server.ocppUrl}/${id}`, version, { password: OLD }), 401, 'the old password no longer works');
      await again.close();
      t.equal(await wsUpgradeStatus(`${server.ocppUrl}/${id}`, version, { password: fresh }), 101, 'the new one does');
    });
  }

  t.test('a station that rejects the new password keeps its old one only', async (t) => {
    const id = 'ROT-REJECT';
    await server.registerStation(id, OLD);
    const client = strictClient(t, { endpoint: server.ocppUrl, identity: id, password: OLD, protocols: ['ocpp2.0.1'] });
    const received = takePasswords(client, 'ocpp2.0.1', 'Rejected');
    await client.connect();
    await client.call('BootNotification', bootPayload('ocpp2.0.1'));
    const given = 'operator-chosen-pw-0001';
    const rotated = await server.apiJson('POST', `/stations/${id}/password`, { password: given });
    t.match(rotated, { status: 200, body: { accepted: false, status: 'Rejected' } });
    t.same(received, [given], 'the operator’s password was sent as given');
    t.match((await server.apiJson('GET', `/stations/${id}`)).body, { previousPasswordPending: false });
    await client.close();
    t.equal(await wsUpgradeStatus(`${server.ocppUrl}/${id}`, 'ocpp2.0.1', { password: given }), 401, 'the rejected password does not work');
    t.equal(await wsUpgradeStatus(`${server.ocppUrl}/${id}`, 'ocpp2.0.1', { password: OLD }), 101, 'the old one does');
  });

  t.test('bounds, offline stations and setting without sending', async (t) => {
    const id = 'ROT-OFFLINE';
    await server.registerStation(id, OLD);
    t.match(await server.apiJson('POST', `/stations/${id}/password`, {}), { status: 409, body: { code: 'STATION_NOT_CONNECTED' } }, 'cannot send to an offline station');
    t.match(await server.apiJson('POST', `/stations/${id}/password`, { password: 'short-pw' }), { status: 400 }, 'fewer than 16 characters');
    t.match(await server.apiJson('POST', `/stations/${id}/password`, { password: 'has a space in it 01' }), { status: 400 }, 'outside passwordString');
    t.match(await server.apiJson('POST', '/stations', { id: 'SHORT-PW', password: 'short-pw' }), { status: 400 }, 'the bounds apply at registration too');
    const set = await server.apiJson('POST', `/stations/${id}/password`, { sendToStation: false });
    t.match(set, { status: 200, body: { accepted: true, status: null } });
    t.equal(set.body.password.length, 40, 'a generated password is shown when it was not sent');
    t.equal(await wsUpgradeStatus(`${server.ocppUrl}/${id}`, 'ocpp2.0.1', { password: OLD }), 401, 'set without sending: the old one stops at once');
    t.equal(await wsUpgradeStatus(`${server.ocppUrl}/${id}`, 'ocpp2.0.1', { password: set.body.password }), 101);
    t.equal((await server.apiJson('POST', '/stations/NOPE/password', {})).status, 404);
  });
});
