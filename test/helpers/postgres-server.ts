import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort, type TestLike } from './server.js';

/**
 * A real PostgreSQL server (Debian's `postgresql` package) for tests: a fresh cluster in a temp
 * dir (`initdb -A trust -U switchyard`), started with `pg_ctl` on a free loopback port with its
 * socket in that dir, stopped with `pg_ctl stop -m fast` (or by PID) at teardown. initdb and
 * pg_ctl refuse to run as root, so as root they run as the `postgres` user on a dir it owns.
 */
export const POSTGRES_INSTALL = 'apt-get install -y postgresql';
export const POSTGRES_USER = 'switchyard';

const run = promisify(execFile);

/** The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl, if PostgreSQL is installed. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

export interface TestPostgres {
  readonly host: string;
  readonly port: number;
  /** postmaster's PID while it runs. */
  readonly pid: number | undefined;
  /** Connection URL of a database on this server (default: the `postgres` maintenance database). */
  url(database?: string): string;
  /** Creates an empty database (named, or `sy_<n>`) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Runs SQL as the superuser on a database of this server (test set-up, fault injection). */
  query(database: string, text: string): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<void>;
  /** Stops the server (fast shutdown: clients are disconnected) and starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Stops it without starting again (data kept), for a test that brings it back with `start`. */
  pause(): Promise<void>;
  /** Starts a paused server again on the same port. */
  resume(): Promise<void>;
  /** The server's log so far. */
  output(): string;
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error(`no 'postgres' user: ${POSTGRES_INSTALL}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(t: TestLike, options: { settings?: Record<string, string> } = {}): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(`PostgreSQL is not installed: ${POSTGRES_INSTALL}`);
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-pg-'));
  if (asRoot) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const logFile = join(dir, 'log');
  const as = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);

  let port = 0;
  let pid: number | undefined;
  const admins = new Map<string, postgres.Sql>();
  const admin = (database: string) => {
    let sql = admins.get(database);
    if (!sql) admins.set(database, (sql = postgres({ host: '127.0.0.1', port, user: POSTGRES_USER, database, max: 1, onnotice: () => {} })));
    return sql;
  };
  const readLog = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

  const stop = async () => {
    for (const sql of admins.values()) await sql.end({ timeout: 1 }).catch(() => {});
    admins.clear();
    if (pid === undefined) return;
    const target = pid;
    pid = undefined;
    try {
      await as('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
    } catch {
      // pg_ctl could not stop it (or is gone): by PID, SIGQUIT = immediate shutdown.
      try {
        process.kill(target, 'SIGQUIT');
      } catch {
        return;
      }
      for (let i = 0; i < 100 && alive(target); i++) await new Promise((r) => setTimeout(r, 50));
      if (alive(target)) process.kill(target, 'SIGKILL');
    }
  };
  t.teardown(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  await as('initdb', ['-D', data, '-A', 'trust', '-U', POSTGRES_USER, '-E', 'UTF8', '--no-sync']);
  const settings = { listen_addresses: '127.0.0.1', max_connections: '200', ...options.settings };
  const startOn = (p: number) => {
    const serverOptions = [`-p ${p}`, `-k ${dir}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
    return as('pg_ctl', ['-D', data, '-o', serverOptions, '-l', logFile, '-w', '-t', '60', 'start']);
  };
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      await startOn(port);
      break;
    } catch (error) {
      // Another process took the port between the check and the bind: try another.
      if (attempt < 3 && /could not bind|address already in use/i.test(readLog())) continue;
      throw new Error(`pg_ctl start failed: ${(error as Error).message}\n${readLog()}`);
    }
  }
  const readPid = () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  pid = readPid();
  const pause = async () => {
    for (const sql of admins.values()) await sql.end({ timeout: 1 }).catch(() => {});
    admins.clear();
    if (pid === undefined) return;
    pid = undefined;
    await as('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
  };
  const resume = async () => {
    await startOn(port);
    pid = readPid();
  };
  // A test process that dies without its teardown must not leave a server behind.
  const orphanGuard = () => pid !== undefined && alive(pid) && process.kill(pid, 'SIGQUIT');
  process.once('exit', orphanGuard);
  t.teardown(() => void process.off('exit', orphanGuard));

  let databases = 0;
  const url = (database = 'postgres') => `postgres://${POSTGRES_USER}@127.0.0.1:${port}/${database}`;
  return {
    host: '127.0.0.1',
    port,
    get pid() {
      return pid;
    },
    url,
    createDatabase: async (name = `sy_${databases++}`) => {
      await admin('postgres').unsafe(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      return url(name);
    },
    query: async (database, text) => [...(await admin(database).unsafe(text))],
    stop,
    pause,
    resume,
    restart: async () => {
      await pause();
      await resume();
    },
    output: readLog,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
