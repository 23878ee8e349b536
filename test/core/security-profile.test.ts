import t from 'tap';
import { readFileSync } from 'node:fs';
import { judgeClientCertificate, parseCertificateBundle, subjectCommonName, transportRefusal, PLAIN, type TransportSecurity } from '../../core/security-profile.js';
import { makePki } from '../helpers/certificates.js';

t.test('transportRefusal: the weakest transport each profile accepts', async (t) => {
  const tlsNoCert: TransportSecurity = { tls: true, certificate: { kind: 'none' } };
  const tlsCert = (commonName: string): TransportSecurity => ({ tls: true, certificate: { kind: 'valid', commonName } });
  const bad: TransportSecurity = { tls: true, certificate: { kind: 'invalid', reason: 'expired' } };
  t.equal(transportRefusal(1, 'CS', PLAIN), undefined);
  t.equal(transportRefusal(1, 'CS', tlsNoCert), undefined);
  t.match(transportRefusal(2, 'CS', PLAIN), { code: 'plain-connection' });
  t.equal(transportRefusal(2, 'CS', tlsNoCert), undefined);
  t.equal(transportRefusal(2, 'CS', tlsCert('OTHER')), undefined, 'profile 2 ignores a certificate');
  t.match(transportRefusal(3, 'CS', PLAIN), { code: 'plain-connection' });
  t.match(transportRefusal(3, 'CS', tlsNoCert), { code: 'no-client-certificate' });
  t.match(transportRefusal(3, 'CS', bad), { code: 'bad-client-certificate', reason: /expired/ });
  t.match(transportRefusal(3, 'CS', tlsCert('OTHER')), { code: 'bad-client-certificate', reason: /CN 'OTHER'/ });
  t.equal(transportRefusal(3, 'CS', tlsCert('CS')), undefined);
  t.match(transportRefusal(3, 'cs', tlsCert('CS')), { code: 'bad-client-certificate' }, 'ids are case-sensitive');
});

t.test('subjectCommonName: exactly one CN', async (t) => {
  t.equal(subjectCommonName('O=Acme\nCN=CS-1'), 'CS-1');
  t.equal(subjectCommonName('O=Acme'), undefined);
  t.equal(subjectCommonName('CN=A\nCN=B'), undefined);
});

t.test('judgeClientCertificate against the station CA bundle', async (t) => {
  const pki = makePki(t);
  const authorities = parseCertificateBundle(readFileSync(pki.caFile, 'utf8'));
  t.equal(authorities.length, 1);
  const pem = (b: Buffer) => b.toString('utf8');
  t.same(judgeClientCertificate('', authorities, new Date()), { kind: 'none' });
  t.same(judgeClientCertificate(pem(pki.client('CS-1').cert), authorities, new Date()), { kind: 'valid', commonName: 'CS-1' });
  t.match(judgeClientCertificate(pem(pki.client('CS-1', { days: -1 }).cert), authorities, new Date()), { kind: 'invalid', reason: /not valid now/ });
  t.match(judgeClientCertificate(pem(pki.selfSigned('CS-1').cert), authorities, new Date()), { kind: 'invalid', reason: /not issued by a configured station CA/ });
  t.match(judgeClientCertificate(pem(pki.client('CS-1', { issuer: pki.otherCa('o') }).cert), authorities, new Date()), { kind: 'invalid', reason: /not issued/ });
  t.match(judgeClientCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', authorities, new Date()), { kind: 'invalid', reason: /unreadable/ });
  const later = new Date(Date.now() + 40 * 86_400_000);
  t.match(judgeClientCertificate(pem(pki.client('CS-1').cert), authorities, later), { kind: 'invalid', reason: /not valid now/ }, 'checked against the time given');
});

t.test('revocation lists: a revoked certificate is refused, others pass; a list from another CA is refused', async (t) => {
  const { parseRevocationLists } = await import('../../core/crl.js');
  const pki = makePki(t);
  const authorities = parseCertificateBundle(readFileSync(pki.caFile, 'utf8'));
  const good = pki.client('CS-1');
  const gone = pki.client('CS-1');
  pki.revoke(gone.cert);
  const lists = parseRevocationLists(readFileSync(pki.crlFile, 'utf8'), authorities);
  t.equal(lists.length, 1);
  t.equal(lists[0]!.revoked.size, 1);
  t.ok(lists[0]!.nextUpdate && lists[0]!.nextUpdate > new Date(), 'nextUpdate read');
  t.same(judgeClientCertificate(good.cert.toString(), authorities, new Date(), lists), { kind: 'valid', commonName: 'CS-1' });
  t.match(judgeClientCertificate(gone.cert.toString(), authorities, new Date(), lists), { kind: 'invalid', reason: /revoked/ });
  const other = parseCertificateBundle(readFileSync(pki.otherCa('z').cert, 'utf8'));
  t.throws(() => parseRevocationLists(readFileSync(pki.crlFile, 'utf8'), other), /not signed by a configured station CA/);
});
