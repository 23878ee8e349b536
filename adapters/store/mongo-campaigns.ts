import type { Db } from 'mongodb';
import { campaignFromStored, isActive, type FirmwareCampaign } from '../../core/firmware-campaign.js';
import type { CampaignQuery, CampaignStore } from '../../core/ports/store/campaign-store.js';
import type { Page } from '../../core/ports/store/store.js';
import { decodeCreatedAtCursor, encodeCreatedAtCursor } from '../../core/cursor.js';

type CampaignDoc = FirmwareCampaign & { _id: string; active: boolean };

/** Firmware campaigns on MongoDB: one document each; a write is a replaceOne filtered on `version`. */
export class MongoCampaigns implements CampaignStore {
  constructor(
    private readonly db: Db,
    private readonly ready: Promise<void>,
  ) {}

  private get collection() {
    return this.db.collection<CampaignDoc>('firmware_campaigns');
  }

  private static doc(c: FirmwareCampaign): CampaignDoc {
    return { ...c, _id: c.id, active: isActive(c) };
  }

  private static campaign({ _id, active: _a, ...c }: CampaignDoc): FirmwareCampaign {
    // Documents written before `kind` was the one discriminator read as the same campaign.
    return campaignFromStored(c);
  }

  async create(campaign: FirmwareCampaign): Promise<boolean> {
    await this.ready;
    try {
      await this.collection.insertOne(MongoCampaigns.doc({ ...campaign, version: 0 }));
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  async get(tenantId: string, id: string): Promise<FirmwareCampaign | undefined> {
    await this.ready;
    const doc = await this.collection.findOne({ _id: id, tenantId });
    return doc ? MongoCampaigns.campaign(doc) : undefined;
  }

  async list(tenantId: string, query: CampaignQuery): Promise<Page<FirmwareCampaign>> {
    await this.ready;
    const filter: Record<string, unknown> = { tenantId };
    if (query.status) filter.status = query.status;
    if (query.cursor) {
      const [createdAt, id] = decodeCreatedAtCursor(query.cursor);
      filter.$or = [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }];
    }
    const docs = await this.collection.find(filter).sort({ createdAt: -1, _id: -1 }).limit(query.limit + 1).toArray();
    const items = docs.slice(0, query.limit).map(MongoCampaigns.campaign);
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > query.limit && last ? encodeCreatedAtCursor(last) : undefined };
  }

  async listActive(limit: number): Promise<FirmwareCampaign[]> {
    await this.ready;
    const docs = await this.collection.find({ active: true }).sort({ createdAt: 1, _id: 1 }).limit(limit).toArray();
    return docs.map(MongoCampaigns.campaign);
  }

  async save(campaign: FirmwareCampaign, expectedVersion: number): Promise<FirmwareCampaign | undefined> {
    await this.ready;
    const next = { ...campaign, version: expectedVersion + 1 };
    const result = await this.collection.replaceOne({ _id: next.id, tenantId: next.tenantId, version: expectedVersion }, MongoCampaigns.doc(next));
    return result.modifiedCount === 1 ? next : undefined;
  }
}
