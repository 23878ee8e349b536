import t from 'tap';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { certificateHashData } from '../../core/ocsp.js';
import { freePort, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict, type StrictClient } from '../helpers/ocpp-clients.js';
import { makeOcspPki, opensslMissing } from '../helpers/ocsp-responder.js';

// ISO 15118 Plug & Charge end to end (issue #14): strict ocpp-rpc stations ask a running node for
// certificate status (a real OCSP exchange with `openssl ocsp`, started here), authorize contracts
// (C07) and request contract certificates from an HTTP provider started here.

const missing = opensslMissing();
if (missing) {
  t.plan(0, missing);
  process.exit(0);
}

const PASSWORD = 'plug-and-charge-password';

/** What openssl itself reads in a base64 OCSP response: the certificate's status line. */
function opensslStatus(dir: string, ocspResult: string): string {
  const file = join(dir, `resp-${Math.random().toString(16).slice(2)}.der`);
  writeFileSync(file, Buffer.from(ocspResult, 'base64'));
  const text = execFileSync('openssl', ['ocsp', '-respin', file, '-resp_text', '-noverify'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  return /Cert Status: (\w+)/.exec(text)?.[1] ?? text;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body));
  });
}

t.test('Plug & Charge: GetCertificateStatus, Authorize with contract certificates, Get15118EVCertificate', async (t) => {
  const pki = makeOcspPki(t);
  const ocspPort = await freePort();
  const ocspUrl = `http://127.0.0.1:${ocspPort}/`;
  const good = pki.issue('DE8AAC0FFEE0001', 'good', { ocspUrl });
  const revoked = pki.issue('DE8AAC0FFEE0002', 'revoked', { ocspUrl });
  const unknown = pki.issue('DE8AAC0FFEE0003', 'unknown', { ocspUrl });
  const cachedLater = pki.issue('DE8AAC0FFEE0004', 'good', { ocspUrl });
  const responder = await pki.start(t, { port: ocspPort });
  const caFile = join(pki.dir, 'ca.pem');

  // The contract-certificate provider: answers one known EXI request, fails the rest.
  const exiKnown = Buffer.from('CertificateInstallationReq for EV 1').toString('base64');
  const exiAnswer = Buffer.from('CertificateInstallationRes for EV 1').toString('base64');
  const received: Array<Record<string, unknown>> = [];
  const provider = createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    received.push({ ...body, authorization: req.headers.authorization });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body.exiRequest === exiKnown ? { status: 'Accepted', exiResponse: exiAnswer } : { status: 'Failed', reason: 'no contract for this EV' }));
  });
  const providerPort = await freePort();
  await new Promise<void>((r) => provider.listen(providerPort, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => provider.close(() => r())));

  const server = await startServer(t, {
    env: {
      CSMS_OCSP_CACHE_SEC: '600',
      CSMS_PNC_CA_FILE: caFile,
      CSMS_CONTRACT_CERT_PROVIDER: 'http',
      CSMS_CONTRACT_CERT_URL: `http://127.0.0.1:${providerPort}/contracts`,
      CSMS_CONTRACT_CERT_TOKEN: 'provider-secret',
    },
  });
  await server.registerStation('PNC-201', PASSWORD);
  await server.registerStation('PNC-21', PASSWORD);
  await server.registerStation('PNC-16', PASSWORD);
  for (const emaid of ['DE8AAC0FFEE0001', 'DE8AAC0FFEE0002', 'DE8AAC0FFEE0003']) {
    t.equal((await server.apiJson('POST', '/tokens', { idToken: emaid, type: 'eMAID' })).status, 201);
  }
  const station = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'PNC-201', password: PASSWORD, version: 'ocpp2.0.1' });
  t.equal(((await station.call('BootNotification', bootPayload('ocpp2.0.1'))) as { status: string }).status, 'Accepted');
  const request = (cert: typeof good) => ({ ...certificateHashData(cert.cert, pki.ca.cert), responderURL: ocspUrl });
  const status = (c: StrictClient, cert: typeof good) => c.call('GetCertificateStatus', { ocspRequestData: request(cert) }) as Promise<{ status: string; ocspResult?: string; statusInfo?: { reasonCode: string } }>;

  t.test('GetCertificateStatus: the responder\'s answer for good, revoked and unknown certificates', async (t) => {
    for (const [cert, expected] of [[good, 'good'], [revoked, 'revoked'], [unknown, 'unknown']] as const) {
      const answer = await status(station, cert);
      t.equal(answer.status, 'Accepted', `${expected}: looked up ${JSON.stringify(answer.statusInfo ?? '')}`);
      t.equal(opensslStatus(pki.dir, answer.ocspResult!), expected, `${expected}: openssl reads the same status in ocspResult`);
    }
    const sha512 = await station.call('GetCertificateStatus', { ocspRequestData: { ...certificateHashData(good.cert, pki.ca.cert, 'SHA512'), responderURL: ocspUrl } }) as { status: string; ocspResult: string };
    t.equal(opensslStatus(pki.dir, sha512.ocspResult), 'good', 'SHA512 hash data');
  });

  t.test('GetCertificateStatus: Failed when the responder cannot be reached or is not http(s)', async (t) => {
    const deadPort = await freePort();
    const dead = await station.call('GetCertificateStatus', { ocspRequestData: { ...request(good), responderURL: `http://127.0.0.1:${deadPort}/` } }) as { status: string; statusInfo: { reasonCode: string } };
    t.match(dead, { status: 'Failed', statusInfo: { reasonCode: 'ResponderUnreachable' } });
    const file = await station.call('GetCertificateStatus', { ocspRequestData: { ...request(good), responderURL: 'file:///etc/passwd' } }) as { status: string };
    t.match(file, { status: 'Failed', statusInfo: { reasonCode: 'ResponderUnreachable' } });
  });

  t.test('Authorize (C07) with iso15118CertificateHashData and with a contract certificate', async (t) => {
    const authorize = (payload: Record<string, unknown>) => station.call('Authorize', payload) as Promise<{ idTokenInfo: { status: string }; certificateStatus?: string }>;
    const eMAID = (id: string) => ({ idToken: id, type: 'eMAID' });
    t.match(await authorize({ idToken: eMAID('DE8AAC0FFEE0001'), iso15118CertificateHashData: [request(good)] }), { idTokenInfo: { status: 'Accepted' }, certificateStatus: 'Accepted' }, 'good contract');
    t.match(await authorize({ idToken: eMAID('DE8AAC0FFEE0002'), iso15118CertificateHashData: [request(revoked)] }), { idTokenInfo: { status: 'Invalid' }, certificateStatus: 'CertificateRevoked' }, 'revoked contract');
    t.match(await authorize({ idToken: eMAID('DE8AAC0FFEE0003'), iso15118CertificateHashData: [request(unknown)] }), { idTokenInfo: { status: 'Invalid' }, certificateStatus: 'CertChainError' }, 'certificate unknown to its responder');
    t.match(await authorize({ idToken: eMAID('DE8AAC0FFEE0001'), certificate: good.pem }), { idTokenInfo: { status: 'Accepted' }, certificateStatus: 'Accepted' }, 'PEM chain to the configured root, OCSP from its AIA');
    t.match(await authorize({ idToken: eMAID('DE8AAC0FFEE0002'), certificate: revoked.pem }), { idTokenInfo: { status: 'Invalid' }, certificateStatus: 'CertificateRevoked' });
    t.match(await authorize({ idToken: eMAID('DE8AAC0FFEE0002'), certificate: good.pem }), { certificateStatus: 'CertChainError' }, 'a certificate of another eMAID');
    const stranger = makeOcspPki(t).issue('DE8AAC0FFEE0001', 'good', { ocspUrl });
    t.match(await authorize({ idToken: eMAID('DE8AAC0FFEE0001'), certificate: stranger.pem }), { idTokenInfo: { status: 'Invalid' }, certificateStatus: 'CertChainError' }, 'a chain to an unknown root');
    const plain = await authorize({ idToken: eMAID('DE8AAC0FFEE0001') });
    t.equal(plain.idTokenInfo.status, 'Accepted');
    t.notOk('certificateStatus' in plain, 'no certificate, no certificateStatus');
  });

  t.test('Get15118EVCertificate: the provider\'s answer, Accepted or Failed', async (t) => {
    const accepted = await station.call('Get15118EVCertificate', { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: exiKnown });
    t.same(accepted, { status: 'Accepted', exiResponse: exiAnswer });
    t.match(received[0], { tenantId: 'default', stationId: 'PNC-201', action: 'Install', exiRequest: exiKnown, iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', authorization: 'Bearer provider-secret' });
    const failed = await station.call('Get15118EVCertificate', { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Update', exiRequest: 'AAAA' });
    t.match(failed, { status: 'Failed', exiResponse: '', statusInfo: { reasonCode: 'ProviderFailed', additionalInfo: 'no contract for this EV' } });
  });

  t.test('1.6: the same messages in DataTransfer (vendorId org.openchargealliance.iso15118pnc)', async (t) => {
    const v16 = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'PNC-16', password: PASSWORD, version: 'ocpp1.6' });
    t.equal(((await v16.call('BootNotification', bootPayload('ocpp1.6'))) as { status: string }).status, 'Accepted');
    const pnc = async (messageId: string, request: unknown) => {
      const answer = (await v16.call('DataTransfer', { vendorId: 'org.openchargealliance.iso15118pnc', messageId, data: JSON.stringify(request) })) as { status: string; data?: string };
      return { status: answer.status, data: answer.data === undefined ? undefined : JSON.parse(answer.data) };
    };
    const looked = await pnc('GetCertificateStatus', { ocspRequestData: request(revoked) });
    t.match(looked, { status: 'Accepted', data: { status: 'Accepted', ocspResult: String } });
    t.equal(opensslStatus(pki.dir, looked.data.ocspResult), 'revoked');
    t.match(await pnc('Authorize', { idToken: { idToken: 'DE8AAC0FFEE0001', type: 'eMAID' }, iso15118CertificateHashData: [request(good)] }), {
      status: 'Accepted',
      data: { idTokenInfo: { status: 'Accepted' }, certificateStatus: 'Accepted' },
    });
    t.match(await pnc('Authorize', { idToken: { idToken: 'DE8AAC0FFEE0002', type: 'eMAID' }, iso15118CertificateHashData: [request(revoked)] }), {
      data: { idTokenInfo: { status: 'Invalid' }, certificateStatus: 'CertificateRevoked' },
    });
    t.match(await pnc('Get15118EVCertificate', { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: exiKnown }), { data: { status: 'Accepted', exiResponse: exiAnswer } });
    t.same(await pnc('SomethingElse', {}), { status: 'UnknownMessageId', data: undefined });
    const raw = (await v16.call('DataTransfer', { vendorId: 'org.openchargealliance.iso15118pnc', messageId: 'GetCertificateStatus', data: 'not json' })) as { status: string };
    t.equal(raw.status, 'Rejected', 'data that is not JSON');
  });

  t.test('2.1 GetCertificateChainStatus', async (t) => {
    const v21 = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'PNC-21', password: PASSWORD, version: 'ocpp2.1' });
    t.equal(((await v21.call('BootNotification', bootPayload('ocpp2.1'))) as { status: string }).status, 'Accepted');
    const answer = (await v21.call('GetCertificateChainStatus', {
      certificateStatusRequests: [
        { certificateHashData: certificateHashData(good.cert, pki.ca.cert), source: 'OCSP', urls: [ocspUrl] },
        { certificateHashData: certificateHashData(revoked.cert, pki.ca.cert), source: 'OCSP', urls: [`http://127.0.0.1:${await freePort()}/`, ocspUrl] },
        { certificateHashData: certificateHashData(unknown.cert, pki.ca.cert), source: 'OCSP', urls: [ocspUrl] },
        { certificateHashData: certificateHashData(good.cert, pki.ca.cert), source: 'CRL', urls: ['http://127.0.0.1:1/ca.crl'] },
      ],
    })) as { certificateStatus: Array<{ status: string; nextUpdate: string }> };
    t.same(answer.certificateStatus.map((s) => s.status), ['Good', 'Revoked', 'Unknown', 'Failed'], 'a dead first URL is skipped; CRL not supported');
    t.ok(Date.parse(answer.certificateStatus[0]!.nextUpdate) > Date.now(), 'nextUpdate from the responder');
  });

  t.test('answers are cached (CSMS_OCSP_CACHE_SEC): with the responder stopped, a looked-up certificate still answers', async (t) => {
    await responder.stop();
    const again = await status(station, good);
    t.equal(again.status, 'Accepted', 'from the cache');
    t.equal(opensslStatus(pki.dir, again.ocspResult!), 'good');
    t.match(await status(station, cachedLater), { status: 'Failed', statusInfo: { reasonCode: 'ResponderUnreachable' } }, 'never looked up: the responder is needed');
  });
});

