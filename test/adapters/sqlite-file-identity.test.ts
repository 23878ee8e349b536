import t from 'tap';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore, StoreFileError, fileIdentityProblem, isStorageFault } from '../../adapters/store/sqlite-store.js';

// Issue #11: a SQLite store whose file was deleted or replaced stops acknowledging writes.

t.test('fileIdentityProblem compares dev/ino with the file opened', async (t) => {
  const opened = { dev: 1, ino: 42 };
  t.equal(fileIdentityProblem('/d/s.sqlite', opened, () => ({ dev: 1, ino: 42 })), undefined, 'same file');
  t.match(fileIdentityProblem('/d/s.sqlite', opened, () => undefined), /\/d\/s\.sqlite was deleted/);
  t.match(fileIdentityProblem('/d/s.sqlite', opened, () => ({ dev: 1, ino: 43 })), /\/d\/s\.sqlite was replaced/);
  t.match(fileIdentityProblem('/d/s.sqlite', opened, () => ({ dev: 2, ino: 42 })), /replaced/);
  t.match(
    fileIdentityProblem('/d/s.sqlite', opened, () => {
      throw new Error('EACCES');
    }),
    /cannot be checked: EACCES/,
  );
});

t.test('isStorageFault: storage failures, not one write’s data', async (t) => {
  t.ok(isStorageFault(Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' })));
  t.ok(isStorageFault(Object.assign(new Error('io'), { code: 'SQLITE_IOERR_WRITE' })));
  t.ok(isStorageFault(Object.assign(new Error('ro'), { code: 'SQLITE_READONLY' })));
  t.ok(isStorageFault(new StoreFileError('gone')));
  t.notOk(isStorageFault(Object.assign(new Error('dup'), { code: 'SQLITE_CONSTRAINT_UNIQUE' })));
  t.notOk(isStorageFault(new Error('plain')));
  t.notOk(isStorageFault(undefined));
});

for (const how of ['deleted', 'replaced'] as const) {
  t.test(`a store whose file was ${how} fails every later write and reports it`, async (t) => {
    const dir = t.testdir({});
    const path = join(dir, 'store.sqlite');
    const store = new SqliteStore({ path, fileCheckMs: 0 });
    t.teardown(() => store.close().catch(() => {}));
    const outcomes: unknown[] = [];
    store.onCommitOutcome = (fault) => outcomes.push(fault);

    t.equal(await store.stations.createStation({ tenantId: 't', id: 'S1', passwordHash: null }), true);
    t.same(outcomes, [undefined], 'a commit that worked is reported as such');
    t.equal(store.checkFile(true), undefined);

    if (how === 'deleted') for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    else {
      writeFileSync(path + '.new', '');
      renameSync(path + '.new', path);
    }
    const error = await store.stations.createStation({ tenantId: 't', id: 'S2', passwordHash: null }).then(
      () => undefined,
      (e: unknown) => e,
    );
    t.type(error, StoreFileError, 'the write is refused');
    t.match((error as Error).message, new RegExp(`store\\.sqlite was ${how}`));
    t.equal(outcomes.length, 2);
    t.equal(outcomes[1], error, 'the failed commit is reported with its cause');
    t.match(store.checkFile(true), new RegExp(how));
  });
}

t.test('between checks the last answer stands (no stat per commit)', async (t) => {
  const dir = t.testdir({});
  const path = join(dir, 'store.sqlite');
  const store = new SqliteStore({ path, fileCheckMs: 60_000 });
  t.teardown(() => store.close().catch(() => {}));
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  t.equal(store.checkFile(), undefined, 'not checked again within fileCheckMs');
  t.match(store.checkFile(true), /deleted/, 'forced check sees it');
  t.match(store.checkFile(), /deleted/, 'and the answer is kept');
  await t.rejects(store.stations.createStation({ tenantId: 't', id: 'S1', passwordHash: null }), { code: 'STORE_FILE_CHANGED' });
});

t.test(':memory: has no file to check', async (t) => {
  const store = new SqliteStore({ path: ':memory:', fileCheckMs: 0 });
  t.teardown(() => store.close());
  t.equal(store.checkFile(true), undefined);
  t.equal(await store.stations.createStation({ tenantId: 't', id: 'S1', passwordHash: null }), true);
});
