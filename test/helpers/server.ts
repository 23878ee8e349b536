import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Starts a real Switchyard process (`node dist/workers/main.js`) for end-to-end tests.
 * `npm test` runs `tsc` before tap, so dist/ is expected to be built already.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN_JS = join(ROOT, 'dist', 'workers', 'main.js');

/** The admin API key every test server is started with; `api()` sends it on every request. */
export const ADMIN_KEY = 'test-admin-key-0123456789';
export const ADMIN_AUTH = { authorization: `Bearer ${ADMIN_KEY}` } as const;

/** The part of a tap Test the helper needs (teardown, and a place to dump logs on failure). */
export interface TestLike {
  teardown(fn: () => unknown): void;
  comment(...args: unknown[]): void;
  passing(): boolean;
}

export interface StartOptions {
  /** Extra or overriding CSMS_* variables. */
  env?: Record<string, string>;
  /** Reuse a data dir (e.g. across a restart); the caller then owns its removal. */
  dataDir?: string;
  /** Reuse ports (e.g. across a restart). */
  ports?: { ocpp: number; api: number };
  /** How long to wait for GET /health (generous: CI machines may be busy). */
  startTimeoutMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from the stop signal (or from start, if it exited by itself) to exit. */
  ms: number;
}

export interface TestServer {
  readonly pid: number;
  readonly ocppPort: number;
  readonly apiPort: number;
  readonly dataDir: string;
  /** ws://127.0.0.1:PORT/ocpp, the endpoint stations append their id to. */
  readonly ocppUrl: string;
  readonly apiUrl: string;
  /** Resolves when the process exits, however it exits. */
  readonly exited: Promise<ExitInfo>;
  /** fetch against the API, with the admin Authorization header. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** api() with a JSON body (if given), asserting nothing; returns status and parsed body. */
  apiJson<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Registers a station with a password through the API; throws unless 201. */
  registerStation(id: string, password: string): Promise<void>;
  /** Prometheus text of GET /metrics. */
  metrics(): Promise<string>;
  /** Sends a signal (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<ExitInfo>;
  /** Everything the process wrote so far. */
  output(): { stdout: string; stderr: string };
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}

/** Ports freePort gave this process. */
const handedOut = new Set<number>();

/**
 * A free TCP port on loopback. Binding port 0 would hand out a port from the kernel's
 * ephemeral range, where other test runs and benchmarks on this machine pick theirs too, and
 * uWebSockets listens with SO_REUSEPORT, so two processes on one port would silently split the
 * stations between them. So: a random port below the ephemeral range, checked by binding it.
 * Never one this process was already given: two calls in a row (a server's OCPP and API ports)
 * would otherwise get the same port about once in 12,000, both being free until one is used.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (handedOut.has(port) || !(await canBind(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('no free port found in 20000-31999');
}

/** Inodes of the listening TCP sockets on a port (Linux /proc), to check who owns it. */
function listeningInodes(port: number): Set<string> | undefined {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue;
      if (parseInt(cols[1]!.split(':')[1]!, 16) === port) inodes.add(cols[9]!);
    }
  }
  return inodes;
}

/** True unless some other process also listens on `port` (unknowable without /proc: true). */
function ownsPort(pid: number, port: number): boolean {
  const inodes = listeningInodes(port);
  if (!inodes) return true;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return true;
  }
  const mine = new Set<string>();
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) mine.add(match[1]!);
    } catch {
      // fd closed meanwhile
    }
  }
  return [...inodes].every((inode) => mine.has(inode));
}

export function assertBuilt(): void {
  if (!existsSync(MAIN_JS)) {
    throw new Error(`${MAIN_JS} is missing: build first with \`npx tsc -p tsconfig.json\` (npm test does this)`);
  }
}

export function baseEnv(ports: { ocpp: number; api: number }, dataDir: string): Record<string, string> {
  return {
    CSMS_HOST: '127.0.0.1',
    CSMS_OCPP_PORT: String(ports.ocpp),
    CSMS_API_PORT: String(ports.api),
    CSMS_DATA_DIR: dataDir,
    CSMS_WORKERS: '1',
    CSMS_SCRYPT_COST: '1024',
    // E2E_LOG_LEVEL=debug npx tap … shows more of the server when a test fails.
    CSMS_LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    CSMS_ADMIN_KEY: ADMIN_KEY,
  };
}

function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  // Drop inherited CSMS_* so a developer's shell cannot change what a test runs against.
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('CSMS_')) env[key] = value;
  return { ...env, ...overrides };
}

function spawnMain(env: Record<string, string>): { child: ChildProcess; out: { stdout: string; stderr: string }; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }> } {
  const child = spawn(process.execPath, [MAIN_JS], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out.stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal, at: Date.now() }));
  });
  return { child, out, exited };
}

