import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The deployment files' essentials. No Docker engine runs on our machines, so the Dockerfile
// and compose.yaml are checked as text only; the systemd unit is also run through
// `systemd-analyze verify` (Debian package `systemd`, installed by .ci/install-deps).

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

/** Variable names of the README's configuration table. */
function readmeVariables(): Set<string> {
  const names = new Set<string>();
  for (const m of read('README.md').matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)) names.add(m[1]!);
  return names;
}

t.test('Dockerfile', async (t) => {
  const ins = instructions(read('Dockerfile'));
  const froms = ins.filter((i) => i.op === 'FROM');
  t.ok(froms.length >= 2, 'multi-stage: at least two FROM');
  for (const f of froms) {
    const image = f.args.split(/\s+/)[0]!;
    t.ok(image.includes(':'), `${image} has an explicit tag`);
    t.notMatch(image, /:latest$/, `${image} is not :latest`);
  }
  t.ok(ins.some((i) => i.op === 'RUN' && /npm ci\b/.test(i.args)), 'build stage runs npm ci');
  t.ok(ins.some((i) => i.op === 'RUN' && /npm run build\b/.test(i.args)), 'and npm run build');
  t.ok(ins.some((i) => i.op === 'RUN' && /\bpython3\b/.test(i.args) && /\bmake\b/.test(i.args) && /\bg\+\+/.test(i.args)), 'installs the toolchain better-sqlite3 needs');

  // The last stage is what runs.
  const lastFrom = ins.lastIndexOf(froms[froms.length - 1]!);
  const runtime = ins.slice(lastFrom);
  t.notOk(runtime.some((i) => i.op === 'RUN' && /\b(g\+\+|npm ci|npm install)\b/.test(i.args)), 'runtime stage has no toolchain or dev install');
  t.ok(runtime.some((i) => i.op === 'COPY' && /--from=/.test(i.args) && /\bdist\b/.test(i.args)), 'runtime copies dist/ from the build stage');
  const users = runtime.filter((i) => i.op === 'USER');
  t.equal(users.length > 0, true, 'runtime sets USER');
  const user = users[users.length - 1]?.args ?? 'root';
  t.notMatch(user, /^(root|0)(:|$)/, `runs as ${user}, not root`);
  t.ok(runtime.some((i) => i.op === 'EXPOSE' && /\b8080\b/.test(i.args) && /\b8081\b/.test(i.args)), 'EXPOSE 8080 8081');
  const hc = runtime.find((i) => i.op === 'HEALTHCHECK');
  t.ok(hc, 'HEALTHCHECK present');
  t.match(hc?.args ?? '', /http:\/\/127\.0\.0\.1:8081\/health/, 'health check hits /health on the API port');
  t.match(hc?.args ?? '', /\bnode\b/, 'with node (no curl in slim images)');
  t.notMatch(hc?.args ?? '', /\b(curl|wget)\b/, 'not curl or wget');
  t.ok(runtime.some((i) => i.op === 'ENV' && /CSMS_DATA_DIR=\/data\b/.test(i.args)), 'CSMS_DATA_DIR=/data');
  t.ok(runtime.some((i) => i.op === 'VOLUME' && /\/data\b/.test(i.args)), '/data is a volume');
  t.ok(runtime.some((i) => i.op === 'CMD' && /dist\/workers\/main\.js/.test(i.args)), 'starts dist/workers/main.js');
  t.ok(runtime.some((i) => i.op === 'CMD' && i.args === '["node", "--max-semi-space-size=2", "dist/workers/main.js"]'), 'with the flags of npm start');
  // Every file the runtime copies from the context exists (COPY without --from).
  for (const c of ins.filter((i) => i.op === 'COPY' && !/--from=/.test(i.args))) {
    const sources = c.args.split(/\s+/).slice(0, -1);
    for (const s of sources) t.ok(existsSync(join(ROOT, s)), `COPY source ${s} exists`);
  }
});

t.test('.dockerignore keeps build output and secrets of the checkout out of the context', async (t) => {
  const lines = read('.dockerignore').split('\n').map((l) => l.trim());
  for (const p of ['node_modules', 'dist', 'data', '.git']) t.ok(lines.includes(p), `ignores ${p}`);
  for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'core', 'docs']) t.notOk(lines.includes(needed), `keeps ${needed}`);
});

