import t from 'tap';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATS_INSTALL, natsServerMissing } from './nats-server.js';

// A newcomer's `npm test` without nats-server: every test that needs it is reported as skipped
// with the one install command, instead of crashing with `spawn nats-server ENOENT`. Each NATS
// test file runs here as a child with a PATH that holds node and nothing else.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function runWithoutNats(file: string): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = {};
  // Not the runner's TAP_* variables: the child reports on its own stdout, as a file run alone.
  for (const [key, value] of Object.entries(process.env)) if (!/^_?TAP/i.test(key)) env[key] = value;
  env.PATH = dirname(process.execPath);
  return new Promise((done) => {
    const child = spawn(process.execPath, [...process.execArgv, join(ROOT, file)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('exit', (code) => done({ code, out }));
  });
}

t.test('natsServerMissing names the install command only when nats-server is not on PATH', async (t) => {
  const path = process.env.PATH;
  t.teardown(() => {
    process.env.PATH = path;
  });
  process.env.PATH = dirname(process.execPath);
  t.equal(natsServerMissing(), `nats-server is not on PATH: install it with \`${NATS_INSTALL}\``);
  t.equal(NATS_INSTALL, 'apt-get install -y nats-server');
});

const wholeFiles = ['test/adapters/nats-bus.test.ts', 'test/workers/station-directory.test.ts', 'test/workers/nats-station-caller.test.ts', 'test/e2e/multi-node.test.ts'];
for (const file of wholeFiles) {
  t.test(`${file} without nats-server: skipped with the install command`, async (t) => {
    const { code, out } = await runWithoutNats(file);
    t.equal(code, 0, 'exits cleanly');
    t.match(out, /^1\.\.0 # nats-server is not on PATH: install it with `apt-get install -y nats-server`$/m, 'a skipped file, with the reason');
    t.notMatch(out, /ENOENT|not ok/);
  });
}

t.test('test/actors/station-commands-nats.test.ts without nats-server: its NATS test skipped, the rest run', async (t) => {
  const { code, out } = await runWithoutNats('test/actors/station-commands-nats.test.ts');
  t.equal(code, 0);
  t.match(out, /^ok 1 - request bodies/m);
  t.match(out, /^ok 2 - commands across nodes over a real nats-server # SKIP nats-server is not on PATH: install it with `apt-get install -y nats-server`$/m);
  t.notMatch(out, /ENOENT|not ok/);
});
