/**
 * Messages and CALLERRORs per 10 s over the last hour, per tenant: a ring of counters per tenant,
 * bumped where the gateway already handles each frame (no store write, no allocation per message
 * once a tenant's ring exists). Each gateway thread keeps one; the main thread sums their
 * snapshots for the dashboard (GET /stats/fleet).
 */
export const RATE_STEP_SEC = 10;
export const RATE_BUCKETS = 360; // one hour

export type RateKind = 'messages' | 'callErrors';

export interface RateSnapshot {
  stepSec: number;
  /** Unix seconds at which the newest bucket starts; bucket i starts at end - (n - 1 - i) * stepSec. */
  end: number;
  /** Counts per bucket, oldest first (not per second: divide by stepSec for a rate). */
  messages: number[];
  callErrors: number[];
}

interface Ring {
  /** Bucket number (unix seconds / step) each slot currently counts; a stale slot reads as 0. */
  epoch: Float64Array;
  messages: Uint32Array;
  callErrors: Uint32Array;
}

export class RateSeries {
  private readonly rings = new Map<string, Ring>();

  constructor(
    private readonly stepSec = RATE_STEP_SEC,
    private readonly buckets = RATE_BUCKETS,
  ) {}

  count(tenantId: string, kind: RateKind, nowMs: number = Date.now()): void {
    let ring = this.rings.get(tenantId);
    if (!ring) {
      ring = { epoch: new Float64Array(this.buckets).fill(-1), messages: new Uint32Array(this.buckets), callErrors: new Uint32Array(this.buckets) };
      this.rings.set(tenantId, ring);
    }
    const bucket = Math.floor(nowMs / 1000 / this.stepSec);
    const slot = bucket % this.buckets;
    // A count for a bucket older than the one its slot now holds (the clock stepped back by an
    // hour or more) is outside every window that slot serves: dropped, not counted over the newer.
    if (ring.epoch[slot]! > bucket) return;
    if (ring.epoch[slot] !== bucket) {
      ring.epoch[slot] = bucket;
      ring.messages[slot] = 0;
      ring.callErrors[slot] = 0;
    }
    ring[kind][slot]!++;
  }

  snapshot(tenantId: string, nowMs: number = Date.now()): RateSnapshot {
    const newest = Math.floor(nowMs / 1000 / this.stepSec);
    const messages = new Array<number>(this.buckets).fill(0);
    const callErrors = new Array<number>(this.buckets).fill(0);
    const ring = this.rings.get(tenantId);
    if (ring) {
      for (let i = 0; i < this.buckets; i++) {
        const bucket = newest - (this.buckets - 1 - i);
        const slot = ((bucket % this.buckets) + this.buckets) % this.buckets;
        if (ring.epoch[slot] === bucket) {
          messages[i] = ring.messages[slot]!;
          callErrors[i] = ring.callErrors[slot]!;
        }
      }
    }
    return { stepSec: this.stepSec, end: newest * this.stepSec, messages, callErrors };
  }
}

/** Sums snapshots of several threads (or nodes), aligned on their end; an older snapshot shifts left. */
export function mergeRates(snapshots: RateSnapshot[]): RateSnapshot | undefined {
  if (snapshots.length === 0) return undefined;
  const { stepSec } = snapshots[0]!;
  const n = snapshots[0]!.messages.length;
  const end = Math.max(...snapshots.map((s) => s.end));
  const messages = new Array<number>(n).fill(0);
  const callErrors = new Array<number>(n).fill(0);
  for (const s of snapshots) {
    const shift = Math.round((end - s.end) / stepSec);
    for (let i = shift; i < n; i++) {
      messages[i - shift]! += s.messages[i]!;
      callErrors[i - shift]! += s.callErrors[i]!;
    }
  }
  return { stepSec, end, messages, callErrors };
}
