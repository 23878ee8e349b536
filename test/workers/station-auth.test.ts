import t from 'tap';
import type { StationLogin } from '../../core/ports/store/store.js';
import { hashPassword } from '../../core/password.js';
import { StationAuthenticator as Authenticator, type LoginPort } from '../../workers/station-auth.js';
import { PLAIN, type TransportSecurity } from '../../core/security-profile.js';
import type { Refusal } from '../../core/security-profile.js';

const COST = 1024;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

type LoginRow = Omit<StationLogin, 'securityProfile' | 'previousPasswordHash'> & Partial<StationLogin>;
const full = (l: LoginRow): StationLogin => ({ securityProfile: 1, previousPasswordHash: null, ...l });

/** A fake handler-thread side: the logins, a block to answer with, and what the authenticator reported. */
function directory(logins: LoginRow[]) {
  const byId = new Map(logins.map((l) => [l.id, full(l)]));
  const reports = { failed: [] as string[], succeeded: [] as Array<[string, string | undefined]> };
  let blocked: Refusal | undefined;
  const lookup: LoginPort = {
    lookup: async (id) => (blocked ? { login: byId.get(id), blocked } : { login: byId.get(id) }),
    failed: (id, _address, code) => reports.failed.push(`${id}:${code}`),
    succeeded: (id, confirm) => reports.succeeded.push([id, confirm]),
  };
  return {
    byId: { set: (id: string, l: LoginRow) => byId.set(id, full(l)), delete: (id: string) => byId.delete(id) },
    lookup,
    reports,
    block: (refusal: Refusal | undefined) => (blocked = refusal),
  };
}

/** The authenticator over a plain connection from one address, as the existing cases were written. */
class StationAuthenticator {
  readonly real: Authenticator;
  constructor(port: LoginPort, allowUnknown: boolean) {
    this.real = new Authenticator(port, allowUnknown);
  }
  admit(id: string, authorization: string | undefined, transport: TransportSecurity = PLAIN) {
    return this.real.admit(id, authorization, transport, '10.0.0.1');
  }
  admitKnown(id: string, authorization: string | undefined, transport: TransportSecurity = PLAIN) {
    return this.real.admitKnown(id, authorization, transport, '10.0.0.1');
  }
  forget(id: string) {
    this.real.forget(id);
  }
}

t.test('unknown stations are refused unless allowUnknown', async (t) => {
  const dir = directory([]);
  t.match(await new StationAuthenticator(dir.lookup, false).admit('NEW-1', undefined), { ok: false, status: 401 });
  t.match(await new StationAuthenticator(dir.lookup, false).admit('NEW-1', basic('NEW-1', 'x')), { ok: false, status: 401 });
  t.same(await new StationAuthenticator(dir.lookup, true).admit('NEW-1', undefined), { ok: true, tenantId: 'default' });
});

t.test('a registered station without a password', async (t) => {
  const dir = directory([{ id: 'OPEN-1', tenantId: 'acme', passwordHash: null }]);
  t.same(await new StationAuthenticator(dir.lookup, true).admit('OPEN-1', undefined), { ok: true, tenantId: 'acme' });
  t.match(await new StationAuthenticator(dir.lookup, false).admit('OPEN-1', undefined), {
    ok: false, status: 401, reason: 'station has no password set',
  });
});

t.test('Basic credentials: right, wrong user, wrong password, missing', async (t) => {
  const hash = await hashPassword('right-pw', COST);
  const dir = directory([{ id: 'CS-1', tenantId: 'acme', passwordHash: hash }]);
  for (const allowUnknown of [false, true]) {
    const auth = new StationAuthenticator(dir.lookup, allowUnknown);
    t.same(await auth.admit('CS-1', basic('CS-1', 'right-pw')), { ok: true, tenantId: 'acme' });
    t.match(await auth.admit('CS-1', basic('CS-2', 'right-pw')), { ok: false, status: 401 }, 'user must be the station id');
    t.match(await auth.admit('CS-1', basic('CS-1', 'wrong-pw')), { ok: false, status: 401, reason: 'wrong password' });
    t.match(await auth.admit('CS-1', undefined), { ok: false, status: 401 }, 'no header');
    t.match(await auth.admit('CS-1', 'Bearer abc'), { ok: false, status: 401 }, 'other scheme');
  }
});

