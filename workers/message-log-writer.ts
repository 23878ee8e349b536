import type { MessageLogRetention } from '../core/control-plane-config.js';
import type { LoggedFrame, MessageLogStore } from '../core/ports/store/message-log-store.js';

export interface MessageLogWriterOptions {
  store: Pick<MessageLogStore, 'appendMessages' | 'pruneMessages'>;
  retention: MessageLogRetention;
  /** Also hands every batch to the NATS frame mirror, when enabled. */
  mirror?: (frames: LoggedFrame[]) => void;
  onError: (error: unknown) => void;
  /** How often the retention bound is enforced; between runs the log may exceed it briefly. */
  pruneEveryMs?: number;
}

/**
 * The message log on the handler thread. A station's CALL is written durably in the commit of
 * its exchange (`record`, awaited before the CALLRESULT goes out); everything else arrives in
 * batches from the gateways (`ingest`: one group-commit write per batch). Retention runs on a
 * timer, only over stations written since the last run, so its cost follows traffic rather
 * than table size.
 */
export class MessageLogWriter {
  private dirty = new Set<string>();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: MessageLogWriterOptions) {
    if (options.retention.kind !== 'off') {
      this.timer = setInterval(() => void this.prune(), options.pruneEveryMs ?? 10_000);
      this.timer.unref();
    }
  }

  /** One frame, durably: resolves after the commit that holds it. */
  record(frame: LoggedFrame): Promise<void> {
    this.options.mirror?.([frame]);
    if (this.options.retention.kind === 'off') return Promise.resolve();
    this.dirty.add(frame.stationId);
    return this.options.store.appendMessages([frame]);
  }

  ingest(frames: LoggedFrame[]): void {
    if (this.options.retention.kind !== 'off') {
      this.options.store.appendMessages(frames).catch(this.options.onError);
      for (const f of frames) this.dirty.add(f.stationId);
    }
    this.options.mirror?.(frames);
  }

  async prune(): Promise<number> {
    const { retention, store } = this.options;
    try {
      if (retention.kind === 'rows') {
        if (this.dirty.size === 0) return 0;
        const stationIds = this.dirty;
        this.dirty = new Set();
        return await store.pruneMessages({ maxPerStation: retention.maxPerStation, stationIds });
      }
      if (retention.kind === 'hours') {
        return await store.pruneMessages({ olderThan: new Date(Date.now() - retention.hours * 3_600_000).toISOString() });
      }
    } catch (error) {
      this.options.onError(error);
    }
    return 0;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.prune();
  }
}
