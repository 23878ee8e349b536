import type { FrameSink } from '../actors/frame-sink.js';
import type { LoggedFrame } from '../adapters/store/message-log-store.js';

/**
 * Collects logged frames on a gateway thread and hands them to the main thread in batches
 * (at most every `maxDelayMs`, or at `maxBatch` frames), so logging costs one postMessage and
 * one group-commit write per batch instead of one per frame.
 */
export class FrameBatcher implements FrameSink {
  private batch: LoggedFrame[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deliver: (frames: LoggedFrame[]) => void,
    private readonly maxBatch = 512,
    private readonly maxDelayMs = 50,
  ) {}

  record(session: { tenantId: string; stationId: string }, direction: 'in' | 'out', messageType: number, messageId: string, action: string | null, frame: string): void {
    this.batch.push({ tenantId: session.tenantId, stationId: session.stationId, direction, messageType, messageId, action, frame, at: new Date().toISOString() });
    if (this.batch.length >= this.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.maxDelayMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0) return;
    const frames = this.batch;
    this.batch = [];
    this.deliver(frames);
  }
}