t.test('compose.yaml', async (t) => {
  const text = read('compose.yaml');
  t.notMatch(text, /\t/, 'no tabs (YAML)');
  t.notMatch(text, /image:\s*\S+:latest\b/, 'no :latest image');
  // Top-level services: two-space indented keys under "services:".
  const services = text.split(/^services:\n/m)[1]!.split(/^\S/m)[0]!;
  const names = [...services.matchAll(/^ {2}([a-z][\w-]*):\s*$/gm)].map((m) => m[1]);
  t.same(names.sort(), ['nats', 'postgres', 'switchyard'], 'the three services');
  const block = (name: string) => services.split(new RegExp(`^  ${name}:\\s*$`, 'm'))[1]!.split(/^ {2}\S/m)[0]!;

  t.match(block('nats'), /image:\s*nats:2\s*$/m, 'nats:2');
  t.match(block('nats'), /-js\b/, 'with JetStream (-js)');
  t.match(block('postgres'), /image:\s*postgres:15\s*$/m, 'postgres:15');

  const sy = block('switchyard');
  const env = sy.split(/^ {4}environment:\s*$/m)[1]!.split(/^ {4}\S/m)[0]!;
  const vars = Object.fromEntries([...env.matchAll(/^ {6}([A-Z][A-Z0-9_]*):\s*(.*)$/gm)].map((m) => [m[1]!, m[2]!.trim()]));
  t.equal(vars.CSMS_STORE, 'postgres', 'CSMS_STORE=postgres');
  t.match(vars.DATABASE_URL ?? '', /^postgres:\/\/[^@]+@postgres:5432\//, 'DATABASE_URL points at the postgres service');
  t.match(vars.NATS_URL ?? '', /^nats:\/\/nats:4222$/, 'NATS_URL points at the nats service');
  const documented = readmeVariables();
  t.ok(documented.size > 20, 'README configuration table parsed');
  for (const name of Object.keys(vars)) t.ok(documented.has(name), `${name} is in the README's configuration table`);
  t.match(sy, /"8080:8080"/, 'publishes the OCPP port');
  t.match(sy, /"8081:8081"/, 'publishes the API port');
});

t.test('deploy/switchyard.service', async (t) => {
  const unit = read('deploy/switchyard.service');
  const keys = new Map<string, string[]>();
  for (const m of unit.matchAll(/^([A-Za-z]+)=(.*)$/gm)) keys.set(m[1]!, [...(keys.get(m[1]!) ?? []), m[2]!]);
  const one = (k: string) => keys.get(k)?.[0];
  t.equal(one('ExecStart'), '/usr/bin/node --max-semi-space-size=2 /opt/switchyard/dist/workers/main.js', 'ExecStart: the flags of npm start');
  t.equal(one('Restart'), 'on-failure', 'Restart=on-failure');
  t.equal(one('LimitNOFILE'), '1048576', 'LimitNOFILE=1048576');
  t.equal(one('EnvironmentFile'), '-/etc/switchyard/env', 'optional EnvironmentFile');
  t.ok(one('User') && one('User') !== 'root', 'a dedicated user');
  t.equal(one('NoNewPrivileges'), 'yes', 'NoNewPrivileges');
  t.equal(one('ProtectSystem'), 'strict', 'ProtectSystem=strict');
  t.equal(one('PrivateTmp'), 'yes', 'PrivateTmp');
  const dataDir = (keys.get('Environment') ?? []).map((e) => /^CSMS_DATA_DIR=(.+)$/.exec(e)?.[1]).find(Boolean);
  t.ok(dataDir, 'sets CSMS_DATA_DIR');
  t.ok((keys.get('ReadWritePaths') ?? []).some((p) => p.split(/\s+/).includes(dataDir!)), 'the data dir is writable under ProtectSystem=strict');
  t.notOk(keys.has('MemoryDenyWriteExecute'), 'no MemoryDenyWriteExecute (breaks V8 JIT)');

  const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    // CI installs it (.ci/install-deps); where it is missing this is the one thing not checked.
    t.skip('systemd-analyze not on PATH: apt-get install -y systemd');
    return;
  }
  // verify checks that ExecStart's binary exists: where node is not /usr/bin/node, verify a
  // copy that points at this node instead (the unit's path itself is asserted above).
  let path = join(ROOT, 'deploy/switchyard.service');
  if (!existsSync('/usr/bin/node')) {
    path = join(t.testdir({}), 'switchyard.service');
    writeFileSync(path, unit.replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `));
  }
  const r = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
  t.equal(r.status, 0, `systemd-analyze verify exits 0\n${r.stdout}${r.stderr}`);
  // Unknown keys and unparsable values are only warnings ("…, ignoring"): none allowed.
  t.notMatch(r.stderr, /ignoring|Unknown|Failed/i, 'and warns about nothing');
});

t.test('npm start, the bench and the deploy files run node with the same flags', async (t) => {
  const { switchyardNodeFlags } = await import('../../bench/lib/paths.js');
  const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start;
  t.equal(start, `node ${switchyardNodeFlags.join(' ')} dist/workers/main.js`, 'package.json start = bench flags');
  t.match(read('Dockerfile'), `CMD ["node", ${switchyardNodeFlags.map((f) => JSON.stringify(f)).join(', ')}, "dist/workers/main.js"]`);
  t.match(read('deploy/switchyard.service'), `ExecStart=/usr/bin/node ${switchyardNodeFlags.join(' ')} /opt/switchyard/dist/workers/main.js`);
});
