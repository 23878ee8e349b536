import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort, type TestLike } from './server.js';

/** The one command that makes the NATS tests run (PLATFORM.md). */
export const NATS_INSTALL = 'apt-get install -y nats-server';

/**
 * Why the NATS tests cannot run here, or undefined when `nats-server` is on PATH (where spawn
 * looks; Debian installs it in /usr/sbin).
 */
export function natsServerMissing(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, 'nats-server'), constants.X_OK);
      return undefined;
    } catch {
      // not in this directory
    }
  }
  return `nats-server is not on PATH: install it with \`${NATS_INSTALL}\``;
}

/** The parts of a tap test the helper uses to report a skip. */
type SkippableTest = TestLike & { plan(n: number, comment?: string): void; parent?: unknown };

/**
 * At the top of a test file whose tests all need NATS (`t` is tap's root): without nats-server
 * on PATH the file is reported as skipped, with the install command, and ends here.
 */
export function requireNatsServer(t: SkippableTest): void {
  const missing = natsServerMissing();
  if (!missing) return;
  if (t.parent) throw new Error(`${missing} (a single test that needs NATS takes { skip: natsServerMissing() })`);
  t.plan(0, missing);
  // tap has printed the skip; nothing after the call may run, so the file ends here, cleanly.
  process.exit(0);
}

/**
 * A real nats-server (Debian package, JetStream on) for tests: started on a free port with its
 * own store dir, stopped by PID. `restart()` brings it back on the same port and store.
 */
export interface TestNats {
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops and starts again on the same port; `wipe` empties the store first (a server that lost its disk). */
  restart(options?: { wipe?: boolean }): Promise<void>;
  output(): string;
}

function waitReady(child: ChildProcess, log: { text: string }, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server not ready in ${timeoutMs} ms:\n${log.text}`)), timeoutMs);
    const onData = () => {
      if (log.text.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited (${code}) during start:\n${log.text}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start nats-server (${NATS_INSTALL}): ${String(error)}`));
    });
    onData();
  });
}

/**
 * Starts a nats-server for the tests of `t`. Without nats-server on PATH: at the top of a file
 * (`t` is tap's root) the whole file is reported as skipped (`requireNatsServer`); inside a
 * test it is an error naming the install command, because a running test cannot turn into a
 * skipped one: such a test takes `{ skip: natsServerMissing() }`, or its file calls
 * `requireNatsServer(t)` first.
 */
export async function startNats(t: SkippableTest): Promise<TestNats> {
  requireNatsServer(t);
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'switchyard-nats-'));
  const log = { text: '' };
  let child: ChildProcess | undefined;

  const launch = async () => {
    const proc = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log.text += chunk));
    child = proc;
    await waitReady(proc, log, 15_000);
  };

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  };

  await launch();
  t.teardown(async () => {
    await stop('SIGKILL');
    rmSync(storeDir, { recursive: true, force: true });
  });
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid;
    },
    stop,
    restart: async (options = {}) => {
      await stop();
      if (options.wipe) {
        rmSync(storeDir, { recursive: true, force: true });
        mkdirSync(storeDir, { recursive: true });
      }
      await launch();
    },
    output: () => log.text,
  };
}
