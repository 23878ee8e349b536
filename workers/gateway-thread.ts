import { Worker } from 'node:worker_threads';
import type { CsmsConfig } from '../core/config.js';
import type { Payload } from '../core/frame.js';
import type { CallOutcome } from '../actors/outbound-calls.js';
import { ThreadChannel, type MessageHandler } from './thread-channel.js';
import type { GatewayWorkerData } from './gateway-worker.js';

/** The main thread's handle on one gateway worker thread. */
export class GatewayThread {
  readonly worker: Worker;
  readonly channel: ThreadChannel;
  private readonly ready: Promise<void>;

  constructor(
    readonly index: number,
    config: CsmsConfig,
    handler: MessageHandler,
  ) {
    const data: GatewayWorkerData = { config, thread: index };
    this.worker = new Worker(new URL('./gateway-worker.js', import.meta.url), { workerData: data });
    let markReady: () => void = () => {};
    let markFailed: (error: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    this.worker.once('error', (error) => markFailed(error));
    this.channel = new ThreadChannel(this.worker, (message) => {
      if (message.k === 'ready') return markReady();
      if (message.k === 'listen-failed') return markFailed(new Error(`gateway thread ${index}: ${String(message.message)}`));
      return handler(message);
    });
  }

  started(): Promise<void> {
    return this.ready;
  }

  call(stationId: string, action: string, payload: Payload): Promise<CallOutcome> {
    return this.channel.request<CallOutcome>({ k: 'call', stationId, action, payload });
  }

  kick(stationId: string, connId: string): void {
    this.channel.send({ k: 'kick', stationId, connId });
  }

  metrics(): Promise<unknown> {
    return this.channel.request({ k: 'metrics' });
  }

  async stop(timeoutMs: number): Promise<void> {
    const stopped = this.channel.request({ k: 'stop' });
    const timeout = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([stopped, timeout]);
    await this.worker.terminate();
  }
}
