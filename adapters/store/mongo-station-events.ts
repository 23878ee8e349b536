import type { Db } from 'mongodb';
import type { AlertQuery, AlertStateQuery, StationEventQuery, StationEventStore } from '../../core/ports/store/station-event-store.js';
import { alertSubject, nextAlertState, type AlertStateRecord } from '../../core/alerts.js';
import type { Page } from '../../core/ports/store/store.js';
import { MAX_EVENTS_PER_STATION, PruneSchedule, type NewStationEvent, type StationEvent } from '../../core/station-events.js';
import type { MongoBatcher } from './mongo-batcher.js';
import { nextCounter } from './mongo-collections.js';
import { decodeAlertCursor, decodeIdCursor, encodeAlertCursor, encodeIdCursor } from './station-event-rows.js';

/**
 * Station events on MongoDB: one document each, `_id` a number from one counter document
 * (`counters`, `_id: 'station_events'`) advanced once per message by the number of its records,
 * so ids increase across nodes and the newest-first order is the id order.
 */
export class MongoStationEvents implements StationEventStore {
  private readonly schedule = new PruneSchedule();

  constructor(
    private readonly db: Db,
    private readonly batcher: MongoBatcher,
    private readonly ready: Promise<void>,
  ) {}

  async record(events: NewStationEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.ready;
    const last = await nextCounter(this.db, 'station_events', events.length);
    const collection = this.db.collection('station_events');
    await Promise.all(events.map((e, i) => this.batcher.write(collection, { insertOne: { document: { _id: last - events.length + 1 + i, ...e } as never } })));
    // Alert states: read, transition (core/alerts.ts), write; _id station|key.
    for (const e of events) {
      if (e.kind !== 'alert') continue;
      const _id = `${e.stationId}|${alertSubject(e).key}`;
      const prev = (await this.alertStates.findOne({ _id }, { projection: { _id: 0 } })) ?? undefined;
      await this.alertStates.replaceOne({ _id }, nextAlertState(prev as AlertStateRecord | undefined, e), { upsert: true });
    }
    const due = this.schedule.due(events);
    if (due.length > 0) await Promise.all(due.map((stationId) => this.prune(stationId, MAX_EVENTS_PER_STATION)));
  }

  async prune(stationId: string, keep: number): Promise<number> {
    await this.ready;
    const collection = this.db.collection('station_events');
    if (keep <= 0) return (await collection.deleteMany({ stationId })).deletedCount;
    const [cut] = await collection.find({ stationId }, { projection: { _id: 1 } }).sort({ _id: -1 }).skip(keep - 1).limit(1).toArray();
    return cut ? (await collection.deleteMany({ stationId, _id: { $lt: cut._id } })).deletedCount : 0;
  }

  async list(tenantId: string, stationId: string, query: StationEventQuery): Promise<Page<StationEvent>> {
    await this.ready;
    const filter: Record<string, unknown> = { tenantId, stationId };
    if (query.kind !== undefined) filter.kind = query.kind;
    if (query.type !== undefined) filter.type = query.type;
    if (query.requestId !== undefined) filter.requestId = query.requestId;
    if (query.cursor !== undefined) filter._id = { $lt: decodeIdCursor(query.cursor) };
    const docs = await this.db.collection('station_events').find(filter).sort({ _id: -1 }).limit(query.limit + 1).toArray();
    const items = docs.slice(0, query.limit).map(({ _id, ...rest }) => ({ id: Number(_id), ...rest }) as unknown as StationEvent);
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > query.limit && last ? encodeIdCursor(last.id) : undefined };
  }

  async listAlerts(tenantId: string, query: AlertQuery): Promise<Page<StationEvent>> {
    await this.ready;
    const filter: Record<string, unknown> = { tenantId, kind: 'alert' };
    if (query.stationId !== undefined) filter.stationId = query.stationId;
    if (query.type !== undefined) filter.type = query.type;
    if (query.cursor !== undefined) filter._id = { $lt: decodeIdCursor(query.cursor) };
    const docs = await this.db.collection('station_events').find(filter).sort({ _id: -1 }).limit(query.limit + 1).toArray();
    const items = docs.slice(0, query.limit).map(({ _id, ...rest }) => ({ id: Number(_id), ...rest }) as unknown as StationEvent);
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > query.limit && last ? encodeIdCursor(last.id) : undefined };
  }

  private get alertStates() {
    return this.db.collection<AlertStateRecord & { _id: string }>('alert_states');
  }

  async listAlertStates(tenantId: string, query: AlertStateQuery): Promise<Page<AlertStateRecord>> {
    await this.ready;
    const filter: Record<string, unknown> = { tenantId };
    if (query.stationId !== undefined) filter.stationId = query.stationId;
    if (query.state !== undefined) filter.state = query.state;
    if (query.type !== undefined) filter.type = query.type;
    if (query.cursor !== undefined) {
      const [at, station, key] = decodeAlertCursor(query.cursor);
      filter.$or = [{ lastAt: { $lt: at } }, { lastAt: at, stationId: { $lt: station } }, { lastAt: at, stationId: station, key: { $lt: key } }];
    }
    const docs = await this.alertStates
      .find(filter, { projection: { _id: 0 } })
      .sort({ lastAt: -1, stationId: -1, key: -1 })
      .limit(query.limit + 1)
      .toArray();
    const items = docs.slice(0, query.limit) as AlertStateRecord[];
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > query.limit && last ? encodeAlertCursor(last) : undefined };
  }
}
