import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { POSTGRES_INSTALL, postgresBinDir } from '../helpers/postgres-server.js';
import { natsServerMissing } from '../helpers/nats-server.js';

// The `cluster` bench scenario, small, end to end through the compiled CLI: 2 Switchyard nodes,
// one nats-server, one PostgreSQL, 50 stations spread over the nodes; they boot and idle with
// heartbeats, one node is killed with SIGKILL, its stations reconnect to the other node and a
// command reaches them. Asserts behaviour only (never timing), so the scenario cannot rot.

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const CLI = join(root, 'dist/bench/cli.js');
const missing = !existsSync(CLI)
  ? 'dist/bench/cli.js not built (npm run build)'
  : !postgresBinDir()
    ? `PostgreSQL is not installed: ${POSTGRES_INSTALL}`
    : natsServerMissing();

interface Run {
  scenario: string;
  target: string;
  ok: boolean;
  error?: string;
  metrics: Record<string, number | string | null>;
  notes: string[];
  timeline: Array<{ serverRssMb?: number }>;
}

t.test('bench cluster: 2 nodes × 25 stations, kill -9 of one, stations and commands move to the other', { skip: missing }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'switchyard-bench-cluster-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  // A heartbeat interval of 2 s makes the idle stations heartbeat within the 4 s idle phase.
  const args = [CLI, 'cluster', '--nodes', '2', '--stations', '50', '--duration', '4', '--heartbeat', '2', '--out', out];
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, args, { timeout: 240_000 }, (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
  if (result.code !== 0) t.comment(`${result.stdout}\n${result.stderr}`);
  t.equal(result.code, 0, 'the bench exits cleanly');
  t.match(result.stdout, /baselines skipped/, 'says why the baselines do not run');
  const json = readdirSync(out).find((f) => /^bench-.*\.json$/.test(f));
  t.ok(json, 'a JSON result file is written');
  const data = JSON.parse(readFileSync(join(out, json!), 'utf8')) as { runs: Run[] };
  t.equal(data.runs.length, 1, 'one run: Switchyard only');
  const r = data.runs[0];
  t.match(r, { scenario: 'cluster', target: 'switchyard' });
  t.equal(r.error, undefined, `without error ${r.error ?? ''}`);
  const m = r.metrics;
  t.equal(m.booted, 50, 'all 50 stations connected and booted');
  t.equal(m.perNodeAtStart, '25/25', 'spread evenly: station i on node i mod 2');
  t.ok(typeof m.serverRssMb === 'number' && m.serverRssMb > 0, 'the nodes RSS together is measured');
  t.ok((m.heartbeatsAnsweredPerSec as number) > 0, 'idle stations heartbeat and get answers');
  t.equal(m.idleErrors, 0, 'no failures while idle');
  t.equal(m.crossNodeProbesOk, m.crossNodeProbes, 'before the kill, commands through the other node reach the stations');
  t.equal(m.stationsOnKilledNode, 25, 'the killed node held its 25 stations');
  t.equal(m.notBack, 0, 'every station is back after the kill');
  t.ok(typeof m.secondsToAllBack === 'number', 'and the time until all were back is reported');
  t.equal(m.perNodeAfterStorm, '0/50', 'all on the surviving node');
  t.equal(m.movedProbed, 25, 'every moved station was probed');
  t.equal(m.movedReachedFirstTry, 25, 'and a command reached each of them');
  t.ok(r.timeline.some((p) => (p.serverRssMb ?? 0) > 0), 'the timeline samples the nodes');
});
