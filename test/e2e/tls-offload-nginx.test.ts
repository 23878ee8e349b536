import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { makePki } from '../helpers/certificates.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';
import { freePort, startServer } from '../helpers/server.js';

// The nginx example of the README (docs/examples/nginx-tls-offload.conf), run for real: Debian's
// nginx terminates TLS, strict ocpp-rpc stations connect through it at profiles 2 and 3, and a
// client cannot forge the certificate headers (nginx replaces them).

const NGINX_INSTALL = 'apt-get install -y nginx-light';
const missing = spawnSync('nginx', ['-v']).error ? `nginx is not installed: ${NGINX_INSTALL}` : undefined;
const EXAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'examples', 'nginx-tls-offload.conf');

t.test('stations through nginx (TLS offload) at profiles 2 and 3', { skip: missing }, async (t) => {
  const pki = makePki(t);
  const server = await startServer(t, { env: { CSMS_TRUSTED_PROXIES: '127.0.0.1', CSMS_TLS_STATION_CA_FILE: pki.caFile } });
  const tlsPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-nginx-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const conf = readFileSync(EXAMPLE, 'utf8')
    .replace('server 127.0.0.1:8080;', `server 127.0.0.1:${server.ocppPort};`)
    .replace('listen 8443 ssl;', `listen 127.0.0.1:${tlsPort} ssl;`)
    .replaceAll('/etc/switchyard/server.pem', pki.serverCertFile)
    .replaceAll('/etc/switchyard/server.key', pki.serverKeyFile)
    .replaceAll('/etc/switchyard/station-ca.pem', pki.caFile);
  const directives = conf.split('\n').map((line) => line.replace(/#.*$/, '')).join('\n');
  t.notMatch(directives, /8080|8443|\/etc\/switchyard/, 'every port and file of the example replaced');
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', `daemon off; master_process off; pid ${join(dir, 'nginx.pid')}; error_log stderr notice;`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  nginx.stderr!.setEncoding('utf8').on('data', (c: string) => (log += c));
  t.teardown(async () => {
    if (nginx.exitCode !== null || nginx.signalCode !== null) return;
    const exited = new Promise((r) => nginx.once('exit', r));
    process.kill(nginx.pid!, 'SIGTERM');
    await exited;
  });
  for (let i = 0; !/start worker process|using the "epoll" event method/.test(log); i++) {
    if (nginx.exitCode !== null || i > 200) throw new Error(`nginx did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const endpoint = `wss://127.0.0.1:${tlsPort}/ocpp`;

  t.equal((await server.apiJson('POST', '/stations', { id: 'NGX-3', securityProfile: 3 })).status, 201);
  t.equal((await server.apiJson('POST', '/stations', { id: 'NGX-2', password: 'nginx-password-00002', securityProfile: 2 })).status, 201);
  const cert = pki.client('NGX-3');

  const p3 = await connectStrict(t, { endpoint, identity: 'NGX-3', version: 'ocpp2.0.1', wsOpts: { ca: pki.ca, cert: cert.cert, key: cert.key } });
  t.match(await p3.call('BootNotification', bootPayload('ocpp2.0.1')), { status: 'Accepted' }, 'profile 3 through nginx with its certificate');
  const p2 = await connectStrict(t, { endpoint, identity: 'NGX-2', password: 'nginx-password-00002', version: 'ocpp1.6', wsOpts: { ca: pki.ca } });
  t.match(await p2.call('BootNotification', bootPayload('ocpp1.6')), { status: 'Accepted' }, 'profile 2 through nginx with its password');

  const refusedWith = (options: WebSocket.ClientOptions, id = 'NGX-3') =>
    new Promise<number>((resolveStatus, reject) => {
      const ws = new WebSocket(`${endpoint}/${id}`, ['ocpp2.0.1'], { ca: pki.ca, ...options });
      ws.once('unexpected-response', (_req, res) => {
        resolveStatus(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('open', () => {
        ws.close();
        resolveStatus(101);
      });
      ws.once('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
    });
  t.equal(await refusedWith({}), 401, 'profile 3 without a certificate: refused');
  t.equal(
    await refusedWith({ headers: { 'X-SSL-Client-Cert': encodeURIComponent(cert.cert.toString()), 'X-SSL-Client-Verify': 'SUCCESS' } }),
    401,
    'a forged certificate header without a TLS client certificate: nginx replaces it, refused',
  );
  const other = pki.client('NGX-OTHER');
  t.equal(await refusedWith({ cert: other.cert, key: other.key }), 401, 'a certificate of another station');
  // A plain ws:// connection straight to the CSMS from the proxy's address but without its headers is plain.
  const direct = await new Promise<number>((resolveStatus) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.ocppPort}/ocpp/NGX-2`, ['ocpp1.6'], { headers: { authorization: `Basic ${Buffer.from('NGX-2:nginx-password-00002').toString('base64')}` } });
    ws.once('unexpected-response', (_req, res) => {
      resolveStatus(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      ws.close();
      resolveStatus(101);
    });
    ws.once('error', () => undefined);
  });
  t.equal(direct, 401, 'profile 2 station straight to the plain port: refused');
});
