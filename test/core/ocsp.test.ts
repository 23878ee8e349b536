import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { certificateHashData, checkOcspResponse, ocspRequestDer, ocspResponderUrl, OcspError, trustedVerdict } from '../../core/ocsp.js';
import { makeOcspPki, opensslMissing } from '../helpers/ocsp-responder.js';

// Responses made by Debian's openssl (`openssl ocsp -reqin … -respout …`) to requests built by core/ocsp.ts.
const skip = opensslMissing();

/** The OcspError reason `fn` throws with (undefined: it did not throw). */
function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof OcspError ? error.reason : `not an OcspError: ${String(error)}`;
  }
}

t.test('requests openssl understands, responses checked: good, revoked, unknown', { skip }, async (t) => {
  const pki = makeOcspPki(t);
  const now = new Date();
  for (const status of ['good', 'revoked', 'unknown'] as const) {
    const leaf = pki.issue(`EMP77TWTW0000${status.length}`, status);
    const data = certificateHashData(leaf.cert, pki.ca.cert);
    t.match(data.serialNumber, /^8A/, 'serial with the top bit set (an INTEGER with a leading zero octet)');
    const verdict = checkOcspResponse(pki.respond(ocspRequestDer(data)), data, now);
    t.equal(verdict.status, status, `${status} certificate`);
    t.equal(verdict.signer, 'issuer');
    t.ok(verdict.nextUpdate && new Date(verdict.nextUpdate) > now, 'nextUpdate from the responder');
    if (status === 'revoked') t.ok(verdict.revokedAt, 'revocation time');
  }
});

t.test('SHA384 and SHA512 hash data', { skip }, async (t) => {
  const pki = makeOcspPki(t);
  const leaf = pki.issue('EMAID384', 'good');
  for (const algorithm of ['SHA384', 'SHA512'] as const) {
    const data = certificateHashData(leaf.cert, pki.ca.cert, algorithm);
    t.equal(checkOcspResponse(pki.respond(ocspRequestDer(data)), data, new Date()).status, 'good', algorithm);
  }
});

t.test('a response about another certificate, a forged signature, a stale one', { skip }, async (t) => {
  const pki = makeOcspPki(t);
  const a = certificateHashData(pki.issue('A', 'good').cert, pki.ca.cert);
  const b = certificateHashData(pki.issue('B', 'revoked').cert, pki.ca.cert);
  const answerForB = pki.respond(ocspRequestDer(b));
  t.equal(reasonOf(() => checkOcspResponse(answerForB, a, new Date())), 'no-matching-response');
  // Flip a byte inside the signed part (the producedAt / thisUpdate area near the middle).
  const forged = Buffer.from(pki.respond(ocspRequestDer(a)));
  const at = forged.indexOf(Buffer.from('Z', 'latin1'));
  forged[at - 1] = forged[at - 1] === 0x30 ? 0x31 : 0x30;
  t.throws(() => checkOcspResponse(forged, a, new Date()), OcspError);
  const good = pki.respond(ocspRequestDer(a));
  t.equal(reasonOf(() => checkOcspResponse(good, a, new Date(Date.now() + 3 * 86_400_000))), 'stale-response', 'past nextUpdate');
  t.equal(reasonOf(() => checkOcspResponse(Buffer.from('not der'), a, new Date())), 'malformed-response');
});

t.test('delegated responder: accepted only when the issuer is known and signed it for OCSP', { skip }, async (t) => {
  const pki = makeOcspPki(t);
  const data = certificateHashData(pki.issue('C', 'good').cert, pki.ca.cert);
  const signer = pki.delegate();
  const der = pki.respond(ocspRequestDer(data), signer);
  t.equal(checkOcspResponse(der, data, new Date()).signer, 'unverified-delegate', 'issuer unknown: authority unchecked');
  t.notOk(trustedVerdict(checkOcspResponse(der, data, new Date())));
  const checked = checkOcspResponse(der, data, new Date(), [pki.ca.cert]);
  t.equal(checked.status, 'good', 'issuer configured');
  t.equal(checked.signer, 'delegate');
  t.ok(trustedVerdict(checked));
  // Another CA's OCSP signer cannot answer for this CA.
  const other = makeOcspPki(t);
  const foreign = other.respond(ocspRequestDer(data), other.delegate());
  t.equal(reasonOf(() => checkOcspResponse(foreign, data, new Date(), [pki.ca.cert])), 'responder-unauthorised', 'signed by a delegate of another CA');
  // A leaf of the CA without the OCSPSigning usage may not answer for it.
  const leaf = pki.issue('not-a-signer', 'good');
  const byLeaf = pki.respond(ocspRequestDer(data), leaf);
  t.equal(reasonOf(() => checkOcspResponse(byLeaf, data, new Date(), [pki.ca.cert])), 'responder-unauthorised');
});

t.test('responder URL from the Authority Information Access', { skip }, async (t) => {
  const pki = makeOcspPki(t);
  const leaf = pki.issue('D', 'good', { ocspUrl: 'http://127.0.0.1:1/ocsp' });
  t.equal(ocspResponderUrl(leaf.cert), 'http://127.0.0.1:1/ocsp');
  t.equal(ocspResponderUrl(new X509Certificate(pki.ca.pem)), undefined);
});

t.test('bad hash data is refused before anything is sent', async (t) => {
  t.equal(reasonOf(() => ocspRequestDer({ hashAlgorithm: 'SHA256', issuerNameHash: 'zz', issuerKeyHash: '00', serialNumber: '01' })), 'bad-hash-data');
  t.equal(reasonOf(() => ocspRequestDer({ hashAlgorithm: 'MD5' as 'SHA256', issuerNameHash: '00', issuerKeyHash: '00', serialNumber: '01' })), 'bad-hash-data');
});
