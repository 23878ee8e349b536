import type { Db } from 'mongodb';
import type { Site } from '../../core/sites.js';
import type { SiteStore } from '../../core/ports/store/site-store.js';
import type { Page, PageQuery } from '../../core/ports/store/store.js';
import { decodeCreatedAtCursor, encodeCreatedAtCursor } from '../../core/cursor.js';
import { siteStationIds } from './site-rows.js';

type SiteDoc = Site & { _id: string; stationIds: string[] };

/** Sites on MongoDB: one document each (with its attached station ids, indexed); a write is a replaceOne filtered on `version`. */
export class MongoSites implements SiteStore {
  constructor(
    private readonly db: Db,
    private readonly ready: Promise<void>,
  ) {}

  private get collection() {
    return this.db.collection<SiteDoc>('sites');
  }

  private static doc(s: Site): SiteDoc {
    return { ...s, _id: `${s.tenantId}|${s.id}`, stationIds: siteStationIds(s) };
  }

  private static site({ _id, stationIds: _s, ...s }: SiteDoc): Site {
    return s;
  }

  async create(site: Site): Promise<boolean> {
    await this.ready;
    try {
      await this.collection.insertOne(MongoSites.doc({ ...site, version: 0 }));
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  async get(tenantId: string, id: string): Promise<Site | undefined> {
    await this.ready;
    const doc = await this.collection.findOne({ _id: `${tenantId}|${id}` });
    return doc ? MongoSites.site(doc) : undefined;
  }

  async list(tenantId: string, query: PageQuery): Promise<Page<Site>> {
    await this.ready;
    const filter: Record<string, unknown> = { tenantId };
    if (query.cursor) {
      const [createdAt, id] = decodeCreatedAtCursor(query.cursor);
      filter.$or = [{ createdAt: { $gt: createdAt } }, { createdAt, id: { $gt: id } }];
    }
    const docs = await this.collection.find(filter).sort({ createdAt: 1, id: 1 }).limit(query.limit + 1).toArray();
    const items = docs.slice(0, query.limit).map(MongoSites.site);
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > query.limit && last ? encodeCreatedAtCursor(last) : undefined };
  }

  async findByStation(tenantId: string, stationId: string): Promise<Site | undefined> {
    await this.ready;
    const [doc] = await this.collection.find({ tenantId, stationIds: stationId }).sort({ createdAt: 1, id: 1 }).limit(1).toArray();
    return doc ? MongoSites.site(doc) : undefined;
  }

  async save(site: Site, expectedVersion: number): Promise<Site | undefined> {
    await this.ready;
    const next = { ...site, version: expectedVersion + 1 };
    const result = await this.collection.replaceOne({ _id: `${next.tenantId}|${next.id}`, version: expectedVersion }, MongoSites.doc(next));
    return result.modifiedCount === 1 ? next : undefined;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    await this.ready;
    const result = await this.collection.deleteOne({ _id: `${tenantId}|${id}` });
    return result.deletedCount === 1;
  }
}
