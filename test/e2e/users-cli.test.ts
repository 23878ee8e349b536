import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MAIN_JS, eventually, startServer } from '../helpers/server.js';

// The first UI user printed on a fresh start, and the user commands of the CLI on the same data directory.

const run = promisify(execFile);
const CLI_JS = MAIN_JS.replace(/main\.js$/, 'cli.js');

t.test('the first start prints one admin user once; the CLI creates users and resets passwords', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-users-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const server = await startServer(t, { dataDir });
  const [, username, password] = await eventually(async () => /first admin user of the operator UI[^\n]*\n\s+(\S+) \/ (\S+)/.exec(server.output().stdout) ?? undefined, 30_000, 'printed user');
  t.equal(username, 'admin');
  t.notMatch(server.output().stderr + server.output().stdout.replace(password!, ''), new RegExp(password!), 'the password is printed once, never logged');
  const login = (u: string, p: string) => fetch(server.apiUrl + '/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u, password: p }) });
  const first = await login(username!, password!);
  t.equal(first.status, 200, 'the printed user logs in');
  t.match(await first.json(), { user: { role: 'admin', tenantId: null } });
  t.equal((await fetch(server.apiUrl + '/')).status, 200, 'the UI is served at /');
  t.match(await (await fetch(server.apiUrl + '/')).text(), /<div id="app">/);

  const env = { ...process.env, CSMS_DATA_DIR: dataDir, CSMS_SCRYPT_COST: '1024' };
  const created = await run(process.execPath, [CLI_JS, 'create-user', 'alice', '--role', 'operator', '--tenant', 'acme'], { env });
  const alicePassword = created.stdout.trim();
  t.match(alicePassword, /^[A-Za-z0-9_-]{24}$/, 'the generated password alone on stdout');
  t.match(created.stderr, /created operator alice \(usr_[0-9a-f]{16}\) of tenant acme/);
  const alice = await login('alice', alicePassword);
  t.equal(alice.status, 200, 'a user made by the CLI logs in on the running node');
  t.match(await alice.json(), { user: { username: 'alice', role: 'operator', tenantId: 'acme' } });
  const listed = await run(process.execPath, [CLI_JS, 'list-users', '--tenant', 'acme'], { env });
  t.match(listed.stdout, /^usr_[0-9a-f]{16}\talice\toperator\tacme\t/m);
  t.notMatch(listed.stdout, /admin/, 'filtered by tenant');
  await t.rejects(run(process.execPath, [CLI_JS, 'create-user', 'alice', '--role', 'viewer', '--tenant', 'acme'], { env }), 'a taken username is refused');
  await t.rejects(run(process.execPath, [CLI_JS, 'create-user', 'bob', '--role', 'viewer', '--cluster'], { env }), 'a cluster user must be an admin');
  const reset = await run(process.execPath, [CLI_JS, 'set-password', 'alice'], { env });
  t.equal((await login('alice', alicePassword)).status, 401, 'the old password stops working');
  t.equal((await login('alice', reset.stdout.trim())).status, 200, 'the new one works');

  await server.stop();
  const again = await startServer(t, { dataDir });
  t.notMatch(again.output().stdout, /first admin user/, 'not printed again on the next start');
});
