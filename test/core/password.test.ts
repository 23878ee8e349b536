import t from 'tap';
import { hashPassword, parseBasicAuth, verifyPassword } from '../../core/password.js';

const COST = 1024;

t.test('hash and verify round trip', async (t) => {
  const hash = await hashPassword('s3cret-pass', COST);
  t.match(hash, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  t.notMatch(hash, /s3cret-pass/, 'the password itself is not stored');
  t.equal(await verifyPassword('s3cret-pass', hash), true);
  t.equal(await verifyPassword('s3cret-pasS', hash), false, 'wrong password');
  t.equal(await verifyPassword('', hash), false, 'empty password');
  const again = await hashPassword('s3cret-pass', COST);
  t.not(again, hash, 'each hash has its own salt');
  t.equal(await verifyPassword('s3cret-pass', again), true);
});

t.test('a hash keeps its own cost: verification works after the default changes', async (t) => {
  const cheap = await hashPassword('pw', 2048);
  t.match(cheap, /^scrypt\$2048\$/);
  t.equal(await verifyPassword('pw', cheap), true);
});

t.test('a malformed stored hash never verifies and never throws', async (t) => {
  const good = await hashPassword('pw', COST);
  const [, , r, p, salt, key] = good.split('$');
  const malformed = [
    '',
    'plaintext',
    'bcrypt$10$abc',
    `scrypt$${COST}$${r}$${p}$${salt}`,
    `scrypt$${COST}$${r}$${p}$${salt}$${key}$extra`,
    `md5$${COST}$${r}$${p}$${salt}$${key}`,
    `scrypt$abc$${r}$${p}$${salt}$${key}`,
    `scrypt$1000$${r}$${p}$${salt}$${key}`,
    `scrypt$${COST}$x$${p}$${salt}$${key}`,
    `scrypt$${COST}$${r}$0$${salt}$${key}`,
    `scrypt$${COST}$${r}$${p}$${salt}$`,
    `scrypt$${COST}$${r}$${p}$${salt}$AAAA`,
    `scrypt$1099511627776$${r}$${p}$${salt}$${key}`,
  ];
  for (const stored of malformed) {
    t.equal(await verifyPassword('pw', stored), false, JSON.stringify(stored));
  }
});

t.test('parseBasicAuth', async (t) => {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  t.same(parseBasicAuth(`Basic ${b64('CS001:pa55')}`), { user: 'CS001', password: 'pa55' });
  t.same(parseBasicAuth(`basic ${b64('CS001:pa55')}`), { user: 'CS001', password: 'pa55' }, 'scheme is case-insensitive');
  t.same(parseBasicAuth(`Basic   ${b64('CS001:pa55')}  `), { user: 'CS001', password: 'pa55' }, 'extra whitespace');
  t.same(parseBasicAuth(`Basic ${b64('CS001:a:b:c')}`), { user: 'CS001', password: 'a:b:c' }, 'password may hold colons');
  t.same(parseBasicAuth(`Basic ${b64('CS001:')}`), { user: 'CS001', password: '' }, 'empty password');
  t.same(parseBasicAuth(`Basic ${b64('CS001:pässwörd')}`), { user: 'CS001', password: 'pässwörd' }, 'utf-8');
  t.equal(parseBasicAuth(undefined), undefined);
  t.equal(parseBasicAuth(''), undefined);
  t.equal(parseBasicAuth(`Basic ${b64('no-colon')}`), undefined, 'no colon');
  t.equal(parseBasicAuth(`Bearer ${b64('CS001:pa55')}`), undefined, 'other scheme');
  t.equal(parseBasicAuth('Basic'), undefined, 'no credentials');
  t.equal(parseBasicAuth('Basic !!!notbase64'), undefined, 'not base64');
  t.equal(parseBasicAuth(`Basic ${b64('a:b')} ${b64('c:d')}`), undefined, 'two tokens');
});

t.test('every cost the configuration accepts hashes and verifies, the smallest included', async (t) => {
  for (const cost of [2, 4, 16, 1024]) {
    const hash = await hashPassword('a-station-password-16', cost);
    t.ok(await verifyPassword('a-station-password-16', hash), `cost ${cost}`);
    t.notOk(await verifyPassword('another-password-1234', hash));
  }
});
