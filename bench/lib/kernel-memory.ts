/**
 * Kernel memory that no process's RSS shows: socket structures live in the slab
 * (/proc/meminfo `Slab`), TCP buffers are counted in pages by /proc/net/sockstat (`TCP … mem`).
 * Both are machine-wide (other processes' sockets and caches move them too).
 */
import { readFileSync } from 'node:fs';

const PAGE = 4096;

export interface KernelMemory {
  slabBytes: number;
  /** Unreclaimable part of the slab (socket objects among it). */
  slabUnreclaimableBytes: number;
  tcpBufferBytes: number;
  tcpSockets: number;
}

export function kernelMemory(): KernelMemory | undefined {
  try {
    const meminfo = readFileSync('/proc/meminfo', 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(meminfo)?.[1] ?? 0) * 1024;
    const sockstat = readFileSync('/proc/net/sockstat', 'utf8');
    const tcp = /^TCP: inuse (\d+) .*? mem (\d+)/m.exec(sockstat);
    return { slabBytes: kb('Slab'), slabUnreclaimableBytes: kb('SUnreclaim'), tcpBufferBytes: Number(tcp?.[2] ?? 0) * PAGE, tcpSockets: Number(tcp?.[1] ?? 0) };
  } catch {
    return undefined;
  }
}
