import type { Db } from 'mongodb';
import type { DisplayMessageQuery, DisplayMessageSource, DisplayMessageStore, StoredDisplayMessage } from '../../core/ports/store/display-message-store.js';
import type { MongoBatcher } from './mongo-batcher.js';
import { DISPLAY_MESSAGE_LIST_LIMIT, byStationIdSource } from './reservation-rows.js';

/** Display messages on MongoDB: one document per station, source and message id. */
export class MongoDisplayMessages implements DisplayMessageStore {
  constructor(
    private readonly db: Db,
    private readonly batcher: MongoBatcher,
    private readonly ready: Promise<void>,
  ) {}

  private get collection() {
    return this.db.collection('display_messages');
  }

  async put(records: StoredDisplayMessage[]): Promise<void> {
    await this.ready;
    await Promise.all(
      records.map((r) =>
        this.batcher.write(this.collection, {
          replaceOne: { filter: { _id: `${r.stationId}|${r.source}|${r.message.id}` as never, tenantId: r.tenantId }, replacement: { ...r }, upsert: true },
        }),
      ),
    );
  }

  async list(tenantId: string, query: DisplayMessageQuery): Promise<StoredDisplayMessage[]> {
    await this.ready;
    await this.batcher.drain();
    const filter: Record<string, unknown> = { tenantId };
    if (query.stationId !== undefined) filter.stationId = query.stationId;
    if (query.transactionId !== undefined) filter['message.transactionId'] = query.transactionId;
    if (query.source !== undefined) filter.source = query.source;
    const docs = await this.collection.find(filter, { projection: { _id: 0 } }).limit(DISPLAY_MESSAGE_LIST_LIMIT).toArray();
    return (docs as unknown as StoredDisplayMessage[]).sort(byStationIdSource);
  }

  async remove(tenantId: string, stationId: string, id: number | null, sources: DisplayMessageSource[]): Promise<number> {
    await this.ready;
    await this.batcher.drain();
    if (id === null) return (await this.collection.deleteMany({ tenantId, stationId, source: { $in: sources } })).deletedCount;
    const ids = sources.map((source) => `${stationId}|${source}|${id}`);
    return (await this.collection.deleteMany({ _id: { $in: ids as never[] }, tenantId })).deletedCount;
  }
}
