import type { Db } from 'mongodb';
import type { IdTokenRecord } from '../../core/authorization.js';
import { applyLocalListUpdate, type LocalList, type LocalListEntry, type LocalListUpdate } from '../../core/local-list.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { Page, PageQuery } from '../../core/ports/store/store.js';
import type { IdTokenInput, TokenGroup, TokenStore } from '../../core/ports/store/token-store.js';

export const CASE_INSENSITIVE = { locale: 'en', strength: 2 } as const;

function withDefaults(doc: IdTokenRecord): IdTokenRecord {
  const { priority, ...rest } = doc;
  return { ...rest, allowConcurrentTx: doc.allowConcurrentTx ?? false, ...(priority !== null && priority !== undefined ? { priority } : {}) };
}

/** Id tokens (_id tenant|token) and local lists (_id station id, entries inline) on MongoDB. */
export class MongoTokens implements TokenStore {
  constructor(
    private readonly db: Db,
    private readonly ready: Promise<void>,
  ) {}

  private get tokens() {
    return this.db.collection<IdTokenRecord & { _id: string }>('id_tokens');
  }

  private get lists() {
    return this.db.collection<LocalList & { _id: string }>('local_lists');
  }

  async findIdToken(tenantId: string, idToken: string): Promise<IdTokenRecord | undefined> {
    await this.ready;
    const doc = await this.tokens.findOne({ _id: `${tenantId}|${idToken}` }, { projection: { _id: 0 } });
    return doc ? withDefaults(doc) : undefined;
  }

  async matchIdToken(tenantId: string, idToken: string, type?: string): Promise<IdTokenRecord | undefined> {
    await this.ready;
    const exact = await this.findIdToken(tenantId, idToken);
    if (exact && (type === undefined || exact.type === type)) return withDefaults(exact);
    // id_tokens_ci: a collation of strength 2 compares without case.
    const docs = await this.tokens
      .find({ tenantId, idToken, ...(type !== undefined ? { type } : {}) }, { projection: { _id: 0 }, collation: CASE_INSENSITIVE })
      .sort({ idToken: 1 })
      .limit(1)
      .toArray();
    return docs[0] ? withDefaults(docs[0]) : undefined;
  }

  async putIdToken(token: IdTokenInput): Promise<boolean> {
    await this.ready;
    const now = new Date().toISOString();
    const result = await this.tokens.updateOne(
      { _id: `${token.tenantId}|${token.idToken}` },
      { $set: { ...token, updatedAt: now }, $setOnInsert: { createdAt: now } },
      { upsert: true },
    );
    return result.upsertedCount === 1;
  }

  async recordSeenIdToken(token: IdTokenInput): Promise<void> {
    await this.ready;
    const now = new Date().toISOString();
    await this.tokens.updateOne(
      { _id: `${token.tenantId}|${token.idToken}` },
      { $setOnInsert: { ...token, createdAt: now, updatedAt: now } },
      { upsert: true },
    );
  }

  async deleteIdToken(tenantId: string, idToken: string): Promise<boolean> {
    await this.ready;
    return (await this.tokens.deleteOne({ _id: `${tenantId}|${idToken}` })).deletedCount === 1;
  }

  async listTokenGroups(tenantId: string): Promise<TokenGroup[]> {
    await this.ready;
    const rows = await this.tokens
      .aggregate<{ _id: string; members: number }>([
        { $match: { tenantId, groupId: { $type: 'string' } } },
        { $group: { _id: '$groupId', members: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    return rows.map((r) => ({ groupId: r._id, members: r.members }));
  }

  async listIdTokens(tenantId: string, query: PageQuery & { groupId?: string }): Promise<Page<IdTokenRecord>> {
    await this.ready;
    const after = query.cursor ? decodeCursor(query.cursor) : '';
    const docs = await this.tokens
      .find({ tenantId, ...(query.groupId === undefined ? {} : { groupId: query.groupId }), idToken: { $gt: after } }, { projection: { _id: 0 } })
      .sort({ idToken: 1 })
      .limit(query.limit + 1)
      .toArray();
    const items = (docs.slice(0, query.limit) as IdTokenRecord[]).map(withDefaults);
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > query.limit && last ? encodeCursor(last.idToken) : undefined };
  }

  async getLocalList(tenantId: string, stationId: string): Promise<LocalList | undefined> {
    await this.ready;
    return (await this.lists.findOne({ _id: stationId, tenantId }, { projection: { _id: 0 } })) ?? undefined;
  }

  async applyLocalList(tenantId: string, stationId: string, update: LocalListUpdate): Promise<LocalList> {
    const current = await this.getLocalList(tenantId, stationId);
    const entries: LocalListEntry[] = applyLocalListUpdate(current?.entries ?? [], update);
    const list: LocalList = { tenantId, stationId, version: update.version, entries, updatedAt: new Date().toISOString() };
    await this.lists.replaceOne({ _id: stationId, tenantId }, list, { upsert: true });
    return list;
  }
}
