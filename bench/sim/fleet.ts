/**
 * The stations of one simulator process: opens connections at a bounded ramp rate and
 * concurrency, drives load at a target rate, sweeps timeouts, and keeps the counters and
 * latency histograms the orchestrator collects. One timer drives everything (no timer
 * per station), so idle stations cost nothing but memory.
 */
import { performance } from 'node:perf_hooks';
import { Histogram, type HistogramData } from './histogram.js';
import { emptyCounters, bump, type Counters, type FleetConfig, type LoadMode } from './ipc.js';
import { Station, IDLE, CONNECTING, OPEN, BOOTED } from './station.js';
import { basicAuth, stationId, stationPassword, versionFor } from './station-plan.js';
import { heartbeat } from './payloads.js';

const TICK_MS = 2;
const SWEEP_MS = 250;
// Connects started per tick at most. Even "all at once" must not block the event loop for
// seconds (16k connects take ~2 s of CPU): answers, timeouts and stats would stall with it.
const CONNECTS_PER_TICK = 256;

export class Fleet {
  readonly counters: Counters = emptyCounters();
  readonly stations: Station[] = [];
  readonly targets: Array<{ host: string; port: number; path: string }>;
  /** Booted stations per target. */
  readonly bootedByTarget: number[];
  autoBoot = true;
  open = 0;
  booted = 0;
  connecting = 0;
  lastOpenAt = 0;
  lastBootAt = 0;

  private latency = new Map<string, Histogram>();
  private handshake = new Histogram();
  private queue: Station[] = [];
  private queueHead = 0; // consumed prefix of `queue`, compacted now and then
  private queued: Uint8Array;
  private retries: Station[] = [];
  private lastRetryScan = 0;
  private opening = false;
  private desired = 0;
  private rampPerSec = 0;
  private maxInflight = 1000;
  /** Count stations against maxInflight until booted (see ToChild 'connect'). */
  private untilBooted = false;
  private tokens = 0;
  private reconnectDropped = false;
  private mode: LoadMode = 'none';
  private rate = 0;
  private budget = 0;
  // Booted stations with no call in flight, oldest first. The load driver takes from here
  // instead of scanning all stations: against a slow CSMS most stations are busy, and a
  // scan per tick would make the simulator burn CPU exactly when it must stay out of the way.
  private idle: Station[] = [];
  private idleHead = 0;
  private metersPerSession = 3;
  private seq = 0;
  private sourceTurn = 0;
  private lastTick = performance.now();
  private lastSweep = 0;
  private timer: NodeJS.Timeout;
  private heartbeatMs = 300_000;

