import t from 'tap';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../helpers/server.js';
import { bootPayload, connectStrict, type StrictClient, type Version } from '../helpers/ocpp-clients.js';
import { makePki, ocppSerial } from '../helpers/certificates.js';
import { startTlsServer } from '../helpers/tls-server.js';
import { certificateHashData } from '../../core/certificates.js';

// Issue #14, certificate management, with strict ocpp-rpc stations (1.6 security whitepaper and
// 2.0.1): a CSR made by openssl → SignCertificate → the built-in CA signs → CertificateSigned →
// the station logs in at profile 3 with that certificate; bad CSRs refused; a Rejected
// CertificateSigned recorded; the inventory through Install/GetInstalledCertificateIds/Delete;
// the renewal job asks stations whose certificates near expiry, and the report says what happened.

const PASSWORD = 'certificates-e2e-password';
const ORG = 'Switchyard Test';
const VERSIONS: Version[] = ['ocpp1.6', 'ocpp2.0.1'];

const dir = mkdtempSync(join(tmpdir(), 'sy-csr-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** A new key and CSR made by openssl (independent of the CSMS's DER code). */
function makeCsr(subject: string, key: string[] = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']): { csr: string; key: string } {
  const name = `s${++n}`;
  execFileSync('openssl', ['req', '-new', ...key, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], { cwd: dir, stdio: 'ignore' });
  return { csr: readFileSync(join(dir, `${name}.csr`), 'utf8'), key: readFileSync(join(dir, `${name}.key`), 'utf8') };
}

const SIGN_TYPE: Record<Version, string> = { 'ocpp1.6': 'ChargePointCertificate', 'ocpp2.0.1': 'ChargingStationCertificate', 'ocpp2.1': 'ChargingStationCertificate' };
const signRequest = (version: Version, csr: string) => (version === 'ocpp1.6' ? { csr } : { csr, certificateType: 'ChargingStationCertificate' });

t.test('station certificates end to end', async (t) => {
  const pki = makePki(t);
  const { server, wss } = await startTlsServer(t, pki, {
    CSMS_CERT_ORGANIZATION: ORG,
    // Shorter than the renewal window: what we sign is due for renewal at once.
    CSMS_CERT_VALIDITY_DAYS: '10',
    CSMS_CERT_RENEWAL_DAYS: '30',
    CSMS_CERT_RENEWAL_TICK_SEC: '0',
    CSMS_CERT_RENEWAL_RETRY_SEC: '3600',
    CSMS_LOG_LEVEL: 'info',
  });

  const caRes = await server.apiJson('GET', '/certificates/ca');
  t.equal(caRes.status, 200);
  t.equal(caRes.body.kind, 'builtin');
  const ca = new X509Certificate(caRes.body.certificate);
  t.ok(ca.ca, 'the built-in CA certificate was generated on first start (CA:TRUE)');

  /** What each version's station got: the signed chain and its key, for the profile 3 login. */
  const issued = new Map<Version, { chain: string; key: string }>();

  for (const version of VERSIONS) {
    const id = `CERT-${version}`;
    await server.registerStation(id, PASSWORD);

    t.test(`${version}: CSR → SignCertificate → CertificateSigned → profile 3 with the signed certificate`, async (t) => {
      const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
      await client.call('BootNotification', bootPayload(version));
      const signed: Array<Record<string, unknown>> = [];
      client.handle('CertificateSigned', async ({ params }) => {
        signed.push(params as Record<string, unknown>);
        return { status: 'Accepted' };
      });
      const { csr, key } = makeCsr(`/CN=${id}/O=${ORG}`);
      t.same(await client.call('SignCertificate', signRequest(version, csr)), { status: 'Accepted' });
      await eventually(async () => signed.length > 0, 30_000, 'CertificateSigned');
      const chain = signed[0]!.certificateChain as string;
      if (version === 'ocpp1.6') t.same(Object.keys(signed[0]!), ['certificateChain'], '1.6 whitepaper shape');
      else t.equal(signed[0]!.certificateType, 'ChargingStationCertificate');
      const leaf = new X509Certificate(chain);
      t.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey), 'issued and signed by the built-in CA');
      t.match(leaf.subject, new RegExp(`CN=${id}`));
      t.ok(chain.includes(caRes.body.certificate.trim()), 'the chain carries the CA certificate');
      issued.set(version, { chain, key });

      const request = await eventually(async () => {
        const res = await server.apiJson('GET', `/stations/${id}/requests?action=SignCertificate`);
        return res.body.items?.[0]?.status === 'complete' ? res.body.items[0] : undefined;
      }, 30_000, 'the SignCertificate request complete');
      t.match(request, { action: 'SignCertificate', answer: 'Accepted', progress: 'Accepted', result: { certificateType: SIGN_TYPE[version], serialNumber: ocppSerial(leaf) } });
      const inventory = await server.apiJson('GET', `/stations/${id}/certificates`);
      t.equal(inventory.status, 200);
      t.match(inventory.body.items, [{ certificateType: SIGN_TYPE[version], source: 'signed', hashData: { hashAlgorithm: 'SHA256', serialNumber: ocppSerial(leaf) }, notAfter: new Date(leaf.validTo).toISOString() }]);
      const days = (Date.parse(leaf.validTo) - Date.now()) / 86_400_000;
      t.ok(days > 9 && days <= 10, `valid for CSMS_CERT_VALIDITY_DAYS (${days.toFixed(2)} days)`);
      await client.close();

      // Profile 3 from the next login: the signed certificate is the credential, no password.
      t.equal((await server.apiJson('PUT', `/stations/${id}/security-profile`, { securityProfile: 3 })).status, 200);
      const secure = await connectStrict(t, { endpoint: wss, identity: id, version, wsOpts: { ca: pki.ca, cert: chain, key } });
      t.match(await secure.call('BootNotification', bootPayload(version)), { status: 'Accepted' }, 'logged in at profile 3 with the certificate we signed');
      await secure.close();
    });

    t.test(`${version}: bad CSRs answered Rejected, logged, nothing signed`, async (t) => {
      const client = await connectStrict(t, { endpoint: wss, identity: id, version, wsOpts: { ca: pki.ca, cert: issued.get(version)!.chain, key: issued.get(version)!.key } });
      let signedCalls = 0;
      client.handle('CertificateSigned', async () => {
        signedCalls++;
        return { status: 'Accepted' };
      });
      const good = makeCsr(`/CN=${id}/O=${ORG}`).csr;
      const der = Buffer.from(good.replace(/-----[^-]+-----|\s/g, ''), 'base64');
      der[der.indexOf(Buffer.from(ORG)) + 1] ^= 0x01; // one bit of the signed subject
      const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
      const cases: Array<[string, string]> = [
        ['wrong-common-name', makeCsr(`/CN=SOMEONE-ELSE/O=${ORG}`).csr],
        ['weak-key', makeCsr(`/CN=${id}/O=${ORG}`, ['-newkey', 'rsa:1024']).csr],
        ['wrong-organization', makeCsr(`/CN=${id}/O=Other`).csr],
        ['bad-signature', tampered],
      ];
      for (const [refusal, csr] of cases) {
        const answer = await client.call('SignCertificate', signRequest(version, csr));
        if (version === 'ocpp1.6') t.same(answer, { status: 'Rejected' }, refusal);
        else t.match(answer, { status: 'Rejected', statusInfo: { reasonCode: refusal } }, refusal);
      }
      const requests = await server.apiJson('GET', `/stations/${id}/requests?action=SignCertificate&status=rejected`);
      t.same(requests.body.items.map((r: { error: string }) => r.error).sort(), cases.map(([r]) => r).sort(), 'each recorded with its reason');
      await eventually(async () => (server.output().stdout.match(/certificate signing request refused/g)?.length ?? 0) >= (version === 'ocpp1.6' ? 4 : 8), 10_000, 'log lines');
      const line = server.output().stdout.split('\n').find((l) => l.includes('certificate signing request refused') && l.includes(id) && l.includes('wrong-common-name'));
      t.match(JSON.parse(line!), { stationId: id, refusal: 'wrong-common-name', reason: /SOMEONE-ELSE/ }, 'one JSON line with the station and the reason');
      t.equal(signedCalls, 0, 'no CertificateSigned for a refused CSR');
      t.match(await client.call('Heartbeat', {}), { currentTime: String }, 'the station carries on');
      await client.close();
    });

    t.test(`${version}: a station answering CertificateSigned Rejected: the request fails, nothing listed`, async (t) => {
      const client = await connectStrict(t, { endpoint: wss, identity: id, version, wsOpts: { ca: pki.ca, cert: issued.get(version)!.chain, key: issued.get(version)!.key } });
      let got = 0;
      client.handle('CertificateSigned', async () => {
        got++;
        return { status: 'Rejected' };
      });
      const before = (await server.apiJson('GET', `/stations/${id}/certificates`)).body.items.length;
      t.same(await client.call('SignCertificate', signRequest(version, makeCsr(`/CN=${id}/O=${ORG}`).csr)), { status: 'Accepted' });
      const failed = await eventually(async () => {
        const res = await server.apiJson('GET', `/stations/${id}/requests?action=SignCertificate&status=failed`);
        return res.body.items?.[0];
      }, 30_000, 'the request failed');
      t.match(failed, { status: 'failed', error: 'Rejected', progress: 'Rejected' });
      t.equal(got, 1);
      t.equal((await server.apiJson('GET', `/stations/${id}/certificates`)).body.items.length, before, 'a rejected certificate is not listed');
      await client.close();
    });

    t.test(`${version}: inventory through InstallCertificate, GetInstalledCertificateIds, DeleteCertificate`, async (t) => {
      const client = await connectStrict(t, { endpoint: wss, identity: id, version, wsOpts: { ca: pki.ca, cert: issued.get(version)!.chain, key: issued.get(version)!.key } });
      // The station: a little certificate store of its own, answering with hash data it computes.
      const held = new Map<string, { type: string; pem: string }>();
      const manufacturer = readFileSync(pki.otherCa(`maker-${version}`).cert, 'utf8');
      const csmsRoot = version === 'ocpp1.6' ? 'CentralSystemRootCertificate' : 'CSMSRootCertificate';
      held.set(certificateHashData(manufacturer).serialNumber, { type: 'ManufacturerRootCertificate', pem: manufacturer });
      const installs: Array<Record<string, unknown>> = [];
      client.handle('InstallCertificate', async ({ params }) => {
        const p = params as { certificateType: string; certificate: string };
        installs.push(p);
        held.set(certificateHashData(p.certificate).serialNumber, { type: p.certificateType, pem: p.certificate });
        return { status: 'Accepted' };
      });
      client.handle('GetInstalledCertificateIds', async ({ params }) => {
        const p = params as { certificateType?: string | string[] };
        const types = p.certificateType === undefined ? undefined : ([] as string[]).concat(p.certificateType);
        const mine = [...held.values()].filter((c) => !types || types.includes(c.type));
        if (mine.length === 0) return { status: 'NotFound' };
        if (version === 'ocpp1.6') return { status: 'Accepted', certificateHashData: mine.map((c) => certificateHashData(c.pem)) };
        return { status: 'Accepted', certificateHashDataChain: mine.map((c) => ({ certificateType: c.type, certificateHashData: certificateHashData(c.pem) })) };
      });
      const deletes: Array<Record<string, any>> = [];
      client.handle('DeleteCertificate', async ({ params }) => {
        const p = params as { certificateHashData: { serialNumber: string } };
        deletes.push(p);
        return { status: held.delete(p.certificateHashData.serialNumber) ? 'Accepted' : 'NotFound' };
      });

      const install = await server.apiJson('POST', `/stations/${id}/certificates`, { certificateType: 'CSMSRootCertificate', certificate: pki.ca.toString() });
      t.equal(install.status, 200, JSON.stringify(install.body));
      t.match(install.body, { status: 'Accepted', protocol: version });
      t.equal(installs[0]!.certificateType, csmsRoot, 'the CSMS root type named as the station’s version names it');
      const root = install.body.certificates.find((c: { source: string }) => c.source === 'installed');
      t.match(root, { certificateType: csmsRoot, notAfter: new Date(new X509Certificate(pki.ca).validTo).toISOString(), hashData: certificateHashData(pki.ca.toString()) });

      const query = await server.apiJson('POST', `/stations/${id}/certificates/query`, { certificateTypes: ['ManufacturerRootCertificate'] });
      t.equal(query.status, 200, JSON.stringify(query.body));
      t.match(query.body.certificates.filter((c: { source: string }) => c.source === 'reported'), [
        { certificateType: 'ManufacturerRootCertificate', notAfter: null, hashData: certificateHashData(manufacturer) },
      ], 'what the station reported is listed');
      // Asking for the CSMS root keeps what we knew of the one we installed (its expiry).
      await server.apiJson('POST', `/stations/${id}/certificates/query`, { certificateTypes: [csmsRoot] });
      t.match((await server.apiJson('GET', `/stations/${id}/certificates`)).body.items.find((c: { id: string }) => c.id === root.id), { source: 'installed', notAfter: root.notAfter });
      if (version === 'ocpp1.6') {
        const all = await server.apiJson('POST', `/stations/${id}/certificates/query`, {});
        t.equal(all.status, 400, '1.6 names exactly one type');
        t.equal(all.body.code, 'VALIDATION_FAILED');
      }

      const removed = await server.apiJson('DELETE', `/stations/${id}/certificates/${encodeURIComponent(root.id)}`);
      t.equal(removed.status, 200, JSON.stringify(removed.body));
      t.match(removed.body, { status: 'Accepted' });
      t.same(deletes[0]!.certificateHashData, certificateHashData(pki.ca.toString()), 'DeleteCertificate carries the hash data');
      t.notOk(removed.body.certificates.some((c: { id: string }) => c.id === root.id), 'gone from the inventory');
      const missing = await server.apiJson('DELETE', `/stations/${id}/certificates/${encodeURIComponent(root.id)}`);
      t.equal(missing.status, 404);
      t.equal(missing.body.code, 'CERTIFICATE_NOT_FOUND');
      await client.close();
    });
  }

  t.test('renewal job: stations whose certificates near expiry are asked to renew, then renew; the report says so', async (t) => {
    const clients = new Map<Version, StrictClient>();
    const asked: Array<[Version, string, Record<string, unknown>]> = [];
    for (const version of VERSIONS) {
      const id = `CERT-${version}`;
      const client = await connectStrict(t, { endpoint: wss, identity: id, version, wsOpts: { ca: pki.ca, cert: issued.get(version)!.chain, key: issued.get(version)!.key } });
      clients.set(version, client);
      for (const action of ['TriggerMessage', 'ExtendedTriggerMessage']) {
        client.handle(action, async ({ params }) => {
          asked.push([version, action, params as Record<string, unknown>]);
          return { status: 'Accepted' };
        });
      }
      client.handle('CertificateSigned', async () => ({ status: 'Accepted' }));
    }
    const pass = await server.apiJson('POST', '/certificates/renewals/run');
    t.same(pass.body, { leased: true, triggered: 2, failed: 0 });
    t.same(asked.map(([v, a, p]) => [v, a, p.requestedMessage]).sort(), [
      ['ocpp1.6', 'ExtendedTriggerMessage', 'SignChargePointCertificate'],
      ['ocpp2.0.1', 'TriggerMessage', 'SignChargingStationCertificate'],
    ]);
    let report = await server.apiJson('GET', '/certificates/renewals');
    t.same(report.body.items.map((c: any) => [c.stationId, c.renewal.status, c.renewal.attempts]).sort(), [
      ['CERT-ocpp1.6', 'triggered', 1],
      ['CERT-ocpp2.0.1', 'triggered', 1],
    ]);
    t.same((await server.apiJson('POST', '/certificates/renewals/run')).body, { leased: true, triggered: 0, failed: 0 }, 'asked recently: not asked again within the retry interval');

    // Each station does what the trigger asks: a new key, a new CSR.
    for (const version of VERSIONS) {
      const id = `CERT-${version}`;
      t.same(await clients.get(version)!.call('SignCertificate', signRequest(version, makeCsr(`/CN=${id}/O=${ORG}`).csr)), { status: 'Accepted' });
    }
    report = await eventually(async () => {
      const res = await server.apiJson('GET', '/certificates/renewals');
      return res.body.items.every((c: any) => c.renewal.status === 'renewed') && res.body.items.length === 2 ? res : undefined;
    }, 30_000, 'both renewed');
    for (const item of report.body.items) {
      const list = (await server.apiJson('GET', `/stations/${item.stationId}/certificates`)).body.items.filter((c: any) => c.source === 'signed');
      t.equal(list.length, 2, `${item.stationId}: the old and the new certificate`);
      const fresh = list.find((c: any) => c.id !== item.id);
      t.equal(item.renewal.renewedBy, fresh.hashData.serialNumber, 'renewedBy names the new certificate');
    }

    // Disconnected stations: the (equally short-lived) new certificates are due, never asked yet; asking fails and is reported.
    for (const client of clients.values()) await client.close();
    const offline = await server.apiJson('POST', '/certificates/renewals/run');
    t.same(offline.body, { leased: true, triggered: 0, failed: 2 });
    report = await server.apiJson('GET', '/certificates/renewals');
    t.same(report.body.items.filter((c: any) => c.renewal.status === 'failed').map((c: any) => c.renewal.error), ['disconnected', 'disconnected']);
  });
});
