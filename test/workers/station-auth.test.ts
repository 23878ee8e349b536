import t from 'tap';
import type { StationLogin } from '../../core/ports/store/store.js';
import { hashPassword } from '../../core/password.js';
import { StationAuthenticator } from '../../workers/station-auth.js';

const COST = 1024;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function directory(logins: StationLogin[]) {
  const byId = new Map(logins.map((l) => [l.id, l]));
  return {
    byId,
    lookup: async (id: string) => byId.get(id),
  };
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