t.test('the verified-password cache still rejects a wrong password after a right one', async (t) => {
  const hash = await hashPassword('right-pw', COST);
  const dir = directory([{ id: 'CS-1', tenantId: 'acme', passwordHash: hash }]);
  const auth = new StationAuthenticator(dir.lookup, false);
  t.equal((await auth.admit('CS-1', basic('CS-1', 'right-pw'))).ok, true, 'first: scrypt, then cached');
  t.equal((await auth.admit('CS-1', basic('CS-1', 'wrong-pw'))).ok, false, 'cached path, wrong password');
  t.equal((await auth.admit('CS-1', basic('CS-1', 'right-pw'))).ok, true, 'cached path, right password');
  t.equal((await auth.admit('CS-1', basic('CS-1', ''))).ok, false, 'cached path, empty password');
});

t.test('a changed password hash invalidates the cache', async (t) => {
  const dir = directory([{ id: 'CS-1', tenantId: 'acme', passwordHash: await hashPassword('old-pw', COST) }]);
  const auth = new StationAuthenticator(dir.lookup, false);
  t.equal((await auth.admit('CS-1', basic('CS-1', 'old-pw'))).ok, true);
  dir.byId.set('CS-1', { id: 'CS-1', tenantId: 'acme', passwordHash: await hashPassword('new-pw', COST) });
  t.equal((await auth.admit('CS-1', basic('CS-1', 'old-pw'))).ok, false, 'the old password no longer works');
  t.equal((await auth.admit('CS-1', basic('CS-1', 'new-pw'))).ok, true);
  t.equal((await auth.admit('CS-1', basic('CS-1', 'old-pw'))).ok, false, 'nor after the new one was cached');
});

t.test('a station moved to another tenant is admitted into the new tenant', async (t) => {
  const hash = await hashPassword('pw', COST);
  const dir = directory([{ id: 'CS-1', tenantId: 'acme', passwordHash: hash }]);
  const auth = new StationAuthenticator(dir.lookup, false);
  t.same(await auth.admit('CS-1', basic('CS-1', 'pw')), { ok: true, tenantId: 'acme' });
  dir.byId.set('CS-1', { id: 'CS-1', tenantId: 'beta', passwordHash: hash });
  t.same(await auth.admit('CS-1', basic('CS-1', 'pw')), { ok: true, tenantId: 'beta' });
});

t.test('a malformed stored hash refuses the station instead of throwing', async (t) => {
  const dir = directory([{ id: 'CS-1', tenantId: 'acme', passwordHash: `scrypt$lots$8$1$c2FsdA==$${Buffer.alloc(32).toString('base64')}` }]);
  const auth = new StationAuthenticator(dir.lookup, false);
  t.match(await auth.admit('CS-1', basic('CS-1', 'pw')), { ok: false, status: 401 });
});

