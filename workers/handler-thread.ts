import { Worker, type MessagePort } from 'node:worker_threads';
import type { CsmsConfig } from '../core/config.js';
import { ThreadChannel } from './thread-channel.js';
import type { HandlerToMain, MainToHandler } from './thread-messages.js';
import type { HandlerWorkerData } from './handler-worker.js';
import { hotPathWorkerLimits } from './hot-path-heap.js';

/** The main thread's handle on the handler thread (store owner, station-initiated handlers). */
export class HandlerThread {
  readonly worker: Worker;
  readonly channel: ThreadChannel<HandlerToMain, MainToHandler>;
  private readonly ready: Promise<void>;

  constructor(config: CsmsConfig, runId: string, handler: (message: Exclude<HandlerToMain, { k: 'ready' | 'start-failed' }>) => unknown) {
    const data: HandlerWorkerData = { config, runId };
    this.worker = new Worker(new URL('./handler-worker.js', import.meta.url), { workerData: data, resourceLimits: hotPathWorkerLimits(config.workerYoungGenerationMb) });
    let markReady: () => void = () => {};
    let markFailed: (error: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    this.worker.once('error', (error) => markFailed(error));
    this.worker.once('exit', (code) => markFailed(new Error(`handler thread exited with code ${code} before it was ready`)));
    this.channel = new ThreadChannel<HandlerToMain, MainToHandler>(this.worker, (message) => {
      if (message.k === 'ready') return markReady();
      if (message.k === 'start-failed') return markFailed(new Error(`handler thread: ${message.message}`));
      return handler(message);
    });
  }

  started(): Promise<void> {
    return this.ready;
  }

  /** Gives a gateway thread's end of their private channel to the handler thread. */
  attach(thread: number, port: MessagePort): void {
    this.channel.sendTransfer({ k: 'attach', thread, port }, [port]);
  }

  metrics(): Promise<unknown> {
    return this.channel.request({ k: 'metrics' });
  }

  /** Commits everything pending and closes the store; then the thread ends. */
  async stop(timeoutMs: number): Promise<void> {
    const stopped = this.channel.request({ k: 'stop' });
    const timeout = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([stopped.catch(() => undefined), timeout]);
    await this.worker.terminate();
  }
}
