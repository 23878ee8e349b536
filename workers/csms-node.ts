import type { Logger } from 'pino';
import { AggregatorRegistry, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { CsmsConfig } from '../core/config.js';
import type { Payload } from '../core/frame.js';
import type { BusEvent } from '../core/types.js';
import { REMOTE_STORE_METHODS, type Store } from '../adapters/store/store.js';
import type { Bus } from '../adapters/bus/bus.js';
import { CallFailure, type CallOutcome } from '../actors/outbound-calls.js';
import { GatewayThread } from './gateway-thread.js';
import { createEventLoopLagGauge } from './metrics.js';
import { StationRegistry, type StationLocation } from './station-registry.js';
import type { ThreadMessage } from './thread-channel.js';
import { RemoteError } from './thread-channel.js';

const remoteStoreMethods = new Set<string>(REMOTE_STORE_METHODS);

/**
 * The main thread of a node: owns the store and the bus, the station registry, and the
 * gateway threads. The API talks to stations only through `callStation`.
 */
export class CsmsNode {
  readonly registry = new StationRegistry();
  readonly metricsRegistry = new Registry();
  private threads: GatewayThread[] = [];
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
    for (let i = 1; i <= this.config.workers; i++) this.threads.push(this.spawn(i));
    await Promise.all(this.threads.map((t) => t.started()));
  }

  private spawn(index: number): GatewayThread {
    const thread: GatewayThread = new GatewayThread(index, this.config, (message) => this.onThreadMessage(thread, message));
    thread.worker.on('exit', (code: number) => this.onThreadExit(thread, code));
    return thread;
  }

  private onThreadExit(thread: GatewayThread, code: number): void {
    thread.channel.failPending(new Error('gateway thread exited'));
    for (const [stationId, location] of this.registry.dropThread(thread.index)) {
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
        this.publishConnection('station.connected', stationId, location, { protocol: location.version });
        return undefined;
      }
      case 'disconnected': {
        const stationId = message.stationId as string;
        const connId = message.connId as string;
        if (this.registry.disconnect(stationId, connId)) {
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

  /** Sends a CSMS→station call to the station's actor, on whichever thread holds it. */
  async callStation(stationId: string, action: string, payload: Payload): Promise<CallOutcome> {
    const location = this.registry.get(stationId);
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
