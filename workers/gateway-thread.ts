import { Worker, type MessagePort } from 'node:worker_threads';
import type { CsmsConfig } from '../core/config.js';
import { failedReply, type StationCall, type StationReply } from '../core/envelope.js';
import { ThreadChannel } from './thread-channel.js';
import type { GatewayToMain, MainToGateway } from './thread-messages.js';
import type { GatewayWorkerData } from './gateway-worker.js';
import { hotPathWorkerLimits } from './hot-path-heap.js';
import type { RateSnapshot } from '../core/rate-series.js';

/** The main thread's handle on one gateway worker thread. */
export class GatewayThread {
  readonly worker: Worker;
  readonly channel: ThreadChannel<GatewayToMain, MainToGateway>;
  private readonly ready: Promise<void>;

  constructor(
    readonly index: number,
    config: CsmsConfig,
    runId: string,
    handlerPort: MessagePort,
    authKey: Uint8Array,
    handler: (message: Exclude<GatewayToMain, { k: 'ready' | 'listen-failed' }>) => unknown,
  ) {
    const data: GatewayWorkerData = { config, thread: index, runId, handlerPort, authKey };
    this.worker = new Worker(new URL('./gateway-worker.js', import.meta.url), { workerData: data, transferList: [handlerPort], resourceLimits: hotPathWorkerLimits(config.workerYoungGenerationMb) });
    let markReady: () => void = () => {};
    let markFailed: (error: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    this.worker.once('error', (error) => markFailed(error));
    this.channel = new ThreadChannel<GatewayToMain, MainToGateway>(this.worker, (message) => {
      if (message.k === 'ready') return markReady();
      if (message.k === 'listen-failed') return markFailed(new Error(`gateway thread ${index}: ${message.message}`));
      return handler(message);
    });
  }

  started(): Promise<void> {
    return this.ready;
  }

  /** Never rejects: a thread that died answers `failed`. */
  call(call: StationCall): Promise<StationReply> {
    return this.channel
      .request<StationReply>({ k: 'call', call })
      .catch((error: Error) => failedReply('disconnected', `Gateway thread ${this.index}: ${error.message}`));
  }

  kick(stationId: string, connId: string, close?: { code: number; reason: string }): void {
    this.channel.send(close ? { k: 'kick', stationId, connId, close } : { k: 'kick', stationId, connId });
  }

  /** The handler thread was replaced: hand this gateway its new channel. */
  reattach(port: MessagePort): void {
    this.channel.sendTransfer({ k: 'handler-port', port }, [port]);
  }

  metrics(): Promise<unknown> {
    return this.channel.request({ k: 'metrics' });
  }

  rates(tenantId: string): Promise<RateSnapshot> {
    return this.channel.request({ k: 'rates', tenantId });
  }

  async stop(timeoutMs: number): Promise<void> {
    const stopped = this.channel.request({ k: 'stop' });
    const timeout = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([stopped.catch(() => undefined), timeout]);
    await this.worker.terminate();
  }
}
