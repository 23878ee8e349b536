import t from 'tap';
import fc from 'fast-check';
import { credentialsTokenCandidates, encodeCredentialsToken, evseStatusOf, partyKey, retryDelayMs } from '../../core/ocpi/roaming.js';

// core/ocpi/roaming.ts (pure): the Authorization header of OCPI 2.2.1 §4.1.2 both ways, EVSE
// status of an OCPP connector status (§8.4.22), back-off of partner deliveries.

t.test('credentials token: base64 per 2.2.1, unencoded accepted, malformed headers none', async (t) => {
  t.same(credentialsTokenCandidates('Token ZXhhbXBsZS10b2tlbg=='), ['example-token', 'ZXhhbXBsZS10b2tlbg=='], 'decoded first, raw as a fallback');
  t.same(credentialsTokenCandidates('Token plain-token-123'), ['plain-token-123'], 'not base64: raw only');
  t.same(credentialsTokenCandidates('token cGxhaW4='), ['plain', 'cGxhaW4='], 'scheme case-insensitive');
  t.same(credentialsTokenCandidates(undefined), []);
  t.same(credentialsTokenCandidates('Bearer abc'), []);
  t.same(credentialsTokenCandidates('Token '), []);
  t.same(credentialsTokenCandidates('Token a b'), []);
  // A base64-looking raw token whose decoding is binary stays raw only.
  t.same(credentialsTokenCandidates(`Token ${Buffer.from([0, 1, 2, 255]).toString('base64')}`), ['AAEC/w==']);
  fc.assert(fc.property(fc.stringMatching(/^[\x21-\x7e]{1,64}$/), (token) => {
    const candidates = credentialsTokenCandidates(encodeCredentialsToken(token));
    return candidates[0] === token;
  }), { numRuns: 500 });
});

t.test('EVSE status of every OCPP connector status', async (t) => {
  t.same(['Available', 'Occupied', 'Reserved', 'Unavailable', 'Faulted'].map((s) => evseStatusOf(s as never)), ['AVAILABLE', 'CHARGING', 'RESERVED', 'INOPERATIVE', 'OUTOFORDER']);
  t.equal(evseStatusOf('Whatever' as never), 'UNKNOWN');
  t.equal(partyKey('nl', 'swy'), 'NL*SWY');
});

t.test('retry delay doubles from the base, is capped, jitter at most 20 %', async (t) => {
  t.same([1, 2, 3, 4].map((n) => retryDelayMs(n, 100, 1000)), [100, 200, 400, 800]);
  t.equal(retryDelayMs(10, 100, 1000), 1000);
  t.equal(retryDelayMs(1000, 100, 1000), 1000, 'huge attempt counts do not overflow');
  fc.assert(fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, r) => {
    const d = retryDelayMs(n, 100, 60_000, r);
    const plain = retryDelayMs(n, 100, 60_000);
    return d >= plain && d <= plain * 1.2 + 1 && retryDelayMs(n + 1, 100, 60_000) >= plain;
  }));
});
