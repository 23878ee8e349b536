/**
 * What a scenario works with: the server under test, the simulator pool, the sampler,
 * its parameters, and helpers for the things every scenario does — ramp up to N stations
 * (stopping cleanly at whatever cap the machine has), measure a phase, explain a stall.
 */
import { summarize, round, type LatencySummary } from '../sim/histogram.js';
import { cpuDelta, machineCpu, sampleGroup, sampleProcess } from '../lib/proc-stats.js';
import type { VersionMix } from '../sim/station-plan.js';
import type { Sampler } from './sampler.js';
import { answered, failures, unsupported } from './tally.js';
import type { FleetTotals, SimPool } from './sim-pool.js';
import { serverPids, type ServerHandle } from './server-process.js';

export interface Params {
  profile: 'quick' | 'full';
  stations: number;
  /** Messages (or commands) per second; for max-throughput the first step. */
  rate: number;
  /** Seconds of measurement (hold time, load time, step time or storm deadline). */
  duration: number;
  /** Connections per second while ramping up; 0 = as fast as the in-flight cap allows. */
  ramp: number;
  /** Concurrent handshakes per simulator child while ramping. */
  maxInflight: number;
  /** Give up ramping after this many seconds without a new station. */
  stallSeconds: number;
  /** Register stations with passwords over REST first (Basic auth is checked). */
  register: boolean;
  mix: VersionMix;
  /** Switchyard nodes of the `cluster` scenario. */
  nodes: number;
  /** CSMS_HEARTBEAT_INTERVAL given to the stations (cluster scenario: idle stations heartbeat). */
  heartbeatSec: number;
}

export interface RampOutcome {
  requested: number;
  reached: number;
  seconds: number;
  /** Connections (or boots) per second over the ramp. */
  perSecond: number;
  complete: boolean;
  stopReason: string;
}

export interface PhaseStats {
  seconds: number;
  sent: number;
  /** CALLRESULTs and CALLERRORs. */
  answered: number;
  /** See tally.ts: timeouts, failed connects, unexpected closes, CALLERRORs except NotSupported. */
  errors: number;
  /** CALLERRORs NotSupported / NotImplemented. */
  unsupported: number;
  deferred: number;
  callErrors: Record<string, number>;
  serverCpuPct?: number;
  simCpuPct: number;
  /** Whole machine, % of all cores. */
  machineCpuPct?: number;
  latency: LatencySummary;
}

export type Metrics = Record<string, number | string | null>;

const FD_HEADROOM = 1000;