t.test('admitKnown decides from memory only for stations admitted before, and forget() drops them', async (t) => {
  const hash = await hashPassword('right-pw', COST);
  const dir = directory([
    { id: 'CS-1', tenantId: 'acme', passwordHash: hash },
    { id: 'OPEN-1', tenantId: 'globex', passwordHash: null },
  ]);
  const auth = new StationAuthenticator(dir.lookup, true);
  t.equal(auth.admitKnown('CS-1', basic('CS-1', 'right-pw')), undefined, 'never admitted: the store must be asked');
  t.same(await auth.admit('CS-1', basic('CS-1', 'right-pw')), { ok: true, tenantId: 'acme' });
  t.same(auth.admitKnown('CS-1', basic('CS-1', 'right-pw')), { ok: true, tenantId: 'acme' });
  t.match(auth.admitKnown('CS-1', basic('CS-9', 'right-pw')), { ok: false, status: 401 }, 'wrong user refused from memory');
  t.match(auth.admitKnown('CS-1', undefined), { ok: false, status: 401 }, 'missing credentials refused from memory');
  t.equal(auth.admitKnown('CS-1', basic('CS-1', 'other-pw')), undefined, 'another password goes to the slow path');
  t.match(await auth.admit('CS-1', basic('CS-1', 'other-pw')), { ok: false, reason: 'wrong password' });

  t.same(await auth.admit('OPEN-1', undefined), { ok: true, tenantId: 'globex' });
  t.same(auth.admitKnown('OPEN-1', undefined), { ok: true, tenantId: 'globex' }, 'passwordless station remembered with its tenant');

  auth.forget('CS-1');
  auth.forget('OPEN-1');
  t.equal(auth.admitKnown('CS-1', basic('CS-1', 'right-pw')), undefined);
  t.equal(auth.admitKnown('OPEN-1', undefined), undefined);
  dir.byId.delete('CS-1');
  t.match(await new StationAuthenticator(dir.lookup, false).admit('CS-1', basic('CS-1', 'right-pw')), { ok: false, status: 401 }, 'deleted station refused');
});

const TLS: TransportSecurity = { tls: true, certificate: { kind: 'none' } };
const CERT = (commonName: string): TransportSecurity => ({ tls: true, certificate: { kind: 'valid', commonName } });

t.test('profiles 2 and 3: the transport is checked first, from memory too', async (t) => {
  const hash = await hashPassword('right-pw', COST);
  const dir = directory([
    { id: 'P2', tenantId: 'acme', passwordHash: hash, securityProfile: 2 },
    { id: 'P3', tenantId: 'acme', passwordHash: null, securityProfile: 3 },
  ]);
  const auth = new StationAuthenticator(dir.lookup, false);
  t.match(await auth.admit('P2', basic('P2', 'right-pw')), { ok: false, code: 'plain-connection' }, 'profile 2 over ws://');
  t.same(await auth.admit('P2', basic('P2', 'right-pw'), TLS), { ok: true, tenantId: 'acme' });
  t.match(auth.admitKnown('P2', basic('P2', 'right-pw')), { ok: false, code: 'plain-connection' }, 'a remembered profile 2 station over ws:// is refused too');
  t.match(await auth.admit('P3', undefined, TLS), { ok: false, code: 'no-client-certificate' });
  t.match(await auth.admit('P3', undefined, CERT('P2')), { ok: false, code: 'bad-client-certificate' });
  t.same(await auth.admit('P3', undefined, CERT('P3')), { ok: true, tenantId: 'acme' }, 'no password needed');
  t.same(auth.admitKnown('P3', undefined, CERT('P3')), { ok: true, tenantId: 'acme' });
  t.match(auth.admitKnown('P3', basic('P3', 'x'), TLS), { ok: false, code: 'no-client-certificate' }, 'remembered, but still needs its certificate');
  t.ok(dir.reports.failed.includes('P2:plain-connection') && dir.reports.failed.includes('P3:no-client-certificate'), 'refusals reported to the throttle');
});

t.test('a blocked login is refused before any password check; a remembered right password is not', async (t) => {
  const hash = await hashPassword('right-pw', COST);
  const dir = directory([{ id: 'CS-1', tenantId: 'acme', passwordHash: hash }, { id: 'CS-2', tenantId: 'acme', passwordHash: hash }]);
  const auth = new StationAuthenticator(dir.lookup, false);
  t.same(await auth.admit('CS-1', basic('CS-1', 'right-pw')), { ok: true, tenantId: 'acme' });
  dir.block({ code: 'locked', reason: 'station id locked' });
  t.same(await auth.admit('CS-1', basic('CS-1', 'right-pw')), { ok: true, tenantId: 'acme' }, 'remembered right password: admitted even while blocked');
  t.match(await auth.admit('CS-1', basic('CS-1', 'wrong-pw')), { ok: false, code: 'locked' }, 'a guess is refused as locked');
  t.match(await auth.admit('CS-2', basic('CS-2', 'right-pw')), { ok: false, code: 'locked' }, 'a never-verified password waits for the block to end');
  t.notOk(dir.reports.failed.some((f) => f.endsWith(':locked')), 'blocked attempts are not counted again');
});

