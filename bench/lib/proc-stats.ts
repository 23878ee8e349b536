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
