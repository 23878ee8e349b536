/**
 * Latency histogram in microseconds, log-linear like HdrHistogram: 16 sub-buckets per
 * power of two (~6 % precision). Fixed layout, so histograms from several simulator
 * processes merge by adding counts, and a sparse copy crosses IPC cheaply.
 */
const SUB_BITS = 4;
const SUB = 1 << SUB_BITS;
const BUCKETS = 40 * SUB; // up to 2^40 µs, far beyond any scenario

/** Sparse form sent over IPC: [bucketIndex, count] pairs plus exact extremes. */
export interface HistogramData {
  buckets: Array<[number, number]>;
  count: number;
  sum: number;
  max: number;
}

function indexOf(us: number): number {
  const v = Math.max(1, Math.floor(us));
  if (v < SUB) return v;
  const exp = 31 - Math.clz32(v); // position of the leading bit (v < 2^31 here in practice)
  const sub = (v >>> (exp - SUB_BITS)) & (SUB - 1);
  return Math.min(BUCKETS - 1, (exp - SUB_BITS + 1) * SUB + sub);
}

/** Upper bound (µs) of the values that land in a bucket, so percentiles never flatter. */
function upperOf(index: number): number {
  if (index < SUB) return index;
  const exp = Math.floor(index / SUB) + SUB_BITS - 1;
  const sub = index % SUB;
  return (SUB + sub + 1) * 2 ** (exp - SUB_BITS);
}

export class Histogram {
  private counts = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  max = 0;

  record(us: number): void {
    this.counts[indexOf(us)]++;
    this.count++;
    this.sum += us;
    if (us > this.max) this.max = us;
  }

  merge(data: HistogramData): void {
    for (const [i, c] of data.buckets) this.counts[i] += c;
    this.count += data.count;
    this.sum += data.sum;
    if (data.max > this.max) this.max = data.max;
  }

  /** Percentile in milliseconds; the exact max is used for p100. */
  percentileMs(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(upperOf(i), this.max) / 1000;
    }
    return this.max / 1000;
  }

  meanMs(): number {
    return this.count === 0 ? 0 : this.sum / this.count / 1000;
  }

  toData(): HistogramData {
    const buckets: Array<[number, number]> = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i] > 0) buckets.push([i, this.counts[i]]);
    return { buckets, count: this.count, sum: this.sum, max: this.max };
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }

  static from(data: HistogramData): Histogram {
    const h = new Histogram();
    h.merge(data);
    return h;
  }
}

/** The summary every scenario reports for a set of calls. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(h: Histogram): LatencySummary {
  return {
    count: h.count,
    p50: round(h.percentileMs(50)),
    p95: round(h.percentileMs(95)),
    p99: round(h.percentileMs(99)),
    max: round(h.max / 1000),
    mean: round(h.meanMs()),
  };
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