t.test('rotation: the previous password works until the first login with the new one', async (t) => {
  const oldHash = await hashPassword('old-pw', COST);
  const newHash = await hashPassword('new-pw', COST);
  const dir = directory([{ id: 'CS-1', tenantId: 'acme', passwordHash: newHash, previousPasswordHash: oldHash }]);
  const auth = new StationAuthenticator(dir.lookup, false);
  t.same(await auth.admit('CS-1', basic('CS-1', 'old-pw')), { ok: true, tenantId: 'acme' });
  t.same(dir.reports.succeeded.at(-1), ['CS-1', undefined], 'the old password confirms nothing');
  t.equal(auth.admitKnown('CS-1', basic('CS-1', 'old-pw')), undefined, 'and is never remembered');
  t.same(await auth.admit('CS-1', basic('CS-1', 'new-pw')), { ok: true, tenantId: 'acme' });
  t.same(dir.reports.succeeded.at(-1), ['CS-1', newHash], 'the new one asks to end the previous');
  t.match(await auth.admit('CS-1', basic('CS-1', 'third-pw')), { ok: false, code: 'wrong-password' });
});

t.test('an entry one gateway thread learned serves on another with the same key; not with another key', async (t) => {
  const dir = directory([{ id: 'CS-S', tenantId: 'acme', passwordHash: await hashPassword('shared-pw-0001', COST) }]);
  const key = new Uint8Array(32).fill(7);
  const learned: Array<[string, unknown, number]> = [];
  const first = new Authenticator(dir.lookup, false, { key, learned: (id, entry, at) => learned.push([id, entry, at]) });
  const before = Number(process.hrtime.bigint());
  t.same(await first.admit('CS-S', basic('CS-S', 'shared-pw-0001'), PLAIN, '10.0.0.1'), { ok: true, tenantId: 'acme' });
  t.equal(learned.length, 1, 'told of what it remembered');
  const [id, entry, at] = learned[0]!;
  t.equal(id, 'CS-S');
  t.match(entry, { tenantId: 'acme', profile: 1, hash: String });
  t.ok(at >= before && at <= Number(process.hrtime.bigint()), 'when its store lookup started (monotonic ns)');

  const other = new Authenticator(dir.lookup, false, { key });
  t.equal(other.admitKnown('CS-S', basic('CS-S', 'shared-pw-0001'), PLAIN, '10.0.0.1'), undefined, 'nothing known before');
  other.learn('CS-S', entry as never);
  t.same(other.admitKnown('CS-S', basic('CS-S', 'shared-pw-0001'), PLAIN, '10.0.0.1'), { ok: true, tenantId: 'acme' }, 'admitted from memory');
  t.equal(other.admitKnown('CS-S', basic('CS-S', 'wrong-pw-00001'), PLAIN, '10.0.0.1'), undefined, 'another password: the slow path decides');
  const foreign = new Authenticator(dir.lookup, false);
  foreign.learn('CS-S', entry as never);
  t.equal(foreign.admitKnown('CS-S', basic('CS-S', 'shared-pw-0001'), PLAIN, '10.0.0.1'), undefined, 'another key: its HMAC does not match');
  other.forget('CS-S');
  t.equal(other.admitKnown('CS-S', basic('CS-S', 'shared-pw-0001'), PLAIN, '10.0.0.1'), undefined, 'forgotten');
  t.equal(learned.length, 1, 'an entry learned from another thread is not told again');
});
