import t from 'tap';
import { connect, type Socket } from 'node:net';
import { eventually } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';
import { makePki } from '../helpers/certificates.js';
import { startTlsServer } from '../helpers/tls-server.js';

// Issue #14, bad input: TLS handshakes that stall (a TCP connection that sends nothing, or half a
// ClientHello) disturb no other station, and the server closes them itself. Strict ocpp-rpc
// stations at profiles 2 and 3 connect and boot while 100 stalled handshakes are open.

const PASSWORD = 'stalled-handshakes-pw-01';

/** A raw TCP connection to the TLS port that starts no handshake, or stops in the middle of one. */
function stall(port: number, partial: boolean): Promise<{ socket: Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      // A TLS record header announcing a 512-byte ClientHello, and only its first bytes.
      if (partial) socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]));
      resolve({ socket, closed });
    });
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('error', () => {});
    socket.once('error', reject);
  });
}

t.test('stalled TLS handshakes disturb no other station and are closed by the server', async (t) => {
  const pki = makePki(t);
  const { server, tlsPort, wss } = await startTlsServer(t, pki, { CSMS_LOG_LEVEL: 'info' });
  const stalled = await Promise.all(Array.from({ length: 100 }, (_, i) => stall(tlsPort, i % 2 === 1)));
  t.teardown(() => stalled.forEach((s) => s.socket.destroy()));

  const p2 = 'STALL-P2';
  await server.registerStation(p2, PASSWORD);
  const profile2 = await connectStrict(t, { endpoint: wss, identity: p2, password: PASSWORD, version: 'ocpp2.0.1', wsOpts: { ca: pki.ca } });
  t.match(await profile2.call('BootNotification', bootPayload('ocpp2.0.1')), { status: 'Accepted' }, 'a profile 2 station boots beside 100 stalled handshakes');

  const p3 = 'STALL-P3';
  t.equal((await server.apiJson('POST', '/stations', { id: p3, securityProfile: 3 })).status, 201);
  const cert = pki.client(p3);
  const profile3 = await connectStrict(t, { endpoint: wss, identity: p3, version: 'ocpp1.6', wsOpts: { ca: pki.ca, cert: cert.cert, key: cert.key } });
  t.match(await profile3.call('BootNotification', bootPayload('ocpp1.6')), { status: 'Accepted' }, 'a profile 3 station too');

  // uSockets gives a connection that has not finished its HTTP upgrade (TLS handshake included) an idle timeout.
  await eventually(async () => (await Promise.race([Promise.all(stalled.map((s) => s.closed)).then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 500))])), 60_000, 'the server closing every stalled handshake');
  t.pass('every stalled handshake was closed by the server');
  t.match(await profile2.call('Heartbeat', {}), { currentTime: String }, 'the stations stay connected');
  t.match(await profile3.call('Heartbeat', {}), { currentTime: String });
});
