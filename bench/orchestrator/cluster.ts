/**
 * A Switchyard cluster as the server under test (the `cluster` scenario): one PostgreSQL
 * (Debian's package, a fresh cluster in a temp dir, run as the postgres user as initdb and
 * pg_ctl require), one nats-server (JetStream, temp store, monitoring port for /varz), and
 * `params.nodes` Switchyard processes sharing both, each with its own node id and ports.
 * Everything is started on free loopback ports and stopped by PID. Without nats-server or
 * PostgreSQL the run fails at once with the install command.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { freePort, startServer, type ServerHandle, type StartOptions } from './server-process.js';
import { request } from './rest.js';
import type { Params } from './context.js';

const run = promisify(execFile);

export const NATS_INSTALL = 'apt-get install -y nats-server';
export const POSTGRES_INSTALL = 'apt-get install -y postgresql';

export interface ClusterInfo {
  nodes: ServerHandle[];
  nodeIds: string[];
  /** Nodes killed by the scenario (indices into `nodes`). */
  killed: Set<number>;
  natsPid: number;
  /** nats-server's HTTP monitoring endpoint (/varz, /connz). */
  natsMonitorUrl: string;
  /** PostgreSQL's postmaster and its backends, as they are now. */
  postgresPids(): number[];
  /** SIGKILL of one node (kill -9): its stations lose their connections at once. */
  kill(index: number): Promise<void>;
}

/** Why a cluster cannot be started here (with the install command), or undefined. */
export function clusterMissing(): string | undefined {
  if (!onPath('nats-server')) return `nats-server is not installed: ${NATS_INSTALL}`;
  if (!postgresBinDir()) return `PostgreSQL is not installed: ${POSTGRES_INSTALL}`;
  return undefined;
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      return dir !== '' && (accessSync(join(dir, tool), constants.X_OK), true);
    } catch {
      return false;
    }
  });
}

function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const v = readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'bin', 'pg_ctl')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))[0];
  return v ? join(root, v, 'bin') : undefined;
}

interface Service {
  pid: number;
  stop(): Promise<void>;
}

async function startPostgres(): Promise<Service & { url: string; pids(): number[] }> {
  const bin = postgresBinDir()!;
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
    if (!line) throw new Error(`no 'postgres' user: ${POSTGRES_INSTALL}`);
    const [, , uid, gid] = line.split(':');
    chownSync(dir, Number(uid), Number(gid));
  }
  const as = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args));
  const data = join(dir, 'data');
  await as('initdb', ['-D', data, '-A', 'trust', '-U', 'switchyard', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  // Enough connections for every node's two pools; the rest is PostgreSQL's default (fsync on).
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=400`;
  try {
    await as('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  } catch (err) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`pg_ctl start failed: ${(err as Error).message}\n${log}`);
  }
  const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    pid,
    url: `postgres://switchyard@127.0.0.1:${port}/postgres`,
    pids: () => [pid, ...childrenOf(pid)],
    async stop() {
      try {
        await as('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
      } catch {
        try {
          process.kill(pid, 'SIGQUIT');
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Direct children of a process (PostgreSQL's backends), from /proc. */
function childrenOf(parent: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) out.push(Number(d));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

async function startNats(): Promise<Service & { url: string; monitorUrl: string }> {
  const port = await freePort();
  let monitor = await freePort();
  while (monitor === port) monitor = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-nats-'));
  const child: ChildProcess = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-m', String(monitor), '-js', '-sd', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`nats-server not ready:\n${log}`)), 15_000);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
      if (log.includes('Server is ready')) (clearTimeout(timer), ready());
    });
    child.once('error', (e) => (clearTimeout(timer), fail(new Error(`cannot start nats-server (${NATS_INSTALL}): ${String(e)}`))));
    child.once('exit', (code) => (clearTimeout(timer), fail(new Error(`nats-server exited (${code}):\n${log}`))));
  });
  return {
    pid: child.pid!,
    url: `nats://127.0.0.1:${port}`,
    monitorUrl: `http://127.0.0.1:${monitor}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(killer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts PostgreSQL, nats-server and `params.nodes` Switchyard nodes; one handle for all. */
export async function startCluster(params: Params, o: StartOptions): Promise<ServerHandle> {
  const missing = clusterMissing();
  if (missing) throw new Error(missing);
  const t0 = Date.now();
  const services: Service[] = [];
  const nodes: ServerHandle[] = [];
  const stopAll = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    for (const s of services.reverse()) await s.stop();
  };
  try {
    const pg = await startPostgres();
    services.push(pg);
    const nats = await startNats();
    services.push(nats);
    const apiKey = randomBytes(24).toString('hex');
    const nodeIds = Array.from({ length: params.nodes }, (_, i) => `bench-node-${i}`);
    // Started together: they migrate the empty database and take their leases at once.
    const started = await Promise.allSettled(
      nodeIds.map((id) =>
        startServer('switchyard', {
          ...o,
          apiKey,
          readyTimeoutMs: 60_000 + params.nodes * 5000,
          env: {
            CSMS_STORE: 'postgres',
            DATABASE_URL: pg.url,
            CSMS_PG_POOL: '4',
            NATS_URL: nats.url,
            CSMS_NODE_ID: id,
            CSMS_WORKERS: String(o.workers ?? 1),
            CSMS_HEARTBEAT_INTERVAL: String(params.heartbeatSec),
          },
        }),
      ),
    );
    for (const r of started) if (r.status === 'fulfilled') nodes.push(r.value);
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const killed = new Set<number>();
    const info: ClusterInfo = {
      nodes,
      nodeIds,
      killed,
      natsPid: nats.pid,
      natsMonitorUrl: nats.monitorUrl,
      postgresPids: pg.pids,
      async kill(index) {
        const pid = nodes[index].pid;
        killed.add(index);
        if (!pid) return;
        process.kill(pid, 'SIGKILL');
        for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
      },
    };
    // Readiness as every node sees it: all leases live, so commands can be routed anywhere.
    await waitLiveNodes(nodes, params.nodes, 30_000);
    return {
      kind: 'switchyard',
      ocppUrl: nodes[0].ocppUrl,
      apiUrl: nodes[0].apiUrl,
      ocppUrls: nodes.map((n) => n.ocppUrl),
      pid: undefined,
      processes: () => nodes.flatMap((n, i) => (n.pid && !killed.has(i) ? [n.pid] : [])),
      fdLimit: nodes[0].fdLimit,
      logFile: nodes[0].logFile,
      startSeconds: (Date.now() - t0) / 1000,
      cluster: info,
      async stop() {
        const s0 = Date.now();
        await stopAll();
        return (Date.now() - s0) / 1000;
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function waitLiveNodes(nodes: ServerHandle[], expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await Promise.all(nodes.map((n) => request('GET', `${n.apiUrl}/metrics`).then((r) => metric(String(r.body), 'csms_directory_live_nodes'), () => 0)));
    if (counts.every((c) => c >= expected)) return;
    if (Date.now() > deadline) throw new Error(`cluster nodes do not see each other: live nodes per node ${counts.join(', ')} (expected ${expected})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Sum of a Prometheus metric's samples (all label sets), optionally only those matching `labels`. */
export function metric(text: string, name: string, labels?: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    if (labels && !line.includes(labels)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sum;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
