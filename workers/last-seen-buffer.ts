import type { LastSeen } from '../actors/handler-context.js';
import type { StationStore } from '../core/ports/store/store.js';

/**
 * Last-seen times in memory, written in bulk every `flushMs`: a heartbeat or any other frame
 * costs a map update, not a write of its own. Losing the last few seconds of last-seen in a
 * crash is acceptable; the station's next frame sets it again.
 */
export class LastSeenBuffer implements LastSeen {
  private pending = new Map<string, { tenantId: string; at: string }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Pick<StationStore, 'recordSeen'>,
    flushMs: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  mark(tenantId: string, stationId: string, at: string): void {
    this.pending.set(stationId, { tenantId, at });
  }

  get size(): number {
    return this.pending.size;
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    // Each write joins the store's group commit: one transaction for the whole batch.
    await Promise.all([...batch].map(([stationId, { tenantId, at }]) => this.store.recordSeen(tenantId, stationId, at))).catch(this.onError);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
