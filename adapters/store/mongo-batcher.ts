import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';

interface Pending {
  op: AnyBulkWriteOperation<Document>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for MongoDB: writes queued during one event-loop turn go out as one unordered
 * bulkWrite per collection (journaled, see MongoStore), and each write's promise settles when
 * its bulk is acknowledged. A failing write fails alone; the others in its bulk still succeed.
 */
export class MongoBatcher {
  private queues = new Map<Collection<any>, Pending[]>();
  private scheduled = false;
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly maxBatch = 1000) {}

  write(collection: Collection<any>, op: AnyBulkWriteOperation<Document>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let queue = this.queues.get(collection);
      if (!queue) this.queues.set(collection, (queue = []));
      queue.push({ op, resolve, reject });
      if (queue.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves when every write queued so far has been acknowledged (or failed). */
  async drain(): Promise<void> {
    this.flush();
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private flush(): void {
    this.scheduled = false;
    const queues = this.queues;
    this.queues = new Map();
    for (const [collection, queue] of queues) {
      for (let i = 0; i < queue.length; i += this.maxBatch) {
        const batch = queue.slice(i, i + this.maxBatch);
        const done = this.run(collection, batch).finally(() => this.inflight.delete(done));
        this.inflight.add(done);
      }
    }
  }

  private async run(collection: Collection<any>, batch: Pending[]): Promise<void> {
    try {
      await collection.bulkWrite(batch.map((p) => p.op), { ordered: false });
      for (const p of batch) p.resolve();
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) {
        for (const p of batch) p.reject(error);
        return;
      }
      const failed = new Map<number, unknown>();
      const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      for (const w of writeErrors) failed.set(w.index, w);
      // A write-concern error leaves durability of the whole bulk unknown: fail them all.
      const allFailed = failed.size === 0;
      batch.forEach((p, i) => (allFailed || failed.has(i) ? p.reject(failed.get(i) ?? error) : p.resolve()));
    }
  }
}

/** MongoDB duplicate-key error (E11000), from a single write or inside a bulk. */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
