/**
 * Cluster directory bench: `node dist/bench/directory.js [--nodes 3] [--stations 5000]
 * [--churn 200] [--lookups 500] [--seconds 10] [--ttl 30]`.
 *
 * Starts one nats-server (JetStream, temporary store, free port) and `--nodes` directory drivers
 * (dist/workers/directory-load.js: a node's StationDirectory and nothing else, so a driver's CPU
 * time is the directory's). Phases (every driver at once): connect all stations; idle (only the
 * leases); churn (reconnects at --churn per second per node, every 5th a takeover of another
 * node's station with its displacement notice); lookups (--lookups per second per node, of random
 * stations of every node). Reports ops/s and CPU per phase, per-operation CPU cost, nats-server
 * CPU, and the projection to 1M stations on 50 nodes. Measures and reports; never asserts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from './lib/paths.js';
import { sampleProcess } from './lib/proc-stats.js';
import { freePort } from './orchestrator/server-process.js';
import { backgroundCpuPct } from './lib/background.js';

interface PhaseLine {
  phase: 'connect' | 'idle' | 'churn' | 'lookups';
  node: string;
  seconds: number;
  cpuSec: number;
  /** Stations announced (connect), reconnects (churn), lookups (lookups). */
  events: number;
  counts: Record<string, number>;
  failures: number;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
  return value;
}

const nodes = option('nodes', 3);
const stations = option('stations', 5000);
const churnRate = option('churn', 200);
const lookupRate = option('lookups', 500);
const seconds = option('seconds', 10);
const ttlSec = option('ttl', 30);
const driverJs = resolve(repoRoot, 'dist/workers/directory-load.js');

async function startNats(): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-dirbench-nats-'));
  const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`nats-server not ready:\n${log}`)), 15_000);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('error', (error) => fail(new Error(`cannot start nats-server (apt-get install -y nats-server): ${String(error)}`)));
  });
  return { url: `nats://127.0.0.1:${port}`, child, dir };
}

function runDriver(plan: Record<string, unknown>, onLine: (line: PhaseLine) => void): Promise<number | null> {
  const child = spawn(process.execPath, [driverJs, JSON.stringify(plan)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      onLine(JSON.parse(buffer.slice(0, nl)) as PhaseLine);
      buffer = buffer.slice(nl + 1);
    }
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), (seconds * 3 + 180) * 1000);
  return new Promise((done) => child.once('exit', (code) => (clearTimeout(killer), done(code))));
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const background = await backgroundCpuPct();
  if (background !== undefined) console.log(`other processes used ${fmt(background, 0)} % of the machine's CPU before the run`);
  const nats = await startNats();
  const lines: PhaseLine[] = [];
  const natsCpu: Record<string, number> = {};
  let natsAt = sampleProcess(nats.child.pid!, false)?.cpuSeconds ?? 0;
  const markNats = (phase: string) => {
    const now = sampleProcess(nats.child.pid!, false)?.cpuSeconds ?? 0;
    natsCpu[phase] = (natsCpu[phase] ?? 0) + (now - natsAt);
    natsAt = now;
  };
  try {
    // Connect takes a while for many stations: the later phases start together, after it.
    const connectBudgetMs = Math.max(10_000, stations * nodes * 2);
    const startIdleAt = Date.now() + connectBudgetMs;
    const seen = new Map<string, number>();
    const exits = await Promise.all(
      Array.from({ length: nodes }, (_, index) =>
        runDriver(
          { natsUrl: nats.url, nodeId: `bench-${index}`, index, nodes, stations, ttlSec, idleSec: seconds, churnSec: seconds, churnRate, moveEvery: 5, lookupSec: seconds, lookupRate, startIdleAt },
          (line) => {
            lines.push(line);
            const count = (seen.get(line.phase) ?? 0) + 1;
            seen.set(line.phase, count);
            if (count === nodes) markNats(line.phase); // every driver finished this phase
          },
        ),
      ),
    );
    if (exits.some((code) => code !== 0)) console.log(`driver exit codes: ${exits.join(', ')}`);
  } finally {
    nats.child.kill('SIGTERM');
    await new Promise((r) => nats.child.once('exit', r));
    rmSync(nats.dir, { recursive: true, force: true });
  }
  report(lines, natsCpu);
}

