import t from 'tap';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateHashData, certificateId, checkCsr, checkV2gCsr, createCaCertificate, issueCertificate } from '../../core/certificates.js';

// CSRs made by openssl (an independent implementation), certificates checked by node and openssl.

const dir = mkdtempSync(join(tmpdir(), 'sy-certs-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function csr(subject: string, key: string[]): string {
  const name = `r${++n}`;
  execFileSync('openssl', ['req', '-new', ...key, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], { cwd: dir, stdio: 'ignore' });
  return readFileSync(join(dir, `${name}.csr`), 'utf8');
}
const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
const P384 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1'];

function makeCa(type: 'ec' | 'rsa' = 'ec') {
  const { privateKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const certPem = createCaCertificate({ keyPem, commonName: 'Test Station CA', organization: 'Switchyard', serialNumber: '01', notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000) });
  return { keyPem, certPem };
}

t.test('checkCsr accepts a good CSR and refuses wrong CN, wrong O, weak keys, bad signatures', async (t) => {
  const good = csr('/CN=CP-1/O=Acme', P256);
  t.match(checkCsr(good, { stationId: 'CP-1', organization: 'Acme' }), { ok: true, csr: { commonName: 'CP-1', organization: 'Acme', key: 'ec-prime256v1' } });
  t.match(checkCsr(csr('/CN=CP-1', P384), { stationId: 'CP-1' }), { ok: true, csr: { key: 'ec-secp384r1' } }, 'P-384, O not checked when unset');
  t.match(checkCsr(csr('/CN=CP-1', ['-newkey', 'rsa:2048']), { stationId: 'CP-1' }), { ok: true, csr: { key: 'rsa-2048' } });
  t.match(checkCsr(good, { stationId: 'CP-2' }), { ok: false, refusal: 'wrong-common-name' });
  t.match(checkCsr(good, { stationId: 'CP-1', organization: 'Other' }), { ok: false, refusal: 'wrong-organization' });
  t.match(checkCsr(csr('/CN=CP-1', ['-newkey', 'rsa:1024']), { stationId: 'CP-1' }), { ok: false, refusal: 'weak-key' });
  t.match(checkCsr(csr('/CN=CP-1', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp521r1']), { stationId: 'CP-1' }), { ok: false, refusal: 'weak-key' }, 'P-521 is not on the list');
  // Flip one byte inside the signed part (the subject's CN): the signature no longer verifies.
  const der = Buffer.from(good.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const at = der.indexOf(Buffer.from('CP-1'));
  der[at + 3] = '2'.charCodeAt(0);
  const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  t.match(checkCsr(tampered, { stationId: 'CP-2', organization: 'Acme' }), { ok: false, refusal: 'bad-signature' });
  t.match(checkCsr('not a csr', { stationId: 'CP-1' }), { ok: false, refusal: 'unparsable' });
  t.match(checkCsr('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----', { stationId: 'CP-1' }), { ok: false, refusal: 'unparsable' });
});

for (const caType of ['ec', 'rsa'] as const) {
  t.test(`issueCertificate (${caType} CA): a client certificate that chains to the CA, as node and openssl read it`, async (t) => {
    const ca = makeCa(caType);
    const caCert = new X509Certificate(ca.certPem);
    t.ok(caCert.ca, 'the CA certificate says CA:TRUE');
    t.ok(caCert.verify(caCert.publicKey), 'self-signed');
    for (const key of [P256, ['-newkey', 'rsa:2048']]) {
      const request = csr('/CN=CP-7/O=Acme', key);
      const notAfter = new Date(Date.now() + 10 * 86_400_000);
      const pem = issueCertificate({ csrPem: request, caCertPem: ca.certPem, caKeyPem: ca.keyPem, serialNumber: '00ab12', notBefore: new Date(Date.now() - 60_000), notAfter });
      const leaf = new X509Certificate(pem);
      t.ok(leaf.verify(caCert.publicKey), 'signed by the CA key');
      t.ok(leaf.checkIssued(caCert), 'issued by the CA');
      t.equal(leaf.subject, 'CN=CP-7\nO=Acme');
      t.equal(leaf.serialNumber, 'AB12');
      t.equal(leaf.ca, false);
      t.equal(new Date(leaf.validTo).getTime(), Math.floor(notAfter.getTime() / 1000) * 1000);
      t.same(leaf.keyUsage, ['1.3.6.1.5.5.7.3.2'], 'extendedKeyUsage clientAuth');
      writeFileSync(join(dir, 'ca.pem'), ca.certPem);
      writeFileSync(join(dir, 'leaf.pem'), pem);
      const out = execFileSync('openssl', ['verify', '-purpose', 'sslclient', '-CAfile', 'ca.pem', 'leaf.pem'], { cwd: dir }).toString();
      t.match(out, /leaf\.pem: OK/, 'openssl verifies the chain for client auth');
    }
  });
}

t.test('certificateHashData matches what openssl computes for OCSP (issuer name and key hash)', async (t) => {
  const ca = makeCa();
  const pem = issueCertificate({ csrPem: csr('/CN=CP-9', P256), caCertPem: ca.certPem, caKeyPem: ca.keyPem, serialNumber: '0fedcba987', notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000) });
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  writeFileSync(join(dir, 'leaf.pem'), pem);
  // `openssl ocsp -reqout` writes a request whose CertID carries SHA-1 hashes; with -sha256 the SHA-256 ones.
  execFileSync('openssl', ['ocsp', '-issuer', 'ca.pem', '-sha256', '-cert', 'leaf.pem', '-no_nonce', '-reqout', 'req.der'], { cwd: dir, stdio: 'ignore' });
  const text = execFileSync('openssl', ['ocsp', '-reqin', 'req.der', '-req_text'], { cwd: dir }).toString();
  const field = (name: string) => new RegExp(`${name}: ([0-9A-F]+)`).exec(text)![1]!.toLowerCase();
  const hash = certificateHashData(pem, ca.certPem);
  t.equal(hash.issuerNameHash, field('Issuer Name Hash'));
  t.equal(hash.issuerKeyHash, field('Issuer Key Hash'));
  t.equal(hash.serialNumber, 'FEDCBA987');
  t.equal(certificateId({ ...hash, serialNumber: '0fedcba987' }), certificateId(hash), 'serials compare without case or leading zeros');
  const root = certificateHashData(ca.certPem);
  t.equal(root.issuerNameHash, hash.issuerNameHash, "a root's issuer is itself");
  t.equal(root.issuerKeyHash, hash.issuerKeyHash);
});

t.test('checkV2gCsr: the ISO 15118-2 SECC profile (EC P-256 with ECDSA-SHA256, CN = a reported SECC id)', async (t) => {
  const good = csr('/CN=DE*SWY*E1*1/O=Acme', P256);
  t.match(checkV2gCsr(good, { seccIds: ['DE*SWY*E1*1', 'DE*SWY*E1*2'], organization: 'Acme' }), { ok: true, csr: { commonName: 'DE*SWY*E1*1', key: 'ec-prime256v1' } });
  t.match(checkV2gCsr(good, { seccIds: [] }), { ok: true }, 'no SECC id reported: any plausible CN');
  t.match(checkV2gCsr(good, { seccIds: ['DE*SWY*E9*1'] }), { ok: false, refusal: 'wrong-common-name' });
  t.match(checkV2gCsr(csr('/O=Acme', P256), { seccIds: [] }), { ok: false, refusal: 'wrong-common-name' }, 'no CN');
  t.match(checkV2gCsr(good, { seccIds: [], organization: 'Other' }), { ok: false, refusal: 'wrong-organization' });
  t.match(checkV2gCsr(csr('/CN=S', P384), { seccIds: [] }), { ok: false, refusal: 'weak-key' }, 'P-384 is a station key, not a 15118-2 one');
  t.match(checkV2gCsr(csr('/CN=S', ['-newkey', 'rsa:3072']), { seccIds: [] }), { ok: false, refusal: 'weak-key' });
  t.match(checkV2gCsr(csr('/CN=S', [...P256, '-sha384']), { seccIds: [] }), { ok: false, refusal: 'bad-algorithm' }, 'ECDSA-SHA384');
  t.match(checkCsr(csr('/CN=CP-1', [...P256, '-sha384']), { stationId: 'CP-1' }), { ok: true }, 'which a station CSR may use');
});

t.test('a sub-CA under a root, and a V2G leaf under it, verify with openssl', async (t) => {
  const root = makeCa();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const subKey = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const sub = createCaCertificate({
    keyPem: subKey, commonName: 'Sub', serialNumber: '02', notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000), pathLength: 0, issuer: root,
  });
  // The root of makeCa has pathLen 0 and cannot have a sub-CA: one with pathLen 1.
  const root1 = createCaCertificate({ keyPem: root.keyPem, commonName: 'Root', serialNumber: '03', notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000), pathLength: 1 });
  const subOf1 = createCaCertificate({ keyPem: subKey, commonName: 'Sub', serialNumber: '04', notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000), issuer: { certPem: root1, keyPem: root.keyPem } });
  t.ok(new X509Certificate(sub).checkIssued(new X509Certificate(root.certPem)), 'issuer name is the root subject');
  const leaf = issueCertificate({
    csrPem: csr('/CN=DE*SWY*E1*1', P256), caCertPem: subOf1, caKeyPem: subKey, serialNumber: '05', notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000), profile: 'v2g',
  });
  for (const [name, pem] of [['root.pem', root1], ['sub.pem', subOf1], ['leaf.pem', leaf], ['bad-root.pem', root.certPem], ['bad-sub.pem', sub]] as const) writeFileSync(join(dir, name), pem);
  const verify = (rootFile: string, subFile: string) => {
    try {
      return execFileSync('openssl', ['verify', '-x509_strict', '-CAfile', rootFile, '-untrusted', subFile, 'leaf.pem'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
    } catch (error) {
      return String((error as { stderr?: Buffer }).stderr);
    }
  };
  t.equal(verify('root.pem', 'sub.pem'), 'leaf.pem: OK');
  t.match(verify('bad-root.pem', 'bad-sub.pem'), /path length/, 'a pathLen 0 root cannot have a sub-CA (why the built-in V2G root is not the station CA)');
  const text = execFileSync('openssl', ['x509', '-in', 'leaf.pem', '-noout', '-text'], { cwd: dir }).toString();
  t.match(text, /Key Usage: critical\s+Digital Signature, Key Agreement/);
  t.notMatch(text, /Extended Key Usage/);
});
