/**
 * The orchestrator's view of the simulator: forks the child processes (each through a
 * shell that raises its open-file limit), splits commands over them and merges their
 * stats into fleet totals and latency histograms.
 */
import type { ChildProcess } from 'node:child_process';
import { Histogram } from '../sim/histogram.js';
import { emptyCounters, type ChildStats, type Counters, type FromChild, type LoadMode, type ToChild } from '../sim/ipc.js';
import { planSlices, type Slice, type VersionMix } from '../sim/station-plan.js';
import { spawnNodeRaised } from '../lib/fd-limit.js';
import { simChild } from '../lib/paths.js';

export interface PoolOptions {
  /** One URL, or a cluster's nodes: station i starts on urls[i mod n] (see FleetConfig). */
  urls: string[];
  /** Idle booted stations heartbeat at the interval their boot answer gave. */
  heartbeats?: boolean;
  stations: number;
  perChild: number;
  minChildren: number;
  mix: VersionMix;
  prefix: string;
  handshakeTimeoutMs: number;
  callTimeoutMs: number;
  bootRetryMaxMs: number;
  reconnect: boolean;
  /** Second octet of the loopback source addresses (see planSlices). */
  subnet: number;
}

export interface FleetTotals {
  connecting: number;
  open: number;
  booted: number;
  counters: Counters;
  cpuSeconds: number;
  rssBytes: number;
  loopDelayP99Ms: number;
  childFdLimit: number;
  /** Largest slice, i.e. the most sockets one child process must hold. */
  maxSocketsPerChild: number;
  lastOpenAt: number;
  lastBootAt: number;
  /** Booted stations per target URL. */
  bootedByTarget: number[];
}

export class SimPool {
  readonly fatal: string[] = [];
  private latest: Array<ChildStats | undefined>;
  private lastStatsAt: number[];
  private window = new Histogram();
  private phase = new Map<string, Histogram>();
  private phaseHandshake = new Histogram();
  private waiters = new Map<number, (booted: { indices: number[]; targets: number[] }) => void>();
  private req = 0;

  private constructor(readonly slices: Slice[], private children: ChildProcess[]) {
    this.latest = slices.map(() => undefined);
    this.lastStatsAt = slices.map(() => Date.now());
  }

