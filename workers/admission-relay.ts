import { monotonicNow } from './monotonic-clock.js';

/**
 * Main's side of sharing station logins between a node's gateway threads: an entry one thread
 * remembered after a store lookup is handed to the others (`learn`), so a station's reconnect is
 * admitted synchronously on whichever thread the kernel gives it. A relay whose lookup started
 * before the station's last forget (password, profile or station changed) is dropped: its entry
 * may hold credentials that no longer count. Forgets and relays leave main in one order per thread,
 * so a forget main sends after a relay also removes what the relay taught.
 */
export class AdmissionRelay {
  private readonly forgottenAt = new Map<string, number>();

  /** `keepNs`: how long a forget is remembered (far longer than any login lookup takes). */
  constructor(private readonly keepNs = 600e9) {}

  forgotten(stationId: string, at = monotonicNow()): void {
    this.forgottenAt.set(stationId, at);
    if (this.forgottenAt.size <= 10_000) return;
    for (const [id, when] of this.forgottenAt) if (at - when > this.keepNs) this.forgottenAt.delete(id);
  }

  shouldRelay(stationId: string, lookedUpAt: number): boolean {
    const forgotten = this.forgottenAt.get(stationId);
    return forgotten === undefined || lookedUpAt > forgotten;
  }
}
