/**
 * Starts and stops the server under test: Switchyard (dist/workers/main.js), one of the
 * baselines, or nothing for an external --target. Every server gets free ports, a temp
 * data dir, a raised open-file limit where allowed, and a log file kept for the report.
 */
import net from 'node:net';
import { mkdtempSync, openSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { request, setApiKey } from './rest.js';
import { spawnNodeRaised } from '../lib/fd-limit.js';
import { fdLimit } from '../lib/proc-stats.js';
import { switchyardMain, switchyardNodeFlags, uwsBaseline, wsBaseline } from '../lib/paths.js';
import type { ClusterInfo } from './cluster.js';

export type TargetKind = 'switchyard' | 'uws' | 'ws' | 'external';

export interface ServerHandle {
  kind: TargetKind;
  ocppUrl: string;
  apiUrl: string;
  pid?: number;
  /** Open-file limit of the server process (0 = unknown). */
  fdLimit: number;
  logFile?: string;
  startSeconds: number;
  /** A cluster: every node's OCPP URL (stations spread over them); ocppUrl is the first. */
  ocppUrls?: string[];
  /** Processes that together are the server (a cluster's nodes); default [pid]. */
  processes?(): number[];
  /** Set when the target is a cluster (orchestrator/cluster.ts). */
  cluster?: ClusterInfo;
  /** Resolves with the seconds the server took to exit after SIGTERM. */
  stop(): Promise<number>;
}

export interface StartOptions {
  workers?: number;
  externalOcppUrl?: string;
  externalApiUrl?: string;
  externalPid?: number;
  /** API key for an external target's REST API. */
  externalApiKey?: string;
  readyTimeoutMs?: number;
  /** Write V8 CPU profiles of every server thread here (node --cpu-prof). */
  cpuProfileDir?: string;
  /** Extra environment for Switchyard (a cluster node's store, NATS, node id). */
  env?: NodeJS.ProcessEnv;
  /** REST admin key to use instead of a fresh one (all nodes of a cluster share one). */
  apiKey?: string;
}

/** Processes a server handle stands for. */
export function serverPids(h: ServerHandle): number[] {
  return h.processes ? h.processes() : h.pid ? [h.pid] : [];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startServer(kind: TargetKind, o: StartOptions = {}): Promise<ServerHandle> {
  if (kind === 'external') {
    const ocppUrl = o.externalOcppUrl ?? 'ws://127.0.0.1:8080/ocpp';
    const u = new URL(ocppUrl);
    const apiUrl = o.externalApiUrl ?? `http://${u.hostname}:${Number(u.port || 80) + 1}`;
    const pid = o.externalPid;
    setApiKey(o.externalApiKey);
    return { kind, ocppUrl, apiUrl, pid, fdLimit: pid ? fdLimit(pid) : 0, startSeconds: 0, stop: async () => 0 };
  }
  const script = kind === 'switchyard' ? switchyardMain : kind === 'uws' ? uwsBaseline : wsBaseline;
  if (!existsSync(script)) throw new Error(`${script} does not exist (run: npx tsc -p tsconfig.json)`);
  // The kernel may hand the same ephemeral port out twice in a row once it is closed again.
  const ocppPort = await freePort();
  let apiPort = await freePort();
  while (apiPort === ocppPort) apiPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `switchyard-bench-${kind}-`));
  const logFile = join(dataDir, 'server.log');
  // Switchyard's REST API wants an admin key; the baselines ignore it.
  const apiKey = o.apiKey ?? randomBytes(24).toString('hex');
  setApiKey(apiKey);
  const log = openSync(logFile, 'a');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CSMS_OCPP_PORT: String(ocppPort),
    CSMS_API_PORT: String(apiPort),
    CSMS_DATA_DIR: join(dataDir, 'data'),
    CSMS_ALLOW_UNKNOWN_STATIONS: 'true',
    // scrypt N for station password hashes: cheap, so a boot storm measures the CSMS,
    // not the key-derivation function (production uses a much higher cost).
    CSMS_SCRYPT_COST: '1024',
    CSMS_HEARTBEAT_INTERVAL: '300',
    // The simulator's id tags (8 hex characters, B0000000…B00003E7) are not provisioned: accept them, as unknown
    // stations are, so the transactions scenario measures sessions, not rejections.
    CSMS_UNKNOWN_TOKENS: 'accept-all',
    CSMS_ADMIN_KEY: apiKey,
    CSMS_METRICS_PUBLIC: 'true',
    CSMS_LOG_LEVEL: process.env.CSMS_LOG_LEVEL ?? 'warn',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...o.env,
  };
  if (o.workers) env.CSMS_WORKERS = String(o.workers);
  const started = Date.now();
  const nodeArgs = [...(kind === 'switchyard' ? switchyardNodeFlags : []), ...(o.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfileDir] : [])];
  const child = spawnNodeRaised(script, [], { env, stdio: ['ignore', log, log] }, nodeArgs);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const ocppUrl = `ws://127.0.0.1:${ocppPort}/ocpp`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const deadline = Date.now() + (o.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exited) throw new Error(`${kind} exited during start-up:\n${tail(logFile)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${kind} not ready within ${(o.readyTimeoutMs ?? 30_000) / 1000} s:\n${tail(logFile)}`);
    }
    const ok = await request('GET', `${apiUrl}/health`, undefined, 1000).then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const startSeconds = (Date.now() - started) / 1000;
  const pid = child.pid;
  return {
    kind,
    ocppUrl,
    apiUrl,
    pid,
    fdLimit: pid ? fdLimit(pid) : 0,
    logFile,
    startSeconds,
    async stop() {
      const t0 = Date.now();
      if (!exited) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 12_000);
        await exitPromise;
        clearTimeout(killer);
      }
      const seconds = (Date.now() - t0) / 1000;
      // Logs are read (tail) by the runner before stop(); keep them only on request.
      if (!process.env.BENCH_KEEP_LOGS) rmSync(dataDir, { recursive: true, force: true });
      return seconds;
    },
  };
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
