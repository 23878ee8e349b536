import type { Db } from 'mongodb';
import type { NewUploadSlot, UploadSlot, UploadStore } from '../../core/ports/store/upload-store.js';

type UploadDoc = UploadSlot & { _id: string };

/** Upload slots on MongoDB: one document each, keyed by the token's hash. */
export class MongoUploads implements UploadStore {
  constructor(
    private readonly db: Db,
    private readonly ready: Promise<void>,
  ) {}

  private get collection() {
    return this.db.collection<UploadDoc>('upload_slots');
  }

  private static slot({ _id, ...s }: UploadDoc): UploadSlot {
    return s;
  }

  async create(s: NewUploadSlot): Promise<void> {
    await this.ready;
    await this.collection.insertOne({ ...s, _id: s.tokenHash, claimedAt: null, fileName: null, size: null, storedAs: null, uploadedAt: null });
  }

  async findByToken(tokenHash: string): Promise<UploadSlot | undefined> {
    await this.ready;
    const doc = await this.collection.findOne({ _id: tokenHash });
    return doc ? MongoUploads.slot(doc) : undefined;
  }

  async claim(tokenHash: string, at: string): Promise<boolean> {
    await this.ready;
    return (await this.collection.updateOne({ _id: tokenHash, claimedAt: null }, { $set: { claimedAt: at } })).modifiedCount === 1;
  }

  async release(tokenHash: string): Promise<void> {
    await this.ready;
    await this.collection.updateOne({ _id: tokenHash, uploadedAt: null }, { $set: { claimedAt: null } });
  }

  async complete(tokenHash: string, f: { fileName: string; size: number; storedAs: string; uploadedAt: string }): Promise<void> {
    await this.ready;
    await this.collection.updateOne({ _id: tokenHash }, { $set: { ...f } });
  }

  async bind(tokenHash: string, requestId: number): Promise<void> {
    await this.ready;
    await this.collection.updateOne({ _id: tokenHash }, { $set: { requestId } });
  }

  async getForRequest(tenantId: string, stationId: string, requestId: number): Promise<UploadSlot | undefined> {
    await this.ready;
    const doc = await this.collection.findOne({ tenantId, stationId, requestId }, { sort: { createdAt: -1 } });
    return doc ? MongoUploads.slot(doc) : undefined;
  }
}
