import type { Db } from 'mongodb';
import type { ApiKeyRecord, ApiKeyStore, NewApiKey } from '../../core/ports/store/api-key-store.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import { toMessageLogRecord, type LoggedFrame, type MessageLogQuery, type MessageLogRecord, type MessageLogRetention, type MessageLogStore } from '../../core/ports/store/message-log-store.js';
import type { MongoBatcher } from './mongo-batcher.js';
import { isDuplicateKey } from './mongo-batcher.js';
import { nextCounter } from './mongo-collections.js';
import type { Page } from '../../core/ports/store/store.js';

/** API keys (_id = key id, unique keyHash) and the OCPP message log on MongoDB. */
export class MongoControlPlane implements ApiKeyStore, MessageLogStore {
  constructor(
    private readonly db: Db,
    private readonly batcher: MongoBatcher,
    private readonly ready: Promise<void>,
  ) {}

  private get keys() {
    return this.db.collection<{ _id: string; keyHash: string } & Omit<ApiKeyRecord, 'id'>>('api_keys');
  }

  async createApiKey(key: NewApiKey): Promise<boolean> {
    await this.ready;
    const { id, hash, ...rest } = key;
    try {
      await this.keys.insertOne({ _id: id, keyHash: hash, ...rest, createdAt: new Date().toISOString(), revokedAt: null });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  private static toKey(doc: { _id: string; keyHash: string } & Omit<ApiKeyRecord, 'id'>): ApiKeyRecord {
    const { _id, keyHash, ...rest } = doc;
    return { id: _id, ...rest };
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    await this.ready;
    const doc = await this.keys.findOne({ keyHash: hash, revokedAt: null });
    return doc ? MongoControlPlane.toKey(doc) : undefined;
  }

  async listApiKeys(tenantId?: string): Promise<ApiKeyRecord[]> {
    await this.ready;
    const docs = await this.keys.find(tenantId === undefined ? {} : { tenantId }).sort({ createdAt: -1, _id: 1 }).toArray();
    return docs.map((d) => MongoControlPlane.toKey(d));
  }

  async revokeApiKey(id: string): Promise<boolean> {
    await this.ready;
    const result = await this.keys.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: new Date().toISOString() } });
    return result.modifiedCount === 1;
  }

  async countAdminKeys(): Promise<number> {
    await this.ready;
    return this.keys.countDocuments({ role: 'admin', revokedAt: null });
  }

  async appendMessages(frames: LoggedFrame[]): Promise<void> {
    if (frames.length === 0) return;
    await this.ready;
    // One counter bump reserves the seq range for the whole batch.
    const last = await nextCounter(this.db, 'message-log', frames.length);
    const first = last - frames.length + 1;
    const log = this.db.collection('message_log');
    await Promise.all(frames.map((f, i) => this.batcher.write(log, { insertOne: { document: { ...f, seq: first + i } } })));
  }

  async appendMissingMessages(frames: LoggedFrame[]): Promise<number> {
    await this.ready;
    const log = this.db.collection('message_log');
    const missing: LoggedFrame[] = [];
    for (const f of frames) {
      const found = await log.findOne(
        { tenantId: f.tenantId, stationId: f.stationId, messageId: f.messageId, direction: f.direction, messageType: f.messageType, at: f.at },
        { projection: { _id: 1 } },
      );
      if (!found) missing.push(f);
    }
    await this.appendMessages(missing);
    return missing.length;
  }

  async listMessages(tenantId: string, stationId: string, query: MessageLogQuery): Promise<Page<MessageLogRecord>> {
    await this.ready;
    const before = query.cursor ? Number(decodeCursor(query.cursor)) : Number.MAX_SAFE_INTEGER;
    const filter: Record<string, unknown> = { tenantId, stationId, seq: { $lt: Number.isFinite(before) ? before : 0 } };
    if (query.direction) filter.direction = query.direction;
    if (query.action) filter.action = query.action;
    const docs = await this.db
      .collection('message_log')
      .find(filter, { projection: { _id: 0 } })
      .sort({ seq: -1 })
      .limit(query.limit + 1)
      .toArray();
    const items = (docs.slice(0, query.limit) as unknown as Array<LoggedFrame & { seq: number }>).map(({ seq, ...f }) => toMessageLogRecord(seq, f));
    const lastItem = items[items.length - 1];
    return { items, nextCursor: docs.length > query.limit && lastItem ? encodeCursor(String(lastItem.seq)) : undefined };
  }

  async pruneMessages(retention: MessageLogRetention): Promise<number> {
    await this.ready;
    const log = this.db.collection('message_log');
    let deleted = 0;
    if (retention.olderThan) deleted += (await log.deleteMany({ at: { $lt: retention.olderThan } })).deletedCount;
    if (retention.maxPerStation !== undefined && retention.stationIds) {
      for (const stationId of retention.stationIds) {
        const [edge] = await log.find({ stationId }, { projection: { seq: 1 } }).sort({ seq: -1 }).skip(retention.maxPerStation).limit(1).toArray();
        if (edge) deleted += (await log.deleteMany({ stationId, seq: { $lte: edge.seq } })).deletedCount;
      }
    }
    return deleted;
  }
}