  constructor(readonly cfg: FleetConfig) {
    this.targets = cfg.urls.map((u) => {
      const url = new URL(u);
      return { host: url.hostname, port: Number(url.port || 80), path: url.pathname.replace(/\/$/, '') };
    });
    this.bootedByTarget = this.targets.map(() => 0);
    for (let i = 0; i < cfg.count; i++) {
      const index = cfg.first + i;
      const id = stationId(cfg.prefix, index);
      const s = new Station(this, index, id, versionFor(index, cfg.mix), basicAuth(id, stationPassword(index)));
      s.target = index % this.targets.length;
      this.stations.push(s);
    }
    this.queued = new Uint8Array(cfg.count);
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  nextMessageId(): string {
    return (++this.seq).toString(36);
  }

  connect(upTo: number, rampPerSec: number, maxInflight: number, boot: boolean, untilBooted = false): void {
    this.opening = true;
    this.untilBooted = untilBooted && boot;
    this.desired = Math.min(upTo, this.stations.length);
    this.rampPerSec = rampPerSec;
    this.maxInflight = maxInflight;
    this.autoBoot = boot;
    this.tokens = rampPerSec > 0 ? 1 : Infinity;
    for (let i = 0; i < this.desired; i++) if (this.stations[i].state === IDLE) this.enqueue(this.stations[i]);
  }

  hold(): void {
    this.opening = false;
    for (const s of this.queue) this.queued[s.index - this.cfg.first] = 0;
    this.queue = [];
    this.queueHead = 0;
    this.retries = [];
  }

  setLoad(mode: LoadMode, ratePerSec: number, metersPerSession: number): void {
    this.mode = mode;
    this.rate = ratePerSec;
    this.metersPerSession = metersPerSession;
    this.budget = 0;
  }

  /** Every open connection is reset at once; with `reconnect` all come straight back. */
  drop(reconnect: boolean, rampPerSec: number, maxInflight: number): void {
    this.reconnectDropped = reconnect;
    this.opening = reconnect;
    this.rampPerSec = rampPerSec;
    this.maxInflight = maxInflight;
    this.tokens = rampPerSec > 0 ? 1 : Infinity;
    for (const s of this.stations) if (s.state === OPEN || s.state === BOOTED) s.ws?.drop();
  }

  closeAll(): void {
    this.hold();
    this.mode = 'none';
    for (const s of this.stations) s.ws?.close();
  }

  bootedIndices(): { indices: number[]; targets: number[] } {
    const booted = this.stations.filter((s) => s.state === BOOTED);
    return { indices: booted.map((s) => s.index), targets: booted.map((s) => s.target) };
  }

  private enqueue(s: Station): void {
    const i = s.index - this.cfg.first;
    if (this.queued[i]) return;
    this.queued[i] = 1;
    this.queue.push(s);
  }

  private tick(): void {
    const now = performance.now();
    const dt = Math.min(now - this.lastTick, 1000);
    this.lastTick = now;
    if (this.opening) this.openConnections(now, dt);
    if (this.mode !== 'none' && this.rate > 0) this.drive(dt);
    if (now - this.lastSweep >= SWEEP_MS) {
      this.lastSweep = now;
      this.sweep(now);
    }
  }

  private openConnections(now: number, dt: number): void {
    if (this.retries.length > 0 && now - this.lastRetryScan >= 50) {
      this.lastRetryScan = now;
      const due = this.retries.filter((s) => s.retryAt <= now);
      if (due.length > 0) {
        this.retries = this.retries.filter((s) => s.retryAt > now);
        for (const s of due) this.enqueue(s);
      }
    }
    if (this.rampPerSec > 0) this.tokens = Math.min(this.tokens + (this.rampPerSec * dt) / 1000, Math.max(1, this.rampPerSec / 20));
    let started = 0;
    const inflight = () => this.connecting + (this.untilBooted ? this.open - this.booted : 0);
    while (this.queueHead < this.queue.length && inflight() < this.maxInflight && this.tokens >= 1 && started++ < CONNECTS_PER_TICK) {
      const s = this.queue[this.queueHead++];
      this.queued[s.index - this.cfg.first] = 0;
      if (s.state !== IDLE) continue;
      const addresses = this.cfg.sourceAddresses;
      this.connecting++;
      this.counters.connectAttempts++;
      this.tokens--;
      s.connect(addresses[this.sourceTurn++ % addresses.length]);
    }
    if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    } else if (this.queueHead === this.queue.length && this.queueHead > 0) {
      this.queue = [];
      this.queueHead = 0;
    }
  }

  /** Sends `rate` calls per second spread over idle booted stations, round robin. */
  private drive(dt: number): void {
    this.budget += (this.rate * dt) / 1000;
    const cap = Math.max(2, this.rate / 10); // a stalled loop must not turn into a burst
    if (this.budget > cap) {
      this.counters.deferred += Math.floor(this.budget - cap);
      this.budget = cap;
    }
    while (this.budget >= 1 && this.idleHead < this.idle.length) {
      const s = this.idle[this.idleHead++];
      s.inIdle = false;
      if (s.state !== BOOTED || s.pendingId) continue; // stale entry: it left meanwhile
      const sent = this.mode === 'steady' ? s.sendSteady(this.seq) : s.sendTxStep(this.metersPerSession);
      if (sent) this.budget--;
    }
    if (this.idleHead > 4096 && this.idleHead * 2 > this.idle.length) {
      this.idle = this.idle.slice(this.idleHead);
      this.idleHead = 0;
    }
    if (this.budget >= 1) {
      this.counters.deferred += Math.floor(this.budget);
      this.budget -= Math.floor(this.budget);
    }
  }

  private sweep(now: number): void {
    const { handshakeTimeoutMs, callTimeoutMs } = this.cfg;
    for (const s of this.stations) {
      if (s.state === CONNECTING && now - s.startedAt > handshakeTimeoutMs) s.ws?.abort('handshake-timeout');
      else if (s.pendingId && now - s.startedAt > callTimeoutMs) s.timeout();
      else if (s.heartbeatAt > 0 && now >= s.heartbeatAt && s.state === BOOTED && !s.pendingId) {
        s.heartbeatAt += this.heartbeatMs;
        if (s.call('Heartbeat', heartbeat())) this.counters.heartbeats++;
      }
    }
  }

