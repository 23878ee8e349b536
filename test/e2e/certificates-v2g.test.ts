import t from 'tap';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';
import { ocppSerial } from '../helpers/certificates.js';

// Issue #14: SignCertificate with certificateType V2GCertificate (ISO 15118-2 SECC certificates),
// with strict ocpp-rpc 2.0.1 stations and CSRs made by openssl: signed by the V2G sub-CA on the
// pool (built in under a private V2G root, or configured files), sent as CertificateSigned with
// certificateType V2GCertificate, recorded in the inventory; CSRs outside the 15118-2 profile are
// refused; with an external station CA and no V2G files, refused with `no-v2g-ca`.

const PASSWORD = 'certificates-v2g-password';
const ORG = 'Switchyard Test CPO';
const SECC_ID = 'DE*SWY*E0001*1';

const dir = mkdtempSync(join(tmpdir(), 'sy-v2g-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];

/** A new key and CSR made by openssl (independent of the CSMS's DER code). */
function makeCsr(subject: string, key: string[] = P256): string {
  const name = `s${++n}`;
  openssl(['req', '-new', ...key, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  return readFileSync(join(dir, `${name}.csr`), 'utf8');
}

/** `openssl x509 -text` of a PEM certificate. */
function text(pem: string): string {
  const file = join(dir, `t${++n}.pem`);
  writeFileSync(file, pem);
  return openssl(['x509', '-in', file, '-noout', '-text']);
}

/** openssl's verdict on a leaf with its sub-CA chain against a root: 'OK' or its error. */
function verify(root: string, chain: string[]): string {
  const [leaf, ...untrusted] = chain;
  writeFileSync(join(dir, 'root.pem'), root);
  writeFileSync(join(dir, 'untrusted.pem'), untrusted.join(''));
  writeFileSync(join(dir, 'leaf.pem'), leaf!);
  try {
    return openssl(['verify', '-x509_strict', '-CAfile', 'root.pem', '-untrusted', 'untrusted.pem', 'leaf.pem']).trim();
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error);
  }
}

const pemBlocks = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];

t.test('built-in V2G sub-CA: SECC CSR → SignCertificate → CertificateSigned V2GCertificate → inventory', async (t) => {
  const server = await startServer(t, { env: { CSMS_CERT_ORGANIZATION: ORG, CSMS_LOG_LEVEL: 'info' } });
  const v2gCa = await server.apiJson('GET', '/certificates/v2g-ca');
  t.equal(v2gCa.status, 200);
  const root = new X509Certificate(v2gCa.body.root);
  const subCa = new X509Certificate(v2gCa.body.chain);
  t.ok(root.ca && root.checkIssued(root), 'a private V2G root, self-signed');
  t.ok(subCa.ca && subCa.checkIssued(root) && subCa.verify(root.publicKey), 'the CPO sub-CA under it');
  t.equal(subCa.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1', 'EC P-256 (ISO 15118-2)');
  const station = (await server.apiJson('GET', '/certificates/ca')).body.certificate as string;
  t.not(new X509Certificate(station).fingerprint256, root.fingerprint256, 'not the station CA (P-384, pathLen 0)');

  const id = 'V2G-201';
  await server.registerStation(id, PASSWORD);
  const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version: 'ocpp2.0.1' });
  await client.call('BootNotification', bootPayload('ocpp2.0.1'));
  const signed: Array<Record<string, unknown>> = [];
  client.handle('CertificateSigned', async ({ params }) => {
    signed.push(params as Record<string, unknown>);
    return { status: 'Accepted' };
  });
  // The station's SECC id, as its device model reports it (ISO15118Ctrlr.SeccId of EVSE 1).
  t.same(await client.call('NotifyEvent', {
    generatedAt: new Date().toISOString(), seqNo: 0,
    eventData: [{ eventId: 1, timestamp: new Date().toISOString(), trigger: 'Delta', actualValue: SECC_ID, component: { name: 'ISO15118Ctrlr', evse: { id: 1 } }, variable: { name: 'SeccId' }, eventNotificationType: 'HardWiredNotification' }],
  }), {});
  await eventually(async () => {
    const model = await server.apiJson('GET', `/stations/${id}/device-model?component=ISO15118Ctrlr`);
    return model.body.items?.length > 0;
  }, 10_000, 'the SECC id in the device model');

  t.test('bad V2G CSRs are refused with the reason', async (t) => {
    const cases: Array<[string, string]> = [
      ['wrong-common-name', makeCsr(`/CN=${id}/O=${ORG}`)], // the station id is not its SECC id
      ['weak-key', makeCsr(`/CN=${SECC_ID}/O=${ORG}`, ['-newkey', 'rsa:2048'])], // fine for a station certificate, not for 15118-2
      ['weak-key', makeCsr(`/CN=${SECC_ID}/O=${ORG}`, ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1'])],
      ['wrong-organization', makeCsr(`/CN=${SECC_ID}/O=Other`)],
    ];
    for (const [refusal, csr] of cases) {
      t.match(await client.call('SignCertificate', { csr, certificateType: 'V2GCertificate' }), { status: 'Rejected', statusInfo: { reasonCode: refusal } }, refusal);
    }
    t.equal(signed.length, 0, 'nothing signed');
  });

  t.test('an SECC CSR is signed by the V2G sub-CA with the 15118-2 profile', async (t) => {
    const csr = makeCsr(`/CN=${SECC_ID}/O=${ORG}/C=DE/DC=CPO`);
    t.same(await client.call('SignCertificate', { csr, certificateType: 'V2GCertificate' }), { status: 'Accepted' });
    await eventually(async () => signed.length > 0, 30_000, 'CertificateSigned');
    t.equal(signed[0]!.certificateType, 'V2GCertificate', 'sent as a V2GCertificate');
    const chain = pemBlocks(signed[0]!.certificateChain as string);
    t.equal(chain.length, 2, 'leaf + sub-CA, without the root (the EV holds it)');
    const leaf = new X509Certificate(chain[0]!);
    t.equal(new X509Certificate(chain[1]!).fingerprint256, subCa.fingerprint256);
    t.equal(verify(v2gCa.body.root, chain), 'leaf.pem: OK', 'openssl verifies the chain to the V2G root');
    t.match(leaf.subject, new RegExp(`CN=${SECC_ID.replace(/\*/g, '\\*')}`), 'CN = the SECC id');
    const x = text(chain[0]!);
    t.match(x, /Signature Algorithm: ecdsa-with-SHA256/);
    t.match(x, /X509v3 Basic Constraints: critical\s+CA:FALSE/);
    t.match(x, /X509v3 Key Usage: critical\s+Digital Signature, Key Agreement/);
    t.notMatch(x, /Extended Key Usage/, 'no clientAuth: an SECC is a TLS server to the EV');
    const days = (Date.parse(leaf.validTo) - Date.now()) / 86_400_000;
    t.ok(days > 59 && days <= 60, `valid for CSMS_V2G_CERT_VALIDITY_DAYS, default 60 (${days.toFixed(2)} days)`);

    const request = await eventually(async () => {
      const res = await server.apiJson('GET', `/stations/${id}/requests?action=SignCertificate&status=complete`);
      return res.body.items?.[0];
    }, 30_000, 'the SignCertificate request complete');
    t.match(request, { answer: 'Accepted', result: { certificateType: 'V2GCertificate', serialNumber: ocppSerial(leaf) } });
    const inventory = await server.apiJson('GET', `/stations/${id}/certificates`);
    t.match(inventory.body.items, [{ certificateType: 'V2GCertificate', source: 'signed', hashData: { serialNumber: ocppSerial(leaf) }, notAfter: new Date(leaf.validTo).toISOString() }]);
    t.ok(server.output().stdout.includes('"V2G sub-CA loaded"'), 'the sub-CA is logged at start');
  });

  t.test('a station without a reported SECC id may ask for any SECC CN', async (t) => {
    await server.registerStation('V2G-NEW', PASSWORD);
    const fresh = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'V2G-NEW', password: PASSWORD, version: 'ocpp2.0.1' });
    await fresh.call('BootNotification', bootPayload('ocpp2.0.1'));
    const got: unknown[] = [];
    fresh.handle('CertificateSigned', async ({ params }) => {
      got.push(params);
      return { status: 'Accepted' };
    });
    t.same(await fresh.call('SignCertificate', { csr: makeCsr(`/CN=NL*SWY*E7*1/O=${ORG}`), certificateType: 'V2GCertificate' }), { status: 'Accepted' });
    await eventually(async () => got.length > 0, 30_000, 'CertificateSigned');
    await fresh.close();
  });
});

t.test('external station CA: V2G CSRs refused without V2G files, signed locally with them', async (t) => {
  // A CPO sub-CA of some V2G PKI, made by openssl: root (pathLen 1) → sub-CA (pathLen 0).
  openssl(['req', '-x509', ...P256, '-nodes', '-keyout', 'v2g-root.key', '-out', 'v2g-root.pem', '-days', '30', '-subj', '/CN=Test V2G Root',
    '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:1', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', '-new', ...P256, '-nodes', '-keyout', 'cpo-sub.key', '-out', 'cpo-sub.csr', '-subj', '/CN=Test CPO Sub-CA']);
  writeFileSync(join(dir, 'cpo-sub.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
  openssl(['x509', '-req', '-in', 'cpo-sub.csr', '-CA', 'v2g-root.pem', '-CAkey', 'v2g-root.key', '-set_serial', '77', '-days', '30', '-extfile', 'cpo-sub.ext', '-out', 'cpo-sub.pem']);
  // Nothing listens there: a V2G request reaching the external CA would fail the signing.
  const external = { CSMS_CA_SIGN_URL: 'http://127.0.0.1:9/sign', CSMS_LOG_LEVEL: 'info' };

  t.test('no V2G files: refused with no-v2g-ca', async (t) => {
    const server = await startServer(t, { env: external });
    t.equal((await server.apiJson('GET', '/certificates/v2g-ca')).status, 404);
    await server.registerStation('V2G-EXT', PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'V2G-EXT', password: PASSWORD, version: 'ocpp2.0.1' });
    await client.call('BootNotification', bootPayload('ocpp2.0.1'));
    t.match(await client.call('SignCertificate', { csr: makeCsr(`/CN=${SECC_ID}`), certificateType: 'V2GCertificate' }), { status: 'Rejected', statusInfo: { reasonCode: 'no-v2g-ca', additionalInfo: /CSMS_V2G_CA_CERT_FILE/ } });
    t.ok(await eventually(async () => server.output().stdout.includes('"refusal":"no-v2g-ca"'), 30_000, 'the log line'), 'logged with the reason');
    await client.close();
  });

  t.test('CSMS_V2G_CA_CERT_FILE / KEY_FILE: signed by that sub-CA', async (t) => {
    const server = await startServer(t, { env: { ...external, CSMS_V2G_CA_CERT_FILE: join(dir, 'cpo-sub.pem'), CSMS_V2G_CA_KEY_FILE: join(dir, 'cpo-sub.key') } });
    const v2gCa = await server.apiJson('GET', '/certificates/v2g-ca');
    t.match(v2gCa.body, { root: null, chain: /BEGIN CERTIFICATE/ }, 'the root is the V2G PKI\'s, not ours');
    await server.registerStation('V2G-FILES', PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'V2G-FILES', password: PASSWORD, version: 'ocpp2.0.1' });
    await client.call('BootNotification', bootPayload('ocpp2.0.1'));
    const signed: Array<Record<string, unknown>> = [];
    client.handle('CertificateSigned', async ({ params }) => {
      signed.push(params as Record<string, unknown>);
      return { status: 'Accepted' };
    });
    t.same(await client.call('SignCertificate', { csr: makeCsr(`/CN=${SECC_ID}`), certificateType: 'V2GCertificate' }), { status: 'Accepted' });
    await eventually(async () => signed.length > 0, 30_000, 'CertificateSigned');
    const chain = pemBlocks(signed[0]!.certificateChain as string);
    t.equal(verify(readFileSync(join(dir, 'v2g-root.pem'), 'utf8'), chain), 'leaf.pem: OK', 'chains to the V2G PKI root through the configured sub-CA');
    t.equal(signed[0]!.certificateType, 'V2GCertificate');
    await eventually(async () => (await server.apiJson('GET', '/stations/V2G-FILES/certificates')).body.items?.length === 1, 10_000, 'the inventory');
    await client.close();
  });
});
