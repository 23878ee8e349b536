import type { Logger } from 'pino';
import { AggregatorRegistry, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { CsmsConfig } from '../core/config.js';
import type { Payload } from '../core/frame.js';
import type { BusEvent } from '../core/types.js';
import { REMOTE_STORE_METHODS, type Store } from '../adapters/store/store.js';
import type { Bus } from '../adapters/bus/bus.js';
import { CallFailure, type CallOutcome } from '../actors/outbound-calls.js';
import { GatewayThread } from './gateway-thread.js';
import { assertPortFree } from './port-check.js';
import { createEventLoopLagGauge } from './metrics.js';
import { StationRegistry, type StationLocation } from './station-registry.js';
import type { ThreadMessage } from './thread-channel.js';
import { RemoteError } from './thread-channel.js';
import type { LoggedFrame } from '../adapters/store/message-log-store.js';

const remoteStoreMethods = new Set<string>(REMOTE_STORE_METHODS);

/**
 * The main thread of a node: owns the store and the bus, the station registry, and the
 * gateway threads. The API talks to stations only through `callStation`.
 */
export class CsmsNode {
  readonly registry = new StationRegistry();
  readonly metricsRegistry = new Registry();
  private threads: GatewayThread[] = [];
  /** Receives batches of logged OCPP frames from the gateway threads (message log, NATS mirror). */
  onFrames: ((frames: LoggedFrame[]) => void) | undefined;
  /** Told when a station connects to or leaves this node (the cluster directory, with NATS). */
  presence: { connected(stationId: string, location: StationLocation): void; disconnected(stationId: string): void } | undefined;
  /** Reaches stations held by other nodes (NATS request/reply); undefined on a single node. */
  remote: { call(stationId: string, action: string, payload: Payload, tenantId?: string): Promise<CallOutcome> } | undefined;
  private stopping = false;

  constructor(
    readonly config: CsmsConfig,
    readonly store: Store,
    readonly bus: Bus,
    private readonly log: Logger,
  ) {
    collectDefaultMetrics({ register: this.metricsRegistry });
    createEventLoopLagGauge(this.metricsRegistry, 'main');
  }

  async start(): Promise<void> {
    if (this.config.workers > 0) await assertPortFree(this.config.host, this.config.ocppPort);
    for (let i = 1; i <= this.config.workers; i++) this.threads.push(this.spawn(i));
    // Wait for every thread: one that did start holds a listen socket and must be stopped
    // before the process exits, or Node aborts (uv_loop_close with open handles).
    const results = await Promise.allSettled(this.threads.map((t) => t.started()));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      await this.stop();
      throw failure.reason;
    }
  }

  private spawn(index: number): GatewayThread {
    const thread: GatewayThread = new GatewayThread(index, this.config, (message) => this.onThreadMessage(thread, message));
    thread.worker.on('exit', (code: number) => this.onThreadExit(thread, code));
    return thread;
  }

  private onThreadExit(thread: GatewayThread, code: number): void {
    thread.channel.failPending(new Error('gateway thread exited'));
    for (const [stationId, location] of this.registry.dropThread(thread.index)) {
      this.presence?.disconnected(stationId);
      this.publishConnection('station.disconnected', stationId, location, { code: 1006, reason: 'gateway thread exited' });
    }
    if (this.stopping) return;
    this.log.error({ thread: thread.index, code }, 'gateway thread exited; restarting it');
    const replacement = this.spawn(thread.index);
    this.threads = this.threads.map((t) => (t === thread ? replacement : t));
    replacement.started().catch((error) => this.log.error({ err: error }, 'gateway thread restart failed'));
  }

  private onThreadMessage(thread: GatewayThread, message: ThreadMessage): unknown {
    switch (message.k) {
      case 'store': {
        const method = message.method as string;
        if (!remoteStoreMethods.has(method)) throw new Error(`Store method ${method} is not callable from a gateway`);
        const fn = (this.store as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!;
        return fn.apply(this.store, message.args as unknown[]);
      }
      case 'connected': {
        const stationId = message.stationId as string;
        const location: StationLocation = {
          thread: thread.index,
          connId: message.connId as string,
          tenantId: message.tenantId as string,
          version: message.version as StationLocation['version'],
          connectedAt: new Date().toISOString(),
        };
        const displaced = this.registry.connect(stationId, location);
        if (displaced) this.threadByIndex(displaced.thread)?.kick(stationId, displaced.connId);
        this.presence?.connected(stationId, location);
        this.publishConnection('station.connected', stationId, location, { protocol: location.version });
        return undefined;
      }
      case 'disconnected': {
        const stationId = message.stationId as string;
        const connId = message.connId as string;
        if (this.registry.disconnect(stationId, connId)) {
          this.presence?.disconnected(stationId);
          this.store.recordSeen(message.tenantId as string, stationId, new Date().toISOString()).catch(() => {});
        }
        this.bus.publish({
          v: 1,
          type: 'station.disconnected',
          tenantId: message.tenantId as string,
          stationId,
          timestamp: new Date().toISOString(),
          payload: { code: message.code, connId },
        });
        return undefined;
      }
      case 'event':
        this.bus.publish(message.event as BusEvent);
        return undefined;
      case 'frames':
        this.onFrames?.(message.frames as LoggedFrame[]);
        return undefined;
      default:
        throw new Error(`Unknown gateway message ${message.k}`);
    }
  }

  private publishConnection(type: string, stationId: string, location: StationLocation, payload: Record<string, unknown>): void {
    this.bus.publish({
      v: 1,
      type,
      tenantId: location.tenantId,
      stationId,
      timestamp: new Date().toISOString(),
      payload: { ...payload, connId: location.connId, thread: location.thread },
    });
  }

  private threadByIndex(index: number): GatewayThread | undefined {
    return this.threads.find((t) => t.index === index);
  }

  /**
   * Sends a CSMS→station call to the station's actor, on whichever thread holds it. Stations on
   * this node take the fast path (thread channel); others go to their node over NATS.
   */
  async callStation(stationId: string, action: string, payload: Payload, tenantId?: string): Promise<CallOutcome> {
    const location = this.registry.get(stationId);
    if (!location && this.remote) return this.remote.call(stationId, action, payload, tenantId);
    const thread = location && this.threadByIndex(location.thread);
    if (!thread) throw new CallFailure('disconnected', `Station ${stationId} is not connected`);
    try {
      return await thread.call(stationId, action, payload);
    } catch (error) {
      if (error instanceof RemoteError && error.name === 'CallFailure') {
        throw new CallFailure(error.code as CallFailure['reason'], error.message, error.details);
      }
      throw error;
    }
  }

  /** Closes a station's connection wherever it is (e.g. after it was deleted). */
  disconnectStation(stationId: string): void {
    const location = this.registry.get(stationId);
    if (location) this.threadByIndex(location.thread)?.kick(stationId, location.connId);
  }

  /** The station was deleted or its credentials changed: close it and drop remembered logins. */
  forgetStation(stationId: string): void {
    for (const thread of this.threads) thread.channel.send({ k: 'forget', stationId });
    this.disconnectStation(stationId);
  }

  /** Prometheus text for the whole node: main thread plus every gateway thread. */
  async metrics(): Promise<{ contentType: string; body: string }> {
    const perThread = await Promise.all(this.threads.map((t) => t.metrics().catch(() => [])));
    const main = await this.metricsRegistry.getMetricsAsJSON();
    const merged = AggregatorRegistry.aggregate([main, ...(perThread as Array<Array<MetricObjectWithValues<MetricValue<string>>>>)]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }

  get threadCount(): number {
    return this.threads.length;
  }

  /** Stops the gateways (closing every socket), then flushes pending writes. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    await Promise.all(this.threads.map((t) => t.stop(timeoutMs)));
    await this.store.flush();
  }
}
