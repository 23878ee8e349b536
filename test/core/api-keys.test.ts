import t from 'tap';
import { apiKeyIdFromHash, bearerToken, displayPrefix, generateApiKey, hashApiKey, isValidTenantId } from '../../core/api-keys.js';

t.test('keys: 256 random bits, stored as sha256, id and prefix never reveal the key', async (t) => {
  const key = generateApiKey();
  t.match(key, /^sy_[A-Za-z0-9_-]{43}$/);
  t.not(generateApiKey(), key);
  const hash = hashApiKey(key);
  t.match(hash, /^[0-9a-f]{64}$/);
  t.equal(hashApiKey(key), hash, 'deterministic, so it can be looked up');
  t.match(apiKeyIdFromHash(hash), /^key_[0-9a-f]{16}$/);
  t.equal(displayPrefix(key).length, 9);
});

t.test('bearer parsing and tenant ids', async (t) => {
  t.equal(bearerToken('Bearer abc'), 'abc');
  t.equal(bearerToken('bearer   abc  '), 'abc');
  t.equal(bearerToken('Basic abc'), undefined);
  t.equal(bearerToken(undefined), undefined);
  t.equal(bearerToken('Bearer '), undefined);
  for (const ok of ['default', 'acme', 'ACME_2-x']) t.ok(isValidTenantId(ok), ok);
  for (const bad of ['', 'a.b', 'a*', 'a>', 'a b', '-x', 'x'.repeat(64)]) t.notOk(isValidTenantId(bad), bad);
});