  static async start(o: PoolOptions): Promise<SimPool> {
    const slices = planSlices(o.stations, o.perChild, o.minChildren, o.subnet);
    const children = slices.map((s) =>
      spawnNodeRaised(simChild, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, BENCH_CHILD: String(s.child) } }),
    );
    const pool = new SimPool(slices, children);
    await Promise.all(
      children.map(
        (c, i) =>
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`simulator child ${i} did not start`)), 15_000);
            c.on('message', (m: FromChild) => {
              if (m.t === 'ready') {
                clearTimeout(timer);
                resolve();
              } else pool.onMessage(m);
            });
            c.once('exit', (code) => code && pool.fatal.push(`simulator child ${i} exited with ${code}`));
            const s = slices[i];
            pool.send(i, {
              t: 'init',
              cfg: {
                urls: o.urls,
                heartbeats: o.heartbeats,
                prefix: o.prefix,
                mix: o.mix,
                handshakeTimeoutMs: o.handshakeTimeoutMs,
                callTimeoutMs: o.callTimeoutMs,
                bootRetryMaxMs: o.bootRetryMaxMs,
                reconnect: o.reconnect,
                first: s.first,
                count: s.count,
                sourceAddresses: s.sourceAddresses,
              },
            });
          }),
      ),
    );
    return pool;
  }

  private send(i: number, msg: ToChild): void {
    const c = this.children[i];
    if (c.connected) c.send(msg);
  }

  private onMessage(m: FromChild): void {
    if (m.t === 'stats') {
      this.latest[m.stats.child] = m.stats;
      this.lastStatsAt[m.stats.child] = Date.now();
      for (const [action, data] of Object.entries(m.stats.latency)) {
        this.window.merge(data);
        let h = this.phase.get(action);
        if (!h) this.phase.set(action, (h = new Histogram()));
        h.merge(data);
      }
      this.phaseHandshake.merge(m.stats.handshake);
    } else if (m.t === 'booted') {
      this.waiters.get(m.req)?.(m);
    } else if (m.t === 'fatal') this.fatal.push(m.message);
  }

  /** Splits a fleet-wide number over children in proportion to their slice sizes. */
  private share(total: number): number[] {
    const all = this.slices.reduce((a, s) => a + s.count, 0) || 1;
    const out = this.slices.map((s) => Math.floor((total * s.count) / all));
    let rest = total - out.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % out.length, rest--) out[i]++;
    return out;
  }

  /** True if some child has not reported for `ms`: it is too busy to be judged stalled. */
  lagging(ms = 2000): boolean {
    const now = Date.now();
    return this.lastStatsAt.some((t) => now - t > ms);
  }

  connect(upTo: number, rampPerSec: number, maxInflightPerChild: number, boot: boolean, untilBooted = false): void {
    const n = this.share(upTo);
    const ramp = rampPerSec > 0 ? rampPerSec / this.slices.length : 0;
    this.slices.forEach((_, i) => this.send(i, { t: 'connect', upTo: n[i], rampPerSec: ramp, maxInflight: maxInflightPerChild, boot, untilBooted }));
  }

  hold(): void {
    this.slices.forEach((_, i) => this.send(i, { t: 'hold' }));
  }

  /** Fleet-wide call rate, split in proportion to each child's booted stations. */
  load(mode: LoadMode, ratePerSec: number, meterValuesPerSession = 3): void {
    const booted = this.latest.map((s) => s?.booted ?? 0);
    const sum = booted.reduce((a, b) => a + b, 0);
    this.slices.forEach((_, i) => {
      const part = sum > 0 ? (ratePerSec * booted[i]) / sum : ratePerSec / this.slices.length;
      this.send(i, { t: 'load', mode, ratePerSec: part, meterValuesPerSession });
    });
  }

  drop(reconnect: boolean, rampPerSec = 0, maxInflightPerChild = 1e9): void {
    const ramp = rampPerSec > 0 ? rampPerSec / this.slices.length : 0;
    this.slices.forEach((_, i) => this.send(i, { t: 'drop', reconnect, rampPerSec: ramp, maxInflight: maxInflightPerChild }));
  }

  closeAll(): void {
    this.slices.forEach((_, i) => this.send(i, { t: 'close-all' }));
  }

  async listBooted(): Promise<number[]> {
    return (await this.listBootedWithTargets()).indices;
  }

  /** Booted stations and the index of the URL each is connected to. */
  async listBootedWithTargets(): Promise<{ indices: number[]; targets: number[] }> {
    const lists = await Promise.all(
      this.slices.map(
        (_, i) =>
          new Promise<{ indices: number[]; targets: number[] }>((resolve) => {
            const req = ++this.req;
            const timer = setTimeout(() => resolve({ indices: [], targets: [] }), 5000);
            this.waiters.set(req, (booted) => {
              clearTimeout(timer);
              this.waiters.delete(req);
              resolve(booted);
            });
            this.send(i, { t: 'list-booted', req });
          }),
      ),
    );
    return { indices: lists.flatMap((l) => l.indices), targets: lists.flatMap((l) => l.targets) };
  }

  totals(): FleetTotals {
    const t: FleetTotals = {
      connecting: 0,
      open: 0,
      booted: 0,
      counters: emptyCounters(),
      cpuSeconds: 0,
      rssBytes: 0,
      loopDelayP99Ms: 0,
      childFdLimit: Infinity,
      maxSocketsPerChild: Math.max(...this.slices.map((s) => s.count)),
      lastOpenAt: 0,
      lastBootAt: 0,
      bootedByTarget: [],
    };
    for (const s of this.latest) {
      if (!s) continue;
      t.connecting += s.connecting;
      t.open += s.open;
      t.booted += s.booted;
      addCounters(t.counters, s.counters);
      t.cpuSeconds += (s.cpuUserUs + s.cpuSystemUs) / 1e6;
      t.rssBytes += s.rssBytes;
      t.loopDelayP99Ms = Math.max(t.loopDelayP99Ms, s.loopDelayP99Ms);
      t.childFdLimit = Math.min(t.childFdLimit, s.fdLimit);
      t.lastOpenAt = Math.max(t.lastOpenAt, s.lastOpenAt);
      t.lastBootAt = Math.max(t.lastBootAt, s.lastBootAt);
      s.bootedByTarget.forEach((n, k) => (t.bootedByTarget[k] = (t.bootedByTarget[k] ?? 0) + n));
    }
    return t;
  }

  /** All calls answered since the previous call (for the per-second timeline). */
  takeWindow(): Histogram {
    const h = this.window;
    this.window = new Histogram();
    return h;
  }

  startPhase(): void {
    this.phase.clear();
    this.phaseHandshake = new Histogram();
  }

  /** Latency of the current phase, for some actions or all. */
  phaseLatency(actions?: string[]): Histogram {
    const out = new Histogram();
    for (const [action, h] of this.phase) if (!actions || actions.includes(action)) out.merge(h.toData());
    return out;
  }

  phaseActions(): string[] {
    return [...this.phase.keys()];
  }

  handshakeLatency(): Histogram {
    return this.phaseHandshake;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
            c.once('exit', () => (clearTimeout(timer), resolve()));
            if (c.connected) c.send({ t: 'exit' } satisfies ToChild);
            else c.kill('SIGTERM');
          }),
      ),
    );
  }
}

function addCounters(into: Counters, from: Counters): void {
  for (const key of Object.keys(from) as Array<keyof Counters>) {
    const v = from[key];
    if (typeof v === 'number') (into[key] as number) += v;
    else {
      const target = into[key] as Record<string, number>;
      for (const [k, n] of Object.entries(v)) target[k] = (target[k] ?? 0) + n;
    }
  }
}
