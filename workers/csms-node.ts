import { MessageChannel } from 'node:worker_threads';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AggregatorRegistry, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { CsmsConfig } from '../core/config.js';
import type { TlsReloadResult } from '../core/security-config.js';
import { busEvent, failedReply, type StationCall, type StationReply } from '../core/envelope.js';
import type { StationCaller } from '../core/ports/station-caller.js';
import type { Bus } from '../core/ports/bus.js';
import type { LoggedFrame } from '../core/ports/store/message-log-store.js';
import { CLOSE_POLICY } from './close-codes.js';
import { GatewayThread } from './gateway-thread.js';
import { HandlerThread } from './handler-thread.js';
import { assertPortFree } from './port-check.js';
import { createEventLoopLagGauge } from './metrics.js';
import { startHeapSettler } from './heap-settler.js';
import { StationRegistry, type StationLocation } from './station-registry.js';
import { AdmissionRelay } from './admission-relay.js';
import type { GatewayToMain, HandlerToMain, LiveFrame } from './thread-messages.js';
import { mergeRates, type RateSnapshot } from '../core/rate-series.js';

/** One readiness check: ok, or why not. */
export interface ReadinessCheck {
  ok: boolean;
  reason?: string;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, ReadinessCheck>;
}

/**
 * The node's readiness from what main knows (pure): the store checks the handler thread last
 * reported, whether the handler thread and every gateway thread run, NATS when configured.
 */
