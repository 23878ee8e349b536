/** A description of the machine and checkout, stored with every result. */
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { repoRoot } from './paths.js';

export function machine(): { host: string; cpus: string; memoryGb: number; node: string; os: string; commit: string } {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (dirty) commit += ' (uncommitted changes)';
  } catch {
    commit = 'no commit yet';
  }
  return {
    host: os.hostname(),
    cpus: `${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    commit,
  };
}
