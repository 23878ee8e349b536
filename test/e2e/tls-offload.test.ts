import t from 'tap';
import { makePki } from '../helpers/certificates.js';
import { basic, rawUpgrade } from '../helpers/ocpp-clients.js';
import { eventually, startServer } from '../helpers/server.js';

// TLS offload (CSMS_TRUSTED_PROXIES): a reverse proxy terminates TLS and passes the client
// certificate in headers to the plain listener. Sent here on raw sockets from a trusted
// (127.0.0.1) and an untrusted (127.0.0.2) loopback address, the way nginx's
// docs/examples/nginx-tls-offload.conf sends them (test/e2e/tls-offload-nginx.test.ts runs it).

t.test('client-certificate headers count only from a trusted proxy, through the profile 3 checks', async (t) => {
  const pki = makePki(t);
  const server = await startServer(t, { env: { CSMS_TRUSTED_PROXIES: '127.0.0.1', CSMS_TLS_STATION_CA_FILE: pki.caFile, CSMS_LOG_LEVEL: 'info' } });
  t.equal((await server.apiJson('POST', '/stations', { id: 'OFF-3', securityProfile: 3 })).status, 201);
  t.equal((await server.apiJson('POST', '/stations', { id: 'OFF-2', password: 'offload-password-0002', securityProfile: 2 })).status, 201);
  const good = pki.client('OFF-3');
  const viaProxy = (cert: Buffer | undefined, verify: string, localAddress = '127.0.0.1', extra: Record<string, string> = {}) =>
    rawUpgrade(server.ocppPort, '/ocpp/OFF-3', {
      protocols: 'ocpp2.0.1',
      localAddress,
      headers: {
        'X-Forwarded-Proto': 'https',
        'X-SSL-Client-Verify': verify,
        'X-Real-IP': '198.51.100.7',
        ...(cert ? { 'X-SSL-Client-Cert': encodeURIComponent(cert.toString()) } : {}),
        ...extra,
      },
    });
  t.equal((await viaProxy(good.cert, 'SUCCESS')).status, 101, 'trusted proxy, verified certificate with CN = station id: admitted');
  t.equal((await viaProxy(good.cert, 'SUCCESS', '127.0.0.2')).status, 401, 'the same headers from an untrusted address: refused (plain connection)');
  t.equal((await viaProxy(good.cert, 'FAILED:certificate has expired')).status, 401, 'the proxy says verification failed');
  t.equal((await viaProxy(pki.client('OFF-OTHER').cert, 'SUCCESS')).status, 401, 'CN of another station');
  t.equal((await viaProxy(pki.client('OFF-3', { issuer: pki.otherCa('rogue') }).cert, 'SUCCESS')).status, 401, 'a certificate of a CA we do not trust, whatever the proxy says');
  t.equal((await viaProxy(undefined, 'NONE')).status, 401, 'no certificate');
  pki.revoke(good.cert);
  t.equal((await viaProxy(good.cert, 'SUCCESS', '127.0.0.1', { 'X-Forwarded-Proto': 'http' })).status, 401, 'the proxy received it over plain http');

  const p2 = (localAddress: string) =>
    rawUpgrade(server.ocppPort, '/ocpp/OFF-2', {
      protocols: 'ocpp2.0.1',
      localAddress,
      authorization: basic('OFF-2', 'offload-password-0002'),
      headers: { 'X-Forwarded-Proto': 'https', 'X-SSL-Client-Verify': 'NONE' },
    });
  t.equal((await p2('127.0.0.1')).status, 101, 'profile 2 (password) behind the proxy: TLS per the proxy');
  t.equal((await p2('127.0.0.2')).status, 401, 'profile 2 from an untrusted address claiming https: plain, refused');
  const refusalLine = /"remoteAddress":"198\.51\.100\.7"[^\n]*"code":"bad-client-certificate"|"code":"bad-client-certificate"[^\n]*"remoteAddress":"198\.51\.100\.7"/;
  t.ok(await eventually(async () => refusalLine.test(server.output().stdout), 30_000, 'the refusal line'), 'refusals logged with the station address the proxy saw');
  const log = server.output().stdout;
  t.match(log, /client certificate header from an address not in CSMS_TRUSTED_PROXIES: ignored/, 'untrusted headers logged');
});