function report(lines: PhaseLine[], natsCpu: Record<string, number>): void {
  const byPhase = (phase: PhaseLine['phase']) => lines.filter((l) => l.phase === phase);
  const sum = (ls: PhaseLine[], f: (l: PhaseLine) => number) => ls.reduce((a, l) => a + f(l), 0);
  const kvOps = (l: PhaseLine) => l.counts.get + l.counts.create + l.counts.update + l.counts.delete + l.counts.leaseRefresh;
  console.log(`Cluster directory bench: ${nodes} nodes × ${fmt(stations)} stations, churn ${churnRate}/s/node, lookups ${lookupRate}/s/node, ${seconds} s phases, lease TTL ${ttlSec} s`);
  console.log('phase     secs  KV ops/s (all nodes)  displace/s  lookups/s  CPU per node (% of a core)  nats-server CPU %');
  const cost: Record<string, number> = {};
  for (const phase of ['connect', 'idle', 'churn', 'lookups'] as const) {
    const ls = byPhase(phase);
    if (ls.length === 0) continue;
    const secs = Math.max(...ls.map((l) => l.seconds));
    const cpuPerNode = sum(ls, (l) => l.cpuSec) / ls.length / secs;
    const ops = sum(ls, kvOps);
    console.log(
      `${phase.padEnd(8)} ${fmt(secs, 1).padStart(5)}  ${fmt(ops / secs).padStart(20)}  ${fmt(sum(ls, (l) => l.counts.displaceSent) / secs).padStart(10)}  ${fmt(sum(ls, (l) => l.counts.lookup) / secs).padStart(9)}  ${fmt(cpuPerNode * 100, 1).padStart(26)}  ${fmt(((natsCpu[phase] ?? 0) / secs) * 100, 1).padStart(17)}`,
    );
    const idleCpu = byPhase('idle').length ? sum(byPhase('idle'), (l) => l.cpuSec) / sum(byPhase('idle'), (l) => l.seconds) : 0;
    const busy = (l: PhaseLine) => Math.max(0, l.cpuSec - idleCpu * l.seconds);
    if (phase === 'connect') cost.connect = (sum(ls, (l) => l.cpuSec) / sum(ls, (l) => l.events)) * 1e6;
    // A reconnect is a withdraw (delete) and an announce (create; for a takeover get + update +
    // a displacement notice, whose handling on the other node is in that node's CPU).
    if (phase === 'churn') cost.reconnect = (sum(ls, busy) / sum(ls, (l) => l.events)) * 1e6;
    if (phase === 'lookups') cost.lookup = (sum(ls, busy) / sum(ls, (l) => l.events)) * 1e6;
    if (phase === 'idle') cost.idlePct = cpuPerNode * 100;
    if (ls.some((l) => l.failures > 0)) console.log(`  (${sum(ls, (l) => l.failures)} failed directory operations)`);
  }
  const hits = sum(byPhase('lookups'), (l) => l.counts.cacheHit) / Math.max(1, sum(byPhase('lookups'), (l) => l.counts.lookup));
  console.log(`\nCPU per operation (driver process, idle baseline subtracted): connect ${fmt(cost.connect ?? 0, 1)} µs, reconnect (disconnect + connect) ${fmt(cost.reconnect ?? 0, 1)} µs, lookup ${fmt(cost.lookup ?? 0, 1)} µs (cache hits ${fmt(hits * 100, 1)} %); idle ${fmt(cost.idlePct ?? 0, 2)} % of a core per node with ${fmt(stations)} stations held`);
  // Projection: the directory's CPU per node follows event rates, not the stations held.
  const S = 1_000_000;
  const N = 50;
  const perNode = (reconnectsPerSec: number, lookupsPerSec: number) => ((reconnectsPerSec * (cost.reconnect ?? 0) + lookupsPerSec * (cost.lookup ?? 0)) / 1e6) * 100 + (cost.idlePct ?? 0);
  const daily = S / 86_400 / N;
  const storm = S / N / 60 / (N - 1);
  const commands = S / 3600 / N;
  console.log(`\nProjection to ${fmt(S)} stations on ${N} nodes: CPU per node = r_reconnect × ${fmt(cost.reconnect ?? 0, 1)} µs + r_lookup × ${fmt(cost.lookup ?? 0, 1)} µs + idle (lease) ${fmt(cost.idlePct ?? 0, 2)} %`);
  console.log(`  every station reconnects once a day: r = ${fmt(daily, 2)}/s per node, plus one uncached command lookup per station per hour (${fmt(commands, 1)}/s per node): ${fmt(perNode(daily, commands), 2)} % of a core per node`);
  console.log(`  a node dies and its ${fmt(S / N)} stations reconnect to the other ${N - 1} within 60 s: r = ${fmt(storm, 1)}/s per node during the storm: ${fmt(perNode(storm, commands), 2)} % of a core per node`);
  console.log(`  (the previous design re-put every station every TTL/3: ${fmt(S / N / 10)} KV puts/s per node at TTL 30 s, and every node watched the whole bucket: ${fmt(S / 10)} deliveries/s per node, whatever the churn)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
