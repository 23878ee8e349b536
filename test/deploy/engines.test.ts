import t from 'tap';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Our `engines` states the Node version we test (20.19+). Runtime dependencies whose own `engines`
// exclude it are known, run on Node 20 here, and are named in the README; a new one fails this test.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const semver = require('semver') as { satisfies(version: string, range: string, options?: { includePrerelease?: boolean }): boolean; minVersion(range: string): { version: string } | null };

/**
 * Dependencies that declare Node >= 22 but run on Node 20 (README, Quick start). `cookie` and
 * `@nats-io/nuid` did too; `overrides` pins them to the previous release with the same API.
 */
const KNOWN = ['uws-pack'];

t.test('every runtime dependency accepts the Node version our engines field states, or is a known, documented exception', async (t) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; optional?: boolean; engines?: { node?: string } | string[] }>;
  };
  const ours = semver.minVersion(pkg.engines.node)!.version;
  t.equal(ours, '20.19.0', `package.json engines.node (${pkg.engines.node}) starts at the tested Node 20.19`);
  const excluding = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path || entry.dev || !entry.engines || Array.isArray(entry.engines) || !entry.engines.node) continue;
    if (!semver.satisfies(ours, entry.engines.node)) excluding.add(path.replace(/^.*node_modules\//, ''));
  }
  t.same([...excluding].sort(), [...KNOWN].sort(), 'runtime dependencies that exclude Node 20.19 by their engines');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const name of KNOWN) t.ok(readme.includes(`\`${name}\``), `README names ${name}`);
});
