import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type TestLike } from './server.js';

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
    onData();
  });
}

export async function startNats(t: TestLike): Promise<TestNats> {
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
