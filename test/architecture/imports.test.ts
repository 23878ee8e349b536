import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Imports point downwards: core/ is pure and imports nothing of ours outside core/; actors/
// builds on core/; adapters/ implement core's ports; api/ sees core/ and actors/ (the
// station-commands service) and ocpi/ (which sees what api/ sees), never workers/ or an adapter;
// workers/ compose everything.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOP = ['core', 'actors', 'adapters', 'api', 'ocpi', 'workers', 'bench'] as const;
type Top = (typeof TOP)[number];

/** Which of our top-level folders each folder may import from. */
const ALLOWED: Record<Top, readonly Top[]> = {
  core: ['core'],
  actors: ['core', 'actors'],
  adapters: ['core', 'adapters'],
  api: ['core', 'actors', 'api', 'ocpi'],
  // OCPI (issue #16) sits beside api/: it uses core/ and the command service like api/ does; api/ and workers/ wire it in.
  ocpi: ['core', 'actors', 'ocpi'],
  workers: ['core', 'actors', 'adapters', 'api', 'ocpi', 'workers'],
  bench: ['bench'],
};

/**
 * Each folder's public surface: the only modules another folder may import. core/ is the shared
 * vocabulary (types, pure logic, ports), all of it public. Everything else is private to its
 * folder: action files are reached through their tables, adapter slices through their store.
 */
const PUBLIC: Record<Top, RegExp> = {
  core: /^core\//,
  actors: /^actors\/(commands\/[^/]+|station-actor|router|inbound-dispatcher|handler-context|frame-sink|actions\/station-initiated|actions\/shared\/vendor-extensions)\.ts$/,
  adapters: /^adapters\/(store\/(open-store|sqlite-store)|bus\/[^/]+|pki\/open-plug-and-charge)\.ts$/,
  api: /^api\/(server|api-key-service|user-service)\.ts$/,
  ocpi: /^ocpi\/(plugin|admin-routes|services|config|token-authorizer)\.ts$/,
  workers: /^$/,
  bench: /^$/,
};

/** Packages that do I/O or belong to one runtime piece; core/ must stay free of them. */
const NOT_IN_CORE = /^(node:worker_threads|node:net|node:http|node:fs|node:child_process|uws-pack|fastify|@fastify\/|better-sqlite3|mongodb|pg|postgres|@nats-io\/|pino|prom-client|piscina)/;
/**
 * The exceptions, each with its reason: build-time tools that live beside the code they generate
 * for, and the validator loader, which looks for the generated modules on disk at start-up.
 */
const CORE_TOOLS = new Set(['core/ocpp/generate-validators.ts', 'core/ocpp/validator-codegen.ts', 'core/schemas.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|(?:^|\n)\s*import\s+'([^']+)'/g;

for (const top of TOP) {
  t.test(`${top}/ imports only ${ALLOWED[top].join(', ')}`, async (t) => {
    const offences: string[] = [];
    for (const file of sources(join(ROOT, top))) {
      const rel = relative(ROOT, file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(IMPORT)) {
        const spec = match[1] ?? match[2] ?? match[3]!;
        if (spec.startsWith('.')) {
          const target = relative(ROOT, resolve(dirname(file), spec)).split('/')[0] as Top;
          if ((TOP as readonly string[]).includes(target) && !ALLOWED[top].includes(target)) offences.push(`${rel} → ${spec}`);
        } else if (top === 'core' && !CORE_TOOLS.has(rel) && NOT_IN_CORE.test(spec)) {
          offences.push(`${rel} → ${spec} (core/ is pure: no I/O, no runtime pieces)`);
        }
      }
    }
    t.same(offences, [], 'no import points upwards or sideways');
  });
}

t.test('other folders import only each folder\'s public surface', async (t) => {
  const offences: string[] = [];
  for (const top of TOP) {
    for (const file of sources(join(ROOT, top))) {
      const rel = relative(ROOT, file);
      for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const spec = match[1] ?? match[2] ?? match[3]!;
        if (!spec.startsWith('.')) continue;
        const target = relative(ROOT, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
        const targetTop = target.split('/')[0] as Top;
        if (targetTop === top || !(TOP as readonly string[]).includes(targetTop)) continue;
        if (!PUBLIC[targetTop].test(target)) offences.push(`${rel} → ${target} (not part of ${targetTop}/'s public surface)`);
      }
    }
  }
  t.same(offences, [], 'no import reaches into another folder\'s private modules');
});