t.test('no provider configured: Get15118EVCertificate fails with the reason; local provider answers from its file', async (t) => {
  const exi = Buffer.from('CertificateInstallationReq for EV 2').toString('base64');
  const file = join(t.testdirName, 'contracts.json');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(t.testdirName, { recursive: true });
  writeFileSync(file, JSON.stringify({ [createHash('sha256').update(exi).digest('hex')]: { status: 'Accepted', exiResponse: 'QUJD', remainingContracts: 0 } }));
  const server = await startServer(t, { env: { CSMS_CONTRACT_CERT_PROVIDER: 'local', CSMS_CONTRACT_CERT_FILE: file } });
  await server.registerStation('PNC-LOCAL', PASSWORD);
  const station = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'PNC-LOCAL', password: PASSWORD, version: 'ocpp2.1' });
  await station.call('BootNotification', bootPayload('ocpp2.1'));
  t.same(await station.call('Get15118EVCertificate', { iso15118SchemaVersion: 'urn:iso:std:iso:15118:-20:CommonMessages', action: 'Install', exiRequest: exi }), { status: 'Accepted', exiResponse: 'QUJD', remainingContracts: 0 });
  t.match(await station.call('Get15118EVCertificate', { iso15118SchemaVersion: 'x', action: 'Install', exiRequest: 'QQ==' }), { status: 'Failed', exiResponse: '' });
});
