import type { Db } from 'mongodb';
import { deviceModelKey, type DeviceModelEntry, type DeviceModelVariable } from '../../core/device-model.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { DeviceModelQuery, DeviceModelStore } from '../../core/ports/store/device-model-store.js';
import type { MongoBatcher } from './mongo-batcher.js';
import type { Page } from '../../core/ports/store/store.js';

/** Device model on MongoDB: one document per station+component+variable (_id station|key). */
export class MongoDeviceModel implements DeviceModelStore {
  constructor(
    private readonly db: Db,
    private readonly batcher: MongoBatcher,
    private readonly ready: Promise<void>,
  ) {}

  async recordDeviceModel(tenantId: string, stationId: string, entries: DeviceModelEntry[]): Promise<void> {
    await this.ready;
    const collection = this.db.collection('device_model');
    await Promise.all(
      entries.map((e) => {
        const key = deviceModelKey(e.component, e.variable);
        const doc = { tenantId, stationId, key, componentName: e.component.name, ...e };
        return this.batcher.write(collection, { replaceOne: { filter: { _id: `${stationId}|${key}` as never, tenantId }, replacement: doc, upsert: true } });
      }),
    );
  }

  async listDeviceModel(tenantId: string, stationId: string, query: DeviceModelQuery): Promise<Page<DeviceModelVariable>> {
    await this.ready;
    const after = query.cursor ? decodeCursor(query.cursor) : '';
    const filter: Record<string, unknown> = { tenantId, stationId, key: { $gt: after } };
    if (query.component !== undefined) filter.componentName = query.component;
    const docs = await this.db
      .collection('device_model')
      .find(filter, { projection: { _id: 0, componentName: 0 } })
      .sort({ key: 1 })
      .limit(query.limit + 1)
      .toArray();
    const items = docs.slice(0, query.limit) as unknown as DeviceModelVariable[];
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > query.limit && last ? encodeCursor(last.key) : undefined };
  }
}