export function readiness(input: {
  stopping?: boolean;
  store?: Record<string, ReadinessCheck>;
  handlerThread?: boolean;
  /** gateway thread index → running */
  gatewayThreads?: Map<number, boolean>;
  /** absent without NATS_URL */
  nats?: { connected: boolean };
}): Readiness {
  const checks: Record<string, ReadinessCheck> = {};
  if (input.stopping) checks.node = { ok: false, reason: 'node is shutting down' };
  for (const [name, check] of Object.entries(input.store ?? {})) checks[name] = check;
  if (input.handlerThread !== undefined) {
    checks.handlerThread = input.handlerThread ? { ok: true } : { ok: false, reason: 'handler thread is not running' };
  }
  if (input.gatewayThreads) {
    const down = [...input.gatewayThreads].filter(([, up]) => !up).map(([index]) => index);
    checks.gatewayThreads = down.length === 0 ? { ok: true } : { ok: false, reason: `gateway thread(s) ${down.join(', ')} not running` };
  }
  if (input.nats) checks.nats = input.nats.connected ? { ok: true } : { ok: false, reason: 'not connected to NATS' };
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

/**
 * The main thread of a node: the station registry, the bus, the API's way to the stations,
 * and the threads: one handler thread (owns the hot-path store, runs station-initiated
 * handlers) and `workers` gateway threads (uWS sockets and station actors), each gateway
 * wired to the handler thread by its own MessageChannel so station traffic never passes here.
 */
export class CsmsNode implements StationCaller {
  readonly registry = new StationRegistry();
  /** Station logins one gateway thread remembered, handed to the others (one HMAC key for all of them). */
  private readonly admissions = new AdmissionRelay();
  private readonly authKey = randomBytes(32);
  readonly metricsRegistry = new Registry();
  private threads: GatewayThread[] = [];
  private readonly frameWatchers = new Map<string, Set<(frame: LiveFrame) => void>>();
  private handlers: HandlerThread | undefined;
  /** Receives batches of logged OCPP frames (the NATS frame mirror). */
  onFrames: ((frames: LoggedFrame[]) => void) | undefined;
  /** Told when a station connects to or leaves this node (the cluster directory, with NATS). */
  presence: { connected(stationId: string, location: StationLocation): void; disconnected(stationId: string): void } | undefined;
  /** A station's login changed on this node (a rotation confirmed): set by the cluster to forget it on every node; default this node's threads. */
  loginChanged: ((stationId: string) => Promise<void>) | undefined;
  private stopping = false;
  /** Names this process's frame journal files, so a restarted handler thread never replays live ones. */
  private readonly runId = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
  /** Store checks as the handler thread last reported them (absent: never failed). */
  private storeHealth: Record<string, ReadinessCheck> = {};
  private handlerRunning = false;
  private readonly gatewayRunning = new Map<number, boolean>();

  constructor(
    readonly config: CsmsConfig,
    readonly bus: Bus,
    private readonly log: Logger,
  ) {
    collectDefaultMetrics({ register: this.metricsRegistry });
    createEventLoopLagGauge(this.metricsRegistry, 'main');
    startHeapSettler();
  }

  async start(): Promise<void> {
    if (this.config.workers === 0) return;
    await assertPortFree(this.config.host, this.config.ocppPort);
    if (this.config.security.tls) await assertPortFree(this.config.host, this.config.security.tls.port);
    // All threads start at once: a gateway's messages to the handler thread wait in their
    // channel until it is ready, so start-up costs the slowest thread, not the sum.
    this.handlers = this.spawnHandlers();
    for (let i = 1; i <= this.config.workers; i++) this.threads.push(this.spawn(i));
    // Wait for every thread: one that did start holds a listen socket and must be stopped
    // before the process exits, or Node aborts (uv_loop_close with open handles).
    const results = await Promise.allSettled([this.handlers.started(), ...this.threads.map((t) => t.started())]);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      await this.stop();
      throw failure.reason;
    }
  }

  private spawnHandlers(): HandlerThread {
    const handlers = new HandlerThread(this.config, this.runId, (message) => this.onHandlerMessage(message));
    handlers.worker.on('exit', (code: number) => this.onHandlersExit(handlers, code));
    // An uncaught error ends the thread; the exit line alone would not say why.
    handlers.worker.on('error', (error) => this.log.error({ err: error }, 'handler thread crashed'));
    // A new handler thread opens the store afresh and reports from scratch.
    this.storeHealth = {};
    this.handlerRunning = false;
    handlers.started().then(
      () => {
        if (handlers === this.handlers) this.handlerRunning = true;
      },
      () => {},
    );
    return handlers;
  }

  /** A new private channel between the handler thread and gateway `index`; returns the gateway's end. */
  private wire(index: number) {
    const { port1, port2 } = new MessageChannel();
    this.handlers!.attach(index, port2);
    return port1;
  }

  private spawn(index: number): GatewayThread {
    const thread: GatewayThread = new GatewayThread(index, this.config, this.runId, this.wire(index), this.authKey, (message) => this.onGatewayMessage(thread, message));
    thread.worker.on('exit', (code: number) => this.onThreadExit(thread, code));
    thread.worker.on('error', (error) => this.log.error({ err: error, thread: index }, 'gateway thread crashed'));
    this.gatewayRunning.set(index, false);
    thread.started().then(
      () => {
        if (this.threadByIndex(index) === thread) this.gatewayRunning.set(index, true);
      },
      () => {},
    );
    return thread;
  }

  private onHandlersExit(handlers: HandlerThread, code: number): void {
    handlers.channel.failPending(new Error('handler thread exited'));
    if (handlers === this.handlers) this.handlerRunning = false;
    if (this.stopping || handlers !== this.handlers) return;
    this.log.error({ code }, 'handler thread exited; restarting it');
    this.handlers = this.spawnHandlers();
    const replacement = this.handlers;
    replacement.started().then(
      () => {
        for (const thread of this.threads) thread.reattach(this.wire(thread.index));
      },
      (error) => this.log.error({ err: error }, 'handler thread restart failed'),
    );
  }

  private onThreadExit(thread: GatewayThread, code: number): void {
    thread.channel.failPending(new Error('gateway thread exited'));
    if (this.threadByIndex(thread.index) === thread) this.gatewayRunning.set(thread.index, false);
    for (const [stationId, location] of this.registry.dropThread(thread.index)) {
      this.presence?.disconnected(stationId);
      this.publishConnection('station.disconnected', stationId, location, { code: 1006, reason: 'gateway thread exited' });
    }
    if (this.stopping) return;
    this.log.error({ thread: thread.index, code }, 'gateway thread exited; restarting it');
    const replacement = this.spawn(thread.index);
    this.threads = this.threads.map((t) => (t === thread ? replacement : t));
    replacement.started().then(
      // A station watched live stays watched on the new thread.
      () => { for (const stationId of this.frameWatchers.keys()) replacement.channel.send({ k: 'watch', stationId, enabled: true }); },
      (error) => this.log.error({ err: error }, 'gateway thread restart failed'),
    );
  }

  private onHandlerMessage(message: Exclude<HandlerToMain, { k: 'ready' | 'start-failed' }>): unknown {
    switch (message.k) {
      case 'event':
        this.bus.publish(message.event);
        return;
      case 'publish-events': {
        if (this.bus.publishConfirmed) return this.bus.publishConfirmed(message.events);
        for (const event of message.events) this.bus.publish(event);
        return { done: message.events.length, dropped: 0 };
      }
      case 'frames':
        this.onFrames?.(message.frames);
        return;
      case 'store-health':
        this.storeHealth[message.check] = message.ok ? { ok: true } : { ok: false, reason: message.reason };
        return;
      case 'login-changed':
        void (this.loginChanged ?? ((id: string) => this.forgetLogin(id)))(message.stationId);
        return;
    }
  }

  private onGatewayMessage(thread: GatewayThread, message: Exclude<GatewayToMain, { k: 'ready' | 'listen-failed' }>): void {
    switch (message.k) {
      case 'connected': {
        const location: StationLocation = {
          thread: thread.index,
          connId: message.connId,
          tenantId: message.tenantId,
          version: message.version,
          connectedAt: new Date().toISOString(),
          openedAt: message.openedAt,
        };
        const displaced = this.registry.connect(message.stationId, location);
        if (displaced) this.threadByIndex(displaced.thread)?.kick(message.stationId, displaced.connId);
        // A connection that was already replaced when main heard of it is closed without a trace.
        if (displaced === location) return;
        this.presence?.connected(message.stationId, location);
        this.publishConnection('station.connected', message.stationId, location, { protocol: location.version });
        return;
      }
      case 'disconnected': {
        const { stationId, connId } = message;
        if (this.registry.disconnect(stationId, connId)) this.presence?.disconnected(stationId);
        this.bus.publish(busEvent('station.disconnected', message.tenantId, stationId, { code: message.code, connId }));
        return;
      }
      case 'admitted':
        if (!this.admissions.shouldRelay(message.stationId, message.lookedUpAt)) return;
        for (const other of this.threads) if (other !== thread) other.channel.send({ k: 'learn', stationId: message.stationId, entry: message.entry });
        return;
      case 'live-frame':
        for (const listener of this.frameWatchers.get(message.frame.stationId) ?? []) listener(message.frame);
        return;
    }
  }

  private publishConnection(type: string, stationId: string, location: StationLocation, payload: Record<string, unknown>): void {
    this.bus.publish(busEvent(type, location.tenantId, stationId, { ...payload, connId: location.connId, thread: location.thread }));
  }

  private threadByIndex(index: number): GatewayThread | undefined {
    return this.threads.find((t) => t.index === index);
  }

  /**
   * Sends a CSMS→station call to a station connected to this node, on whichever gateway thread
   * holds it. Another tenant's station looks exactly like an absent one.
   */
  call(call: StationCall): Promise<StationReply> {
    const location = this.registry.get(call.stationId);
    const thread = location && location.tenantId === call.tenantId ? this.threadByIndex(location.thread) : undefined;
    if (!thread) return Promise.resolve(failedReply('disconnected', `Station ${call.stationId} is not connected to this node`));
    return thread.call({ ...call, protocol: location!.version }).then((reply) =>
      reply.status === 'failed' ? reply : { ...reply, protocol: location!.version },
    );
  }

  /**
   * Closes a station's connection on this node: by default because a newer connection on another
   * node replaced it (4000); `close` gives another code and reason.
   */
  disconnectStation(stationId: string, close?: { code: number; reason: string }): void {
    const location = this.registry.get(stationId);
    if (location) this.threadByIndex(location.thread)?.kick(stationId, location.connId, close);
  }

  /** The station was deleted: close it with 1008 (policy violation) and drop remembered logins. */
  forgetStation(stationId: string): void {
    this.admissions.forgotten(stationId);
    for (const thread of this.threads) thread.channel.send({ k: 'forget', stationId });
    this.disconnectStation(stationId, { code: CLOSE_POLICY, reason: 'Station deleted' });
  }

  /**
   * The station's password or security profile changed: resolves once no gateway thread of this
   * node admits it from memory any more (so the API answers only after the change applies).
   */
  async forgetLogin(stationId: string): Promise<void> {
    this.admissions.forgotten(stationId);
    await Promise.all(this.threads.map((thread) => thread.channel.request({ k: 'forget', stationId }).catch(() => undefined)));
  }

  /**
   * Reads the TLS certificate files (server certificate and key, station CA bundle, CRL, the
   * offload CAs) again on every gateway thread (SIGHUP, POST /admin/tls/reload): new connections
   * are judged by them, open connections stay. A thread that cannot load them keeps the old ones.
   */
  async reloadTls(): Promise<TlsReloadResult> {
    const tls = this.config.security.tls;
    if (!tls && !this.config.security.offload) return { reloaded: false, threads: 0, failed: 0, error: 'no TLS listener or TLS offload configured' };
    const results = await Promise.allSettled(this.threads.map((t) => t.channel.request({ k: 'reload-tls' })));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    const fields = { threads: this.threads.length, certFile: tls?.certFile, stationCaFile: tls?.stationCaFile ?? this.config.security.offload?.stationCaFile };
    if (failed.length > 0) {
      const error = failed[0]!.reason instanceof Error ? failed[0]!.reason.message : String(failed[0]!.reason);
      this.log.error({ ...fields, err: failed[0]!.reason, failed: failed.length }, 'TLS certificate reload failed: the previous certificates stay in use');
      return { reloaded: false, threads: this.threads.length, failed: failed.length, error };
    }
    this.log.info(fields, 'TLS certificates reloaded');
    return { reloaded: true, threads: this.threads.length, failed: 0 };
  }

  /** Logs every frame of a station at info on every gateway thread of this node (or stops). */
  /**
   * Calls `listener` with every frame of the station, in and out, as its gateway thread handles it
   * (the live message inspector); the threads send a station's frames only while someone watches.
   * Returns the unsubscribe.
   */
  watchFrames(stationId: string, listener: (frame: LiveFrame) => void): () => void {
    let listeners = this.frameWatchers.get(stationId);
    if (!listeners) {
      listeners = new Set();
      this.frameWatchers.set(stationId, listeners);
      for (const thread of this.threads) thread.channel.send({ k: 'watch', stationId, enabled: true });
    }
    listeners.add(listener);
    return () => {
      const current = this.frameWatchers.get(stationId);
      if (!current?.delete(listener) || current.size > 0) return;
      this.frameWatchers.delete(stationId);
      for (const thread of this.threads) thread.channel.send({ k: 'watch', stationId, enabled: false });
    };
  }

  setStationDebug(stationId: string, enabled: boolean): void {
    for (const thread of this.threads) thread.channel.send({ k: 'debug', stationId, enabled });
  }

  /** Messages and CALLERRORs per 10 s over the last hour of a tenant's stations on this node (every gateway thread summed). */
  async rates(tenantId: string): Promise<RateSnapshot | undefined> {
    const perThread = await Promise.all(this.threads.map((t) => t.rates(tenantId).catch(() => undefined)));
    return mergeRates(perThread.filter((s): s is RateSnapshot => s !== undefined));
  }

  /** Prometheus text for the whole node: main, handler and every gateway thread. */
  async metrics(): Promise<{ contentType: string; body: string }> {
    const others = [...this.threads.map((t) => t.metrics()), ...(this.handlers ? [this.handlers.metrics()] : [])];
    const perThread = await Promise.all(others.map((p) => p.catch(() => [])));
    const main = await this.metricsRegistry.getMetricsAsJSON();
    const merged = AggregatorRegistry.aggregate([main, ...(perThread as Array<Array<MetricObjectWithValues<MetricValue<string>>>>)]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }

  /** Readiness of this node (GET /ready); `nats` only when NATS_URL is configured. */
  readiness(nats?: { connected: boolean }): Readiness {
    const threads = this.config.workers > 0;
    return readiness({
      stopping: this.stopping,
      // SQLite and PostgreSQL report every commit's outcome; SQLite also its file's identity.
      // (MongoDB: not checked here yet.)
      store: !threads
        ? undefined
        : this.config.store === 'sqlite'
          ? { storeWritable: this.storeHealth['store-writable'] ?? { ok: true }, sqliteFile: this.storeHealth['sqlite-file'] ?? { ok: true } }
          : this.config.store === 'postgres'
            ? { storeWritable: this.storeHealth['store-writable'] ?? { ok: true } }
            : undefined,
      handlerThread: threads ? this.handlerRunning : undefined,
      gatewayThreads: threads ? this.gatewayRunning : undefined,
      nats,
    });
  }

  get threadCount(): number {
    return this.threads.length;
  }

  /** Stops the gateways (closing every socket), then lets the handler thread commit and close. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    await Promise.all(this.threads.map((t) => t.stop(timeoutMs)));
    await this.handlers?.stop(timeoutMs);
  }
}
