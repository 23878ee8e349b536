/**
 * Records one timeline point per second during a run: fleet state from the simulator,
 * latency of the calls answered in that second, and the server process's memory, CPU
 * and open files from /proc. The HTML report draws its charts from these points.
 */
import { cpuDelta, machineCpu, sampleGroup, type GroupSample } from '../lib/proc-stats.js';
import { answered, failures } from './tally.js';
import os from 'node:os';
import { round } from '../sim/histogram.js';
import type { SimPool } from './sim-pool.js';

export interface TimelinePoint {
  t: number;
  phase: string;
  connecting: number;
  open: number;
  booted: number;
  sentPerSec: number;
  answeredPerSec: number;
  errorsPerSec: number;
  p50: number;
  p99: number;
  max: number;
  serverRssMb?: number;
  serverCpuPct?: number;
  serverFds?: number;
  simCpuPct: number;
  simRssMb: number;
  simLoopDelayMs: number;
  /** Whole machine, % of all cores: near 100 means the box (not one process) is saturated. */
  machineCpuPct?: number;
  /** CPU used by everything else on the machine (other users' builds and tests), % of one
   * core: machine − server − simulator − this orchestrator. High values mean noisy numbers. */
  otherCpuPct?: number;
}


const CORES = os.availableParallelism();

function selfCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export class Sampler {
  readonly points: TimelinePoint[] = [];
  phase = 'start';
  private timer?: NodeJS.Timeout;
  private t0 = Date.now();
  private last: { at: number; sent: number; results: number; errors: number; simCpu: number; serverCpu?: Map<number, number>; machine: ReturnType<typeof machineCpu>; self: number } =
    { at: Date.now(), sent: 0, results: 0, errors: 0, simCpu: 0, machine: machineCpu(), self: selfCpu() };

  /** `serverPids`: the server's processes (one, or a cluster's nodes); none for an unknown external target. */
  constructor(private pool: SimPool, private serverPids: () => number[] = () => []) {}

  start(): void {
    this.t0 = Date.now();
    this.last.serverCpu = this.server()?.cpu;
    this.timer = setInterval(() => this.sample(), 1000);
  }

  server(countFiles = false): GroupSample | undefined {
    const pids = this.serverPids();
    return pids.length > 0 ? sampleGroup(pids, countFiles) : undefined;
  }

  private sample(): void {
    const now = Date.now();
    const dt = (now - this.last.at) / 1000;
    const tot = this.pool.totals();
    const win = this.pool.takeWindow();
    const srv = this.server(true);
    const errors = failures(tot.counters);
    const done = answered(tot.counters);
    const mc = machineCpu();
    const m0 = this.last.machine;
    const self = selfCpu();
    const machinePct = mc && m0 && mc.total > m0.total ? ((mc.busy - m0.busy) / (mc.total - m0.total)) * 100 : undefined;
    const serverPct = srv ? (cpuDelta(this.last.serverCpu, srv.cpu) / dt) * 100 : 0;
    const simPct = ((tot.cpuSeconds - this.last.simCpu) / dt) * 100;
    const selfPct = ((self - this.last.self) / dt) * 100;
    this.points.push({
      t: round((now - this.t0) / 1000, 1),
      phase: this.phase,
      connecting: tot.connecting,
      open: tot.open,
      booted: tot.booted,
      sentPerSec: Math.round((tot.counters.sent - this.last.sent) / dt),
      answeredPerSec: Math.round((done - this.last.results) / dt),
      errorsPerSec: Math.round((errors - this.last.errors) / dt),
      p50: round(win.percentileMs(50)),
      p99: round(win.percentileMs(99)),
      max: round(win.max / 1000),
      serverRssMb: srv ? round(srv.rssBytes / 2 ** 20, 1) : undefined,
      serverCpuPct: srv ? round(serverPct, 1) : undefined,
      serverFds: srv?.openFiles,
      simCpuPct: round(((tot.cpuSeconds - this.last.simCpu) / dt) * 100, 1),
      simRssMb: round(tot.rssBytes / 2 ** 20, 1),
      simLoopDelayMs: round(tot.loopDelayP99Ms, 1),
      machineCpuPct: machinePct === undefined ? undefined : round(machinePct, 1),
      otherCpuPct: machinePct === undefined ? undefined : round(Math.max(0, machinePct * CORES - serverPct - simPct - selfPct), 1),
    });
    this.last = { at: now, sent: tot.counters.sent, results: done, errors, simCpu: tot.cpuSeconds, serverCpu: srv?.cpu ?? this.last.serverCpu, machine: mc, self };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
