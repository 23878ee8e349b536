import t from 'tap';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, freePort, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict, type Version } from '../helpers/ocpp-clients.js';
import { makePki, ocppSerial } from '../helpers/certificates.js';

// An external CA behind the documented HTTP hook (CSMS_CA_SIGN_URL): the CSMS POSTs the checked
// CSR, the hook (here: openssl signing with the test PKI's CA) answers the chain, the station gets
// it in CertificateSigned. A hook that fails ends the request as failed (SigningFailed).

const PASSWORD = 'external-ca-e2e-password';

t.test('external CA over the HTTP hook', async (t) => {
  const pki = makePki(t);
  const calls: Array<{ headers: IncomingHttpHeaders; body: Record<string, string> }> = [];
  let failing = false;
  let n = 0;
  const hook = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, string>;
      calls.push({ headers: req.headers, body });
      if (failing) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('PKI down');
        return;
      }
      const name = `hook-${++n}`;
      writeFileSync(join(pki.dir, `${name}.csr`), body.csr!);
      execFileSync('openssl', ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(5000 + n), '-days', '5', '-out', `${name}.pem`], { cwd: pki.dir, stdio: 'ignore' });
      const chain = readFileSync(join(pki.dir, `${name}.pem`), 'utf8') + pki.ca.toString();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ certificateChain: chain }));
    });
  });
  const hookPort = await freePort();
  await new Promise<void>((resolve) => hook.listen(hookPort, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => hook.close(() => resolve())));

  const server = await startServer(t, {
    env: { CSMS_CA_SIGN_URL: `http://127.0.0.1:${hookPort}/sign`, CSMS_CA_SIGN_AUTHORIZATION: 'Bearer hook-secret' },
  });
  t.equal((await server.apiJson('GET', '/certificates/ca')).status, 404, 'no built-in CA to show');

  for (const version of ['ocpp1.6', 'ocpp2.0.1'] as Version[]) {
    t.test(`${version}: signed by the hook; a failing hook fails the request`, async (t) => {
      const id = `EXT-${version}`;
      await server.registerStation(id, PASSWORD);
      const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
      await client.call('BootNotification', bootPayload(version));
      const signed: string[] = [];
      client.handle('CertificateSigned', async ({ params }) => {
        signed.push((params as { certificateChain: string }).certificateChain);
        return { status: 'Accepted' };
      });
      const csr = () => {
        execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${id}.key`, '-out', `${id}.csr`, '-subj', `/CN=${id}`], { cwd: pki.dir, stdio: 'ignore' });
        return readFileSync(join(pki.dir, `${id}.csr`), 'utf8');
      };
      const request = (pem: string) => (version === 'ocpp1.6' ? { csr: pem } : { csr: pem, certificateType: 'ChargingStationCertificate' });

      failing = false;
      const first = csr();
      t.same(await client.call('SignCertificate', request(first)), { status: 'Accepted' });
      await eventually(async () => signed.length === 1, 30_000, 'CertificateSigned');
      const call = calls.at(-1)!;
      t.equal(call.headers.authorization, 'Bearer hook-secret');
      t.match(call.body, { tenantId: 'default', stationId: id, csr: first, certificateType: version === 'ocpp1.6' ? 'ChargePointCertificate' : 'ChargingStationCertificate' });
      const leaf = new X509Certificate(signed[0]!);
      t.ok(leaf.checkIssued(new X509Certificate(pki.ca)), "the hook's CA issued it");
      const inventory = await eventually(async () => {
        const res = await server.apiJson('GET', `/stations/${id}/certificates`);
        return res.body.items.length === 1 ? res.body.items : undefined;
      }, 30_000, 'inventory');
      t.match(inventory[0], { source: 'signed', notAfter: new Date(leaf.validTo).toISOString(), hashData: { serialNumber: ocppSerial(leaf) } });

      failing = true;
      t.same(await client.call('SignCertificate', request(csr())), { status: 'Accepted' }, 'the CSR itself is fine');
      const failed = await eventually(async () => {
        const res = await server.apiJson('GET', `/stations/${id}/requests?action=SignCertificate&status=failed`);
        return res.body.items?.[0];
      }, 30_000, 'the request failed');
      t.match(failed, { error: 'SigningFailed', result: { error: /external CA answered 500/ } });
      t.equal(signed.length, 1, 'nothing sent to the station');
      await client.close();
    });
  }
});