/**
 * Runs the server expecting it to fail on start (e.g. bad configuration).
 * Resolves with its exit code, output and how long it ran; kills it after `timeoutMs`.
 */
export async function runExpectingExit(
  env: Record<string, string>,
  timeoutMs = 10_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; stdout: string; stderr: string }> {
  assertBuilt();
  const ports = { ocpp: await freePort(), api: await freePort() };
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-'));
  const started = Date.now();
  const { child, out, exited } = spawnMain({ ...baseEnv(ports, dataDir), ...env });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const result = await exited;
  clearTimeout(timer);
  rmSync(dataDir, { recursive: true, force: true });
  return { code: result.code, signal: result.signal, ms: result.at - started, ...out };
}

/**
 * Starts a server, waits for GET /health, and registers teardown (SIGKILL if alive, data dir
 * removal, output dumped when the test failed). Retries on other ports if a port turns out to
 * be shared with another process.
 */
export async function startServer(t: TestLike, options: StartOptions = {}): Promise<TestServer> {
  assertBuilt();
  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'switchyard-e2e-'));
  const started: TestServer[] = [];
  // One teardown, so the process is surely dead before its data dir goes.
  t.teardown(async () => {
    for (const server of started) {
      await server.stop('SIGKILL');
      if (!t.passing()) {
        const { stdout, stderr } = server.output();
        t.comment(`server pid ${server.pid} (ocpp ${server.ocppPort}, api ${server.apiPort}) stdout:\n${stdout}`);
        t.comment(`server stderr:\n${stderr}`);
      }
    }
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  for (let attempt = 1; ; attempt++) {
    const ports = options.ports ?? { ocpp: await freePort(), api: await freePort() };
    try {
      const server = await startOnce(options, ports, dataDir, started);
      if (ownsPort(server.pid, ports.ocpp)) return server;
      await server.stop('SIGKILL');
      throw new PortClash(`another process also listens on OCPP port ${ports.ocpp}`);
    } catch (error) {
      const clash = error instanceof PortClash || /EADDRINUSE|cannot listen|already in use/.test(String(error));
      if (!clash || options.ports || attempt >= 3) throw error;
      t.comment(`retrying on other ports: ${(error as Error).message.split('\n')[0]}`);
    }
  }
}

class PortClash extends Error {}

async function startOnce(options: StartOptions, ports: { ocpp: number; api: number }, dataDir: string, registry: TestServer[]): Promise<TestServer> {
  const env = { ...baseEnv(ports, dataDir), ...options.env };
  const started = Date.now();
  const { child, out, exited: rawExit } = spawnMain(env);
  let stopRequestedAt: number | undefined;
  let alive = true;
  const exited = rawExit.then(({ code, signal, at }) => {
    alive = false;
    return { code, signal, ms: at - (stopRequestedAt ?? started) };
  });

  const apiUrl = `http://127.0.0.1:${ports.api}`;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(apiUrl + path, { ...init, headers: { ...ADMIN_AUTH, ...(init.headers as Record<string, string> | undefined) } });

  const server: TestServer = {
    pid: child.pid!,
    ocppPort: ports.ocpp,
    apiPort: ports.api,
    dataDir,
    ocppUrl: `ws://127.0.0.1:${ports.ocpp}/ocpp`,
    apiUrl,
    exited,
    api,
    async apiJson(method, path, body) {
      const init: RequestInit = { method };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers = { 'content-type': 'application/json' };
      }
      const response = await api(path, init);
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed as any };
    },
    async registerStation(id, password) {
      const { status, body } = await server.apiJson('POST', '/stations', { id, password });
      if (status !== 201) throw new Error(`POST /stations ${id} answered ${status}: ${JSON.stringify(body)}`);
    },
    async metrics() {
      const response = await api('/metrics');
      if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
      return response.text();
    },
    async stop(signal = 'SIGTERM') {
      if (alive) {
        stopRequestedAt = Date.now();
        child.kill(signal);
      }
      return exited;
    },
    output: () => ({ ...out }),
  };
  registry.push(server);

  // Wait for the API to answer; fail fast if the process dies first.
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let died = false;
  void exited.then(() => (died = true));
  for (;;) {
    if (died) throw new Error(`server exited during start-up:\n${out.stderr}\n${out.stdout}`);
    try {
      const response = await api('/health');
      if (response.status === 200) {
        await response.arrayBuffer();
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not answer GET /health within the start timeout:\n${out.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return server;
}

/** Parses Prometheus text into `name{labels} → value` for simple lookups. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    const ok = Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`));
    if (!ok) continue;
    found = true;
    total += Number(match[3]);
  }
  return found ? total : 0;
}

/** Polls `check` until it returns a truthy value; for state only visible by asking (the API). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
