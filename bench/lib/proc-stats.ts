/**
 * Reads a process's memory, CPU time and open-file usage from /proc (Linux only; the
 * bench reports "n/a" elsewhere). CPU counts all threads, so a server with worker
 * threads is measured as a whole.
 */
import { readFileSync, readdirSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux x86_64 and arm64

export interface ProcSample {
  rssBytes: number;
  cpuSeconds: number;
  threads: number;
  openFiles: number;
}

export function sampleProcess(pid: number, countFiles = true): ProcSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const threads = Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? 0);
    // Fields after the command name, which may contain spaces: split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime + stime
    const openFiles = countFiles ? readdirSync(`/proc/${pid}/fd`).length : 0;
    return { rssBytes: rssKb * 1024, cpuSeconds, threads, openFiles };
  } catch {
    return undefined;
  }
}

/** Soft "Max open files" of a process, or 0 when unknown. */
export function fdLimit(pid: number | 'self'): number {
  try {
    const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
    const m = /Max open files\s+(\d+|unlimited)/.exec(limits);
    return m ? (m[1] === 'unlimited' ? Infinity : Number(m[1])) : 0;
  } catch {
    return 0;
  }
}

/** Busy and total jiffies of the whole machine (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = v[3] + (v[4] ?? 0); // idle + iowait
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // up to steal; guest is inside user
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Several processes (a cluster's nodes) sampled together; missing ones are skipped. */
export interface GroupSample {
  rssBytes: number;
  openFiles: number;
  /** CPU seconds per live process, so a delta survives a process that died meanwhile. */
  cpu: Map<number, number>;
}

export function sampleGroup(pids: number[], countFiles = true): GroupSample | undefined {
  const out: GroupSample = { rssBytes: 0, openFiles: 0, cpu: new Map() };
  for (const pid of pids) {
    const p = sampleProcess(pid, countFiles);
    if (!p) continue;
    out.rssBytes += p.rssBytes;
    out.openFiles += p.openFiles;
    out.cpu.set(pid, p.cpuSeconds);
  }
  return out.cpu.size > 0 ? out : undefined;
}

/** CPU seconds used between two group samples by the processes alive in both. */
export function cpuDelta(before: Map<number, number> | undefined, after: Map<number, number> | undefined): number {
  if (!before || !after) return 0;
  let sum = 0;
  for (const [pid, cpu] of after) {
    const b = before.get(pid);
    if (b !== undefined) sum += cpu - b;
  }
  return sum;
}
