import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// .ci/run's verdict, with `npm` replaced by a script that prints a given tap ending: a skipped
// test fails CI, the last line is "N passed, N failed, N skipped", and CI=true reaches the tests.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function ciRun(t: Test, tapOutput: string, exitCode: number, env: Record<string, string> = {}) {
  const dir = t.testdir({});
  mkdirSync(join(dir, '.ci'));
  mkdirSync(join(dir, 'bin'));
  // Only .ci/run: no install-deps next to it, so nothing is installed.
  copyFileSync(join(ROOT, '.ci', 'run'), join(dir, '.ci', 'run'));
  chmodSync(join(dir, '.ci', 'run'), 0o755);
  writeFileSync(join(dir, 'tap-output.txt'), tapOutput);
  const npm = join(dir, 'bin', 'npm');
  writeFileSync(npm, `#!/usr/bin/env bash\n[ "$1" = test ] || exit 0\necho "CI=$CI"\ncat "${join(dir, 'tap-output.txt')}"\nexit ${exitCode}\n`);
  chmodSync(npm, 0o755);
  const env2: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, ...env };
  if (!('CI' in env)) delete env2.CI;
  const result = spawnSync('bash', [join(dir, '.ci', 'run')], { env: env2, encoding: 'utf8' });
  const lines = result.stdout.trimEnd().split('\n');
  return { status: result.status, out: result.stdout, last: lines[lines.length - 1] };
}

const ending = (summary: string, extra = '') => `TAP version 14\n${extra}ok 1 - test/a.test.ts\n# ${summary}\n`;

t.test('all passed: exit 0, last line with the counts', async (t) => {
  const run = ciRun(t, ending('{ total: 12, pass: 12 }'), 0);
  t.equal(run.status, 0);
  t.equal(run.last, '12 passed, 0 failed, 0 skipped');
  t.match(run.out, /^CI=true$/m, 'the tests see CI=true (the MongoDB contract relies on it)');
});

t.test('a skipped test fails the run and is named', async (t) => {
  const skippedLine = '    ok 3 - commands across nodes # SKIP nats-server is not on PATH\n';
  const run = ciRun(t, ending('{ total: 12, pass: 11, skip: 1 }', skippedLine), 0);
  t.equal(run.status, 1, 'tap exits 0 for skips; CI does not');
  t.equal(run.last, '11 passed, 0 failed, 1 skipped');
  t.match(run.out, /CI fails on skipped tests[^\n]*\nok 3 - commands across nodes # SKIP nats-server is not on PATH\n/);
});

t.test('failures fail the run', async (t) => {
  const run = ciRun(t, ending('{ total: 12, pass: 10, fail: 2 }'), 1);
  t.equal(run.status, 1);
  t.equal(run.last, '10 passed, 2 failed, 0 skipped');
  const crashed = ciRun(t, ending('{ total: 3, pass: 3 }'), 1);
  t.equal(crashed.status, 1, 'a non-zero npm test with no failed test still fails');
  t.equal(crashed.last, '3 passed, 1 failed, 0 skipped');
});

t.test('a CI that sets CI itself keeps its value', async (t) => {
  t.match(ciRun(t, ending('{ total: 1, pass: 1 }'), 0, { CI: '1' }).out, /^CI=1$/m);
});