export class RunContext {
  readonly metrics: Metrics = {};
  readonly notes: string[] = [];
  /** Structured extras for the JSON/HTML report (e.g. max-throughput steps). */
  readonly details: Record<string, unknown> = {};
  constructor(
    readonly server: ServerHandle,
    readonly pool: SimPool,
    readonly sampler: Sampler,
    readonly params: Params,
  ) {}

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }

  /**
   * Server RSS once it stops moving (two readings 1 s apart within 1 MB), at most
   * `maxSec` seconds: right after start-up or a ramp the heap is still growing or
   * being collected, and a single reading can be off by tens of MB.
   */
  async settledRssBytes(maxSec = 6): Promise<number | undefined> {
    let prev = this.serverRssBytes();
    for (let i = 0; i < maxSec && prev !== undefined; i++) {
      await this.sleep(1000);
      const now = this.serverRssBytes();
      if (now === undefined || Math.abs(now - prev) < 2 ** 20) return now;
      prev = now;
    }
    return prev;
  }

  /** RSS of the server (all nodes of a cluster together). */
  serverRssBytes(): number | undefined {
    const pids = serverPids(this.server);
    return pids.length > 0 ? sampleGroup(pids, false)?.rssBytes : undefined;
  }

  /**
   * Connects (and boots) the first `n` stations and waits until they are all up, the
   * deadline passes, or no new station has come up for `stallSeconds`, in which case it
   * stops opening connections and records why.
   */
  async rampTo(n: number, o: { boot?: boolean; ramp?: number; maxInflight?: number; deadlineSec?: number; untilBooted?: boolean } = {}): Promise<RampOutcome> {
    const boot = o.boot ?? true;
    const t0 = Date.now();
    this.pool.connect(n, o.ramp ?? this.params.ramp, o.maxInflight ?? this.params.maxInflight, boot, o.untilBooted);
    const deadline = t0 + (o.deadlineSec ?? 600) * 1000;
    let best = 0;
    let bestAt = t0;
    let stopReason = 'complete';
    for (;;) {
      await this.sleep(100);
      const tot = this.pool.totals();
      const reached = boot ? tot.booted : tot.open;
      if (reached >= n) break;
      const now = Date.now();
      if (reached > best) [best, bestAt] = [reached, now];
      // A simulator child too busy to report is not a stall, but only up to a point.
      const stall = this.params.stallSeconds * 1000 * (this.pool.lagging() ? 3 : 1);
      if (now - bestAt > stall) {
        stopReason = `stalled at ${reached} of ${n}: ${this.diagnose(tot)}`;
        break;
      }
      if (now > deadline) {
        stopReason = `deadline reached at ${reached} of ${n}: ${this.diagnose(tot)}`;
        break;
      }
      if (this.pool.fatal.length > 0) {
        stopReason = `simulator failed: ${this.pool.fatal[0]}`;
        break;
      }
    }
    const tot = this.pool.totals();
    const reached = boot ? tot.booted : tot.open;
    const complete = reached >= n;
    if (!complete) {
      this.pool.hold();
      this.note(stopReason);
    }
    const last = boot ? tot.lastBootAt : tot.lastOpenAt;
    // Up to the last station that came up: a stall's waiting time is not setup time.
    const seconds = Math.max(0.001, ((last > t0 ? last : Date.now()) - t0) / 1000);
    return { requested: n, reached, seconds: round(seconds), perSecond: Math.round(reached / seconds), complete, stopReason };
  }

  /**
   * How a load scenario starts: `rampTo` the `stations` parameter (clamped to the server's
   * open-file limit) with the sampler in phase 'ramp'. When no station came up, `capped` says
   * why and the answer is undefined: the scenario has nothing to measure.
   */
  async rampFleet(): Promise<RampOutcome | undefined> {
    this.sampler.phase = 'ramp';
    const ramp = await this.rampTo(this.clampToServer(this.params.stations));
    if (ramp.reached > 0) return ramp;
    this.metrics.capped = ramp.stopReason;
    return undefined;
  }

  /**
   * Stations for scenarios that measure something other than capacity: at most the
   * server's open-file limit minus headroom. At the cap a server cannot accept its own REST
   * connections, and uWS spins a core on accept() (EMFILE) with connections left in the
   * backlog, which would pollute every number. connect and boot-storm go to the cap instead.
   */
  clampToServer(requested: number): number {
    const limit = this.server.fdLimit;
    if (!limit || !Number.isFinite(limit) || requested <= limit - FD_HEADROOM) return requested;
    const n = Math.max(1, limit - FD_HEADROOM);
    this.note(`ran with ${n} of ${requested} stations: the server's open-file limit is ${limit} (${FD_HEADROOM} kept for its REST API, database and threads); connect and boot-storm show the cap itself`);
    return n;
  }

  /** Best explanation for stations not coming up: limits first, then error kinds. */
  diagnose(tot: FleetTotals = this.pool.totals()): string {
    const parts: string[] = [];
    const limit = this.server.fdLimit;
    const pids = serverPids(this.server);
    for (const pid of pids) {
      const srv = sampleProcess(pid, true);
      const who = pids.length > 1 ? `server process ${pid}` : 'the server process';
      if (!srv) parts.push(`${who} has exited`);
      else if (limit && srv.openFiles >= limit - 64) {
        parts.push(`${pids.length > 1 ? `${who}: ` : 'server '}open-file limit reached (${srv.openFiles} of ${limit} descriptors in use; each station holds one socket, and the hard limit could not be raised)`);
      }
    }
    if (tot.open >= tot.childFdLimit * this.pool.slices.length - 64) parts.push('simulator open-file limit reached');
    const fails = Object.entries(tot.counters.connectFail).sort((a, b) => b[1] - a[1]);
    if (fails.some(([k]) => k === 'EADDRNOTAVAIL')) parts.push('client ephemeral ports exhausted (EADDRNOTAVAIL)');
    if (fails.length > 0) parts.push(`connection failures: ${fails.slice(0, 4).map(([k, v]) => `${k}×${v}`).join(', ')}`);
    const boots = tot.counters.bootPending + tot.counters.bootRejected;
    if (boots > 0) parts.push(`boots not accepted: ${boots}`);
    return parts.join('; ') || 'no progress and no error seen';
  }

  /** Starts a measured phase; `end()` returns what happened during it. */
  beginPhase(name: string, actions?: string[]): { end(): PhaseStats } {
    this.sampler.phase = name;
    this.pool.startPhase();
    const t0 = Date.now();
    const c0 = structuredClone(this.pool.totals());
    const s0 = sampleGroup(serverPids(this.server), false)?.cpu;
    const m0 = machineCpu();
    return {
      end: () => {
        const seconds = (Date.now() - t0) / 1000;
        const c1 = this.pool.totals();
        const s1 = sampleGroup(serverPids(this.server), false)?.cpu;
        const m1 = machineCpu();
        return {
          seconds: round(seconds),
          sent: c1.counters.sent - c0.counters.sent,
          answered: answered(c1.counters) - answered(c0.counters),
          errors: failures(c1.counters) - failures(c0.counters),
          unsupported: unsupported(c1.counters) - unsupported(c0.counters),
          deferred: c1.counters.deferred - c0.counters.deferred,
          callErrors: diffRecord(c1.counters.callErrors, c0.counters.callErrors),
          serverCpuPct: s0 !== undefined && s1 !== undefined ? round((cpuDelta(s0, s1) / seconds) * 100, 1) : undefined,
          simCpuPct: round(((c1.cpuSeconds - c0.cpuSeconds) / seconds) * 100, 1),
          machineCpuPct: m0 && m1 && m1.total > m0.total ? round(((m1.busy - m0.busy) / (m1.total - m0.total)) * 100, 1) : undefined,
          latency: summarize(this.pool.phaseLatency(actions)),
        };
      },
    };
  }

  /** Reports CALLERRORs by "Action:Code" as notes, so an unimplemented action is visible. */
  noteCallErrors(errors: Record<string, number>): void {
    for (const [key, n] of Object.entries(errors)) this.note(`CALLERROR ${key} ×${n}`);
  }
}

export function diffRecord(now: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(now)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}