  /** Called whenever a station may have become free for the load driver. */
  markIdle(s: Station): void {
    if (s.inIdle || s.state !== BOOTED || s.pendingId) return;
    s.inIdle = true;
    this.idle.push(s);
  }

  onOpen(s: Station, protocol: string, ms: number): void {
    this.connecting--;
    this.open++;
    this.counters.connectOk++;
    this.lastOpenAt = Date.now();
    this.handshake.record(ms * 1000);
    if (protocol !== s.version) this.counters.noSubprotocol++;
  }

  onBootResult(s: Station, status: string, intervalSec: number): void {
    if (status === 'Accepted') {
      if (s.state !== OPEN) return;
      s.state = BOOTED;
      this.booted++;
      this.bootedByTarget[s.target]++;
      this.counters.bootAccepted++;
      this.lastBootAt = Date.now();
      if (this.cfg.heartbeats && intervalSec > 0) {
        // The first one at a random point of the interval, so a fleet that booted together
        // does not heartbeat in waves (real stations drift apart the same way).
        this.heartbeatMs = intervalSec * 1000;
        s.heartbeatAt = performance.now() + Math.random() * this.heartbeatMs;
      }
      this.markIdle(s);
      s.failures = 0;
      return;
    }
    if (status === 'Pending') this.counters.bootPending++;
    else this.counters.bootRejected++;
    // Retry the boot like a real station, but never wait longer than the scenario allows.
    const wait = Math.min(Math.max(intervalSec * 1000, 500), this.cfg.bootRetryMaxMs) * (0.5 + Math.random() / 2);
    const ws = s.ws;
    setTimeout(() => {
      if (s.ws === ws && s.state === OPEN && !s.pendingId) s.boot();
    }, wait).unref();
  }

  onResult(action: string, latencyUs: number): void {
    this.counters.results++;
    let h = this.latency.get(action);
    if (!h) this.latency.set(action, (h = new Histogram()));
    h.record(latencyUs);
  }

  /** A CALLERROR is an answer too: its latency counts like a result's. */
  onCallError(action: string, code: string, latencyUs: number): void {
    bump(this.counters.callErrors, `${action}:${code}`);
    let h = this.latency.get(action);
    if (!h) this.latency.set(action, (h = new Histogram()));
    h.record(latencyUs);
  }

  onRejected(action: string, status: string): void {
    bump(this.counters.rejected, `${action}:${status}`);
  }

  onIncoming(action: string): void {
    bump(this.counters.incoming, action);
  }

  onProtocolError(kind: string): void {
    bump(this.counters.callErrors, `protocol:${kind}`);
  }

  onClose(s: Station, opened: boolean, wasState: number, reason: string): void {
    if (!opened) {
      this.connecting--;
      bump(this.counters.connectFail, reason);
    } else {
      this.open--;
      if (wasState === BOOTED) {
        this.booted--;
        this.bootedByTarget[s.target]--;
      }
      bump(this.counters.disconnects, reason);
    }
    s.heartbeatAt = 0;
    // With several CSMS addresses a station tries another one (at random) after any failure or
    // close, so a dead node's stations spread over the others instead of all going to its neighbour.
    const n = this.targets.length;
    if (n > 1) s.target = (s.target + 1 + Math.floor(Math.random() * (n - 1))) % n;
    if (!this.opening || s.index - this.cfg.first >= this.desired) return;
    if (reason === 'dropped' && this.reconnectDropped) {
      this.enqueue(s);
    } else if (this.cfg.reconnect) {
      // Exponential back-off with jitter, like real stations (OCPP 2.x RetryBackOff*):
      // 1, 2, 4 … 32 s. Without it, stations beyond a server's capacity retry in a tight
      // loop and the simulator measures its own churn instead of the server.
      const failures = wasState === BOOTED ? 1 : ++s.failures;
      s.retryAt = performance.now() + Math.min(32_000, 1000 * 2 ** (failures - 1)) * (0.5 + Math.random());
      this.retries.push(s);
    }
  }

  /** Latency histograms since the last call, per action (then reset). */
  takeLatency(): { latency: Record<string, HistogramData>; handshake: HistogramData } {
    const latency: Record<string, HistogramData> = {};
    for (const [action, h] of this.latency) {
      if (h.count > 0) latency[action] = h.toData();
      h.reset();
    }
    const handshake = this.handshake.toData();
    this.handshake.reset();
    return { latency, handshake };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
