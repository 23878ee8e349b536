import type { Db } from 'mongodb';
import { deviceModelKey, withActualValue, type ActualValueUpdate, type DeviceModelEntry, type DeviceModelVariable } from '../../core/device-model.js';
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

  /** Read, then replace in the next bulk: last writer wins between nodes (a NotifyEvent value is a snapshot anyway). */
  async recordActualValues(tenantId: string, stationId: string, updates: ActualValueUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    await this.ready;
    const collection = this.db.collection('device_model');
    const keys = [...new Set(updates.map((u) => deviceModelKey(u.component, u.variable)))];
    const docs = await collection.find({ _id: { $in: keys.map((k) => `${stationId}|${k}`) } as never, tenantId }, { projection: { _id: 0, tenantId: 0, stationId: 0, key: 0, componentName: 0 } }).toArray();
    const entries = new Map<string, DeviceModelEntry>(docs.map((d) => [deviceModelKey(d.component, d.variable), d as unknown as DeviceModelEntry]));
    const changed = new Map<string, DeviceModelEntry>();
    for (const u of updates) {
      const key = deviceModelKey(u.component, u.variable);
      const before = entries.get(key);
      const after = withActualValue(before, u);
      if (after !== before) (entries.set(key, after), changed.set(key, after));
    }
    await this.recordDeviceModel(tenantId, stationId, [...changed.values()]);
  }

  async listDeviceModel(tenantId: string, stationId: string, query: DeviceModelQuery): Promise<Page<DeviceModelVariable>> {
    await this.ready;
    const after = query.cursor ? decodeCursor(query.cursor) : '';
    const filter: Record<string, unknown> = { tenantId, stationId, key: { $gt: after } };
    if (query.component !== undefined) filter.componentName = query.component;
    if (query.variable !== undefined) filter['variable.name'] = query.variable;
    if (query.evseId !== undefined) filter['component.evseId'] = query.evseId;
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
