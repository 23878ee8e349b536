import type { Db } from 'mongodb';
import type { ChargingProfileStore, ProfileFilter, ProfileSource, StoredChargingProfile } from '../../core/ports/store/charging-profile-store.js';
import type { MongoBatcher } from './mongo-batcher.js';
import { byEvsePurposeLevel, matchesFilter } from './charging-profile-rows.js';

/** Charging profiles on MongoDB: one document per station, source and profile id. */
export class MongoChargingProfiles implements ChargingProfileStore {
  constructor(
    private readonly db: Db,
    private readonly batcher: MongoBatcher,
    private readonly ready: Promise<void>,
  ) {}

  private get collection() {
    return this.db.collection('charging_profiles');
  }

  async put(r: StoredChargingProfile): Promise<void> {
    await this.ready;
    const _id = `${r.stationId}|${r.source}|${r.profile.id}`;
    await this.batcher.write(this.collection, { replaceOne: { filter: { _id: _id as never, tenantId: r.tenantId }, replacement: { ...r }, upsert: true } });
  }

  async list(tenantId: string, stationId: string): Promise<StoredChargingProfile[]> {
    await this.ready;
    const docs = await this.collection.find({ tenantId, stationId }, { projection: { _id: 0 } }).toArray();
    return (docs as unknown as StoredChargingProfile[]).sort(byEvsePurposeLevel);
  }

  async clear(tenantId: string, stationId: string, source: ProfileSource, filter: ProfileFilter): Promise<number> {
    await this.ready;
    await this.batcher.drain();
    const docs = (await this.collection.find({ tenantId, stationId, source }).toArray()) as unknown as Array<StoredChargingProfile & { _id: string }>;
    const ids = docs.filter((d) => matchesFilter(d, filter)).map((d) => d._id);
    if (ids.length === 0) return 0;
    return (await this.collection.deleteMany({ _id: { $in: ids as never[] } })).deletedCount;
  }
}
