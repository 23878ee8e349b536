/**
 * Raising the open-file limit. Each process that holds sockets (the CSMS, each simulator
 * child) is started through `sh -c 'ulimit -n …; exec node …'`, so the limit is raised
 * wherever the machine allows it; where the hard limit is lower (here: 20000, with
 * CAP_SYS_RESOURCE dropped) the soft limit is raised to the hard one instead.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export const WANTED_FD_LIMIT = 1_048_576;

const RAISE = `ulimit -n ${WANTED_FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"`;

/** Spawns `node [nodeArgs…] script args…` with the open-file limit raised as far as allowed. */
export function spawnNodeRaised(script: string, args: string[], options: SpawnOptions, nodeArgs: string[] = []): ChildProcess {
  return spawn('sh', ['-c', RAISE, process.execPath, ...nodeArgs, script, ...args], options);
}

export interface FdLimitProbe {
  requested: number;
  soft: number;
  hard: number;
  raised: boolean;
  message: string;
}

/** Tries the raise once in a throw-away shell and says what happened. */
export function probeFdLimit(): FdLimitProbe {
  const run = (cmd: string) => {
    try {
      return execFileSync('sh', ['-c', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch (err) {
      return String((err as { stderr?: string }).stderr ?? err).trim();
    }
  };
  const hard = Number(run('ulimit -Hn')) || 0;
  const direct = run(`ulimit -n ${WANTED_FD_LIMIT} 2>&1; true`) || 'ok';
  const soft = Number(run(`ulimit -n ${WANTED_FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; ulimit -n`)) || 0;
  const raised = soft >= WANTED_FD_LIMIT;
  const message = raised
    ? `ulimit -n ${WANTED_FD_LIMIT} succeeded`
    : `ulimit -n ${WANTED_FD_LIMIT} failed (${direct.split('\n')[0].replace(/^sh: \d+: /, '')}); using the hard limit ${hard}: one process can hold at most ~${hard - 100} sockets`;
  return { requested: WANTED_FD_LIMIT, soft, hard, raised, message };
}
