import type { Db } from 'mongodb';
import type { NewOcpiDelivery, OcpiDelivery, OcpiDoc, OcpiDocKind, OcpiDocQuery, OcpiStore } from '../../core/ports/store/ocpi-store.js';
import { nextCounter } from './mongo-collections.js';

interface DocDoc extends Omit<OcpiDoc, 'body'> { _id: string; body: unknown }
interface DeliveryDoc extends OcpiDelivery { _id: number }

const docId = (tenantId: string, kind: string, id: string) => `${tenantId}|${kind}|${id}`;
const strip = <T>(d: DocDoc): OcpiDoc<T> => ({ tenantId: d.tenantId, kind: d.kind, id: d.id, scope: d.scope, lookup: d.lookup, lastUpdated: d.lastUpdated, body: d.body as T });

/**
 * The OCPI slice on MongoDB: one document per OCPI object, deliveries numbered from a counter.
 * Untested on our machines (no MongoDB server); runs the contract when MONGODB_URL is set.
 */
export class MongoOcpi implements OcpiStore {
  constructor(
    private readonly db: Db,
    private readonly ready: Promise<void>,
  ) {}

  private get docs() {
    return this.db.collection<DocDoc>('ocpi_docs');
  }

  private get deliveries() {
    return this.db.collection<DeliveryDoc>('ocpi_deliveries');
  }

  // MongoDB: the deliveries follow the document's write (not one transaction: this adapter uses none).
  async putDoc(doc: OcpiDoc, deliveries: NewOcpiDelivery[] = []): Promise<boolean> {
    await this.ready;
    const _id = docId(doc.tenantId, doc.kind, doc.id);
    if (doc.lookup !== null) {
      const owner = await this.docs.findOne({ kind: doc.kind, lookup: doc.lookup });
      if (owner && owner._id !== _id) throw new Error(`ocpi ${doc.kind} lookup already taken`);
    }
    const result = await this.docs.replaceOne({ _id }, { ...doc, body: doc.body }, { upsert: true });
    await this.enqueueDeliveries(deliveries);
    return result.upsertedCount === 1;
  }

  async replaceDocIf(doc: OcpiDoc, expected: OcpiDoc, deliveries: NewOcpiDelivery[] = []): Promise<boolean> {
    await this.ready;
    // The body as stored (field order kept by BSON) must still be the one read.
    const result = await this.docs.updateOne(
      { _id: docId(doc.tenantId, doc.kind, doc.id), lastUpdated: expected.lastUpdated, body: expected.body as never },
      { $set: { scope: doc.scope, lastUpdated: doc.lastUpdated, body: doc.body } },
    );
    if (result.matchedCount !== 1) return false;
    await this.enqueueDeliveries(deliveries);
    return true;
  }

  async getDoc<T>(kind: OcpiDocKind, tenantId: string, id: string): Promise<OcpiDoc<T> | undefined> {
    await this.ready;
    const d = await this.docs.findOne({ _id: docId(tenantId, kind, id) });
    return d ? strip<T>(d) : undefined;
  }

  async findDocByLookup<T>(kind: OcpiDocKind, lookup: string): Promise<OcpiDoc<T> | undefined> {
    await this.ready;
    const d = await this.docs.findOne({ kind, lookup });
    return d ? strip<T>(d) : undefined;
  }

  async tenantsWithDoc(kind: OcpiDocKind): Promise<string[]> {
    await this.ready;
    return ((await this.docs.distinct('tenantId', { kind })) as string[]).sort();
  }

  async listDocs<T>(kind: OcpiDocKind, tenantId: string, query: OcpiDocQuery): Promise<{ items: Array<OcpiDoc<T>>; total: number }> {
    await this.ready;
    const filter: Record<string, unknown> = { tenantId, kind };
    if (query.scope !== undefined) filter.scope = query.scope;
    if (query.from !== undefined || query.to !== undefined) {
      filter.lastUpdated = { ...(query.from !== undefined ? { $gte: query.from } : {}), ...(query.to !== undefined ? { $lt: query.to } : {}) };
    }
    const total = await this.docs.countDocuments(filter);
    const docs = await this.docs.find(filter, { sort: { lastUpdated: 1, id: 1 }, skip: query.offset, limit: query.limit }).toArray();
    return { items: docs.map((d) => strip<T>(d)), total };
  }

  async deleteDoc(kind: OcpiDocKind, tenantId: string, id: string): Promise<boolean> {
    await this.ready;
    return (await this.docs.deleteOne({ _id: docId(tenantId, kind, id) })).deletedCount === 1;
  }

  async enqueueDeliveries(deliveries: NewOcpiDelivery[]): Promise<void> {
    await this.ready;
    if (deliveries.length === 0) return;
    const last = await nextCounter(this.db, 'ocpi_deliveries', deliveries.length);
    const first = last - deliveries.length + 1;
    await this.deliveries.insertMany(
      deliveries.map((d, i) => ({ ...d, _id: first + i, seq: first + i, attempts: 0, nextAt: d.createdAt, lastError: null })),
      { ordered: true },
    );
  }

  async deliveryHeads(limit: number): Promise<OcpiDelivery[]> {
    await this.ready;
    const heads = await this.deliveries
      .aggregate<{ _id: unknown; seq: number }>([{ $group: { _id: { t: '$tenantId', p: '$partnerId' }, seq: { $min: '$seq' } } }, { $sort: { seq: 1 } }, { $limit: limit }])
      .toArray();
    const docs = await this.deliveries.find({ _id: { $in: heads.map((h) => h.seq) } }, { sort: { seq: 1 } }).toArray();
    return docs.map(({ _id, ...d }) => d);
  }

  async completeDelivery(seq: number): Promise<void> {
    await this.ready;
    await this.deliveries.deleteOne({ _id: seq });
  }

  async postponeDelivery(seq: number, nextAt: string, lastError: string): Promise<void> {
    await this.ready;
    await this.deliveries.updateOne({ _id: seq }, { $inc: { attempts: 1 }, $set: { nextAt, lastError: lastError.slice(0, 500) } });
  }

  async countDeliveries(): Promise<Map<string, number>> {
    await this.ready;
    const rows = await this.deliveries.aggregate<{ _id: { t: string; p: string }; n: number }>([{ $group: { _id: { t: '$tenantId', p: '$partnerId' }, n: { $sum: 1 } } }]).toArray();
    return new Map(rows.map((r) => [`${r._id.t}|${r._id.p}`, r.n]));
  }

  async dropDeliveries(tenantId: string, partnerId: string): Promise<number> {
    await this.ready;
    return (await this.deliveries.deleteMany({ tenantId, partnerId })).deletedCount;
  }
}
