import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MAIN_JS, eventually, startServer } from '../helpers/server.js';

// The first admin key printed on a fresh start, and the key CLI on the same data directory.

const run = promisify(execFile);
const CLI_JS = MAIN_JS.replace(/main\.js$/, 'cli.js');

t.test('without CSMS_ADMIN_KEY the first start prints an admin key once; the CLI manages keys', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-keys-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const server = await startServer(t, { dataDir, env: { CSMS_ADMIN_KEY: '' } });
  const printed = await eventually(async () => /first admin API key[^\n]*\n\s+(sy_\S+)/.exec(server.output().stdout)?.[1], 30_000, 'printed key');
  const get = (path: string, key: string, extra: Record<string, string> = {}) =>
    fetch(server.apiUrl + path, { headers: { authorization: `Bearer ${key}`, ...extra } });
  t.equal((await get('/stations', printed)).status, 200, 'the printed key is an admin key');
  t.equal((await get('/admin/api-keys', printed)).status, 200);
  t.equal((await fetch(server.apiUrl + '/stations', { headers: { authorization: 'Bearer test-admin-key-0123456789' } })).status, 401, 'no other admin key exists');

  const env = { ...process.env, CSMS_DATA_DIR: dataDir };
  const created = await run(process.execPath, [CLI_JS, 'create-key', '--tenant', 'acme', '--name', 'ci'], { env });
  const key = created.stdout.trim();
  t.match(key, /^sy_[A-Za-z0-9_-]{43}$/, 'the key alone on stdout');
  t.match(created.stderr, /created tenant key key_[0-9a-f]{16} for tenant acme/);
  t.equal((await get('/stations', key)).status, 200, 'a key made by the CLI works on the running node');
  t.equal((await get('/stations', key, { 'x-tenant-id': 'globex' })).status, 403);

  const listed = await run(process.execPath, [CLI_JS, 'list-keys', '--tenant', 'acme'], { env });
  t.notOk(listed.stdout.includes(key), 'listing never shows the key');
  const id = /^(key_[0-9a-f]{16})\ttenant\tacme/m.exec(listed.stdout)?.[1];
  t.ok(id, 'listed with its id');
  await run(process.execPath, [CLI_JS, 'revoke-key', id!], { env });
  t.equal((await get('/stations', key)).status, 401, 'revoked by the CLI');
  await t.rejects(run(process.execPath, [CLI_JS, 'create-key'], { env }), { code: 2 }, 'usage error exits 2');

  await server.stop();
  const again = await startServer(t, { dataDir, env: { CSMS_ADMIN_KEY: '' } });
  t.notMatch(again.output().stdout, /first admin API key/, 'not printed again on the next start');
  t.equal((await fetch(again.apiUrl + '/stations', { headers: { authorization: `Bearer ${printed}` } })).status, 200, 'and still valid');
});

t.test('the CLI is the package bin: `npx switchyard …` runs it, and its usage names that command', async (t) => {
  const root = join(MAIN_JS, '..', '..', '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
  t.equal(pkg.bin?.switchyard, 'dist/workers/cli.js', 'package.json bin: switchyard → the CLI');
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bin-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { ...process.env, CSMS_DATA_DIR: dataDir };
  // --no: never fetch a package from the registry; the project's own bin must answer.
  const usage = await run('npx', ['--no', '--', 'switchyard', '--help'], { cwd: root, env });
  t.match(usage.stdout, /^usage:\n {2}switchyard create-key/, 'usage names the command that runs it');
  for (const line of usage.stdout.trim().split('\n').slice(1)) t.match(line, /^ {2}switchyard /, `usage line: ${line.trim()}`);
  const created = await run('npx', ['--no', '--', 'switchyard', 'create-key', '--admin', '--name', 'from npx'], { cwd: root, env });
  t.match(created.stdout.trim(), /^sy_[A-Za-z0-9_-]{43}$/, 'npx switchyard create-key --admin prints a new admin key');
});
