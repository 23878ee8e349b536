import type { BootPolicy } from '../../core/boot-policy.js';
import type { Db } from 'mongodb';
import type { BootInfo, ConnectorStatusRecord, StationRecord } from '../../core/types.js';
import type { SecurityProfile } from '../../core/security-profile.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import { decodeStationCursor, encodeStationCursor, type StationSearch } from '../../core/station-search.js';
import { isDuplicateKey, type MongoBatcher } from './mongo-batcher.js';
import type { ConnectorStatusHistoryQuery, ConnectorStatusUpdate, FleetSummary, NewStation, Page, PageQuery, StationLogin, StationStore } from '../../core/ports/store/store.js';

type OptionalFields = 'registrationStatus' | 'heartbeatIntervalSec' | 'securityProfile' | 'passwordRotatedAt';
type StationDoc = Omit<StationRecord, 'id' | OptionalFields | 'previousPasswordPending'> & { _id: string; previousPasswordHash?: string | null } & Partial<Pick<StationRecord, OptionalFields>>;
type ConnectorDoc = ConnectorStatusRecord & { _id: string };

function toStation(doc: StationDoc): StationRecord {
  const { _id, registrationStatus, heartbeatIntervalSec, securityProfile, previousPasswordHash, passwordRotatedAt, ...rest } = doc;
  // Stations stored before boot policies have neither field: Accepted, the CSMS's interval; before
  // security profiles (issue 14): profile 1, no rotation.
  return {
    id: _id,
    ...rest,
    registrationStatus: registrationStatus ?? 'Accepted',
    heartbeatIntervalSec: heartbeatIntervalSec ?? null,
    securityProfile: securityProfile ?? 1,
    previousPasswordPending: Boolean(previousPasswordHash),
    passwordRotatedAt: passwordRotatedAt ?? null,
  };
}

const EMPTY_BOOT = {
  vendor: null, model: null, serialNumber: null, firmwareVersion: null, iccid: null, imsi: null,
  protocol: null, bootReason: null, lastBootAt: null, lastSeenAt: null,
};

/**
 * Stations (_id = station id: unique across tenants, as the OCPP URL carries no tenant) and
 * connector statuses (_id = station|evse|connector). Hot-path writes go through the batcher.
 */
export class MongoStations implements StationStore {
  constructor(
    private readonly db: Db,
    private readonly batcher: MongoBatcher,
    private readonly ready: Promise<void>,
  ) {}

  private get stations() {
    return this.db.collection<StationDoc>('stations');
  }

  private get connectors() {
    return this.db.collection<ConnectorDoc>('connector_statuses');
  }

  async createStation(station: NewStation): Promise<boolean> {
    await this.ready;
    const now = new Date().toISOString();
    try {
      await this.stations.insertOne({ _id: station.id, tenantId: station.tenantId, passwordHash: station.passwordHash, securityProfile: station.securityProfile ?? 1, ...EMPTY_BOOT, createdAt: now, updatedAt: now });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async getStation(tenantId: string, id: string): Promise<StationRecord | undefined> {
    await this.ready;
    const doc = await this.stations.findOne({ _id: id, tenantId });
    return doc ? toStation(doc) : undefined;
  }

  async findStationLogin(id: string): Promise<StationLogin | undefined> {
    await this.ready;
    const doc = await this.stations.findOne({ _id: id }, { projection: { tenantId: 1, passwordHash: 1, securityProfile: 1, previousPasswordHash: 1 } });
    return doc
      ? { id: doc._id, tenantId: doc.tenantId, passwordHash: doc.passwordHash ?? null, securityProfile: doc.securityProfile ?? 1, previousPasswordHash: doc.previousPasswordHash ?? null }
      : undefined;
  }

  async setSecurityProfile(tenantId: string, id: string, profile: SecurityProfile): Promise<boolean> {
    await this.ready;
    const result = await this.stations.updateOne({ _id: id, tenantId }, { $set: { securityProfile: profile, updatedAt: new Date().toISOString() } });
    return result.matchedCount === 1;
  }

  async setPassword(tenantId: string, id: string, passwordHash: string, options: { keepPrevious: boolean; at: string }): Promise<boolean> {
    await this.ready;
    // One pipeline update: the previous hash is read from the document being written, not before.
    const result = await this.stations.updateOne({ _id: id, tenantId }, [
      {
        $set: {
          previousPasswordHash: options.keepPrevious ? '$passwordHash' : null,
          passwordHash: { $literal: passwordHash },
          passwordRotatedAt: { $literal: options.at },
          updatedAt: { $literal: options.at },
        },
      },
    ]);
    return result.matchedCount === 1;
  }

  async confirmPassword(id: string, passwordHash: string): Promise<void> {
    await this.ready;
    await this.stations.updateOne({ _id: id, passwordHash, previousPasswordHash: { $nin: [null] } }, { $set: { previousPasswordHash: null } });
  }

  async searchStations(tenantId: string, query: StationSearch): Promise<Page<StationRecord>> {
    await this.ready;
    const sort = query.sort ?? 'id';
    const desc = query.dir === 'desc';
    const field = sort === 'id' ? '_id' : sort;
    const and: Array<Record<string, unknown>> = [{ tenantId }];
    for (const key of ['protocol', 'vendor', 'model', 'firmwareVersion'] as const) {
      if (query[key] !== undefined) and.push({ [key]: query[key] === '' ? null : query[key] });
    }
    if (query.q) {
      const regex = new RegExp('^' + query.q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
      and.push({ $or: [{ _id: regex }, { vendor: regex }, { model: regex }, { firmwareVersion: regex }] });
    }
    if (query.status) {
      const ids = await this.connectors.distinct('stationId', { tenantId, status: query.status });
      and.push({ _id: { $in: ids } });
    }
    if (query.ids) and.push({ _id: 'only' in query.ids ? { $in: query.ids.only } : { $nin: query.ids.except } });
    if (query.cursor) {
      const after = decodeStationCursor(sort, query.cursor);
      if (sort === 'id') and.push({ _id: { [desc ? '$lt' : '$gt']: after.id } });
      else if (after.value === '') {
        // null sorts before every string.
        and.push(desc ? { [field]: null, _id: { $lt: after.id } } : { $or: [{ [field]: { $type: 'string' } }, { [field]: null, _id: { $gt: after.id } }] });
      } else {
        and.push({
          $or: [
            { [field]: { [desc ? '$lt' : '$gt']: after.value } },
            ...(desc ? [{ [field]: null }] : []),
            { [field]: after.value, _id: { [desc ? '$lt' : '$gt']: after.id } },
          ],
        });
      }
    }
    const direction = desc ? -1 : 1;
    const order: Record<string, 1 | -1> = sort === 'id' ? { _id: direction } : { [field]: direction, _id: direction };
    const docs = await this.stations.find({ $and: and } as never).sort(order).limit(query.limit + 1).toArray();
    const items = docs.slice(0, query.limit).map(toStation);
    const last = items[query.limit - 1];
    const value = (s: StationRecord) => (sort === 'id' ? s.id : (s[sort] as string | null));
    return { items, nextCursor: docs.length > query.limit && last ? encodeStationCursor(sort, value(last), last.id) : undefined };
  }

  async listStations(tenantId: string, query: PageQuery): Promise<Page<StationRecord>> {
    await this.ready;
    const after = query.cursor ? decodeCursor(query.cursor) : '';
    const docs = await this.stations.find({ tenantId, _id: { $gt: after } }).sort({ _id: 1 }).limit(query.limit + 1).toArray();
    const items = docs.slice(0, query.limit).map(toStation);
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > query.limit && last ? encodeCursor(last.id) : undefined };
  }

  async deleteStation(tenantId: string, id: string): Promise<boolean> {
    await this.ready;
    const deleted = (await this.stations.deleteOne({ _id: id, tenantId })).deletedCount === 1;
    if (deleted) {
      // Its statuses, and what it sent and was asked (issue #12).
      await Promise.all(
        ['connector_statuses', 'station_events', 'device_model', 'station_requests', 'connector_status_history', 'alert_states', 'charging_profiles', 'display_messages', 'reservations', 'upload_slots', 'station_certificates']
          .map((name) => this.db.collection(name).deleteMany({ tenantId, stationId: id }))
          .concat(this.db.collection<{ _id: string }>('local_lists').deleteOne({ _id: id, tenantId })),
      );
    }
    return deleted;
  }

  async setBootPolicy(tenantId: string, id: string, policy: Partial<BootPolicy>): Promise<BootPolicy | undefined> {
    await this.ready;
    const set: Partial<BootPolicy> = {};
    if (policy.registrationStatus !== undefined) set.registrationStatus = policy.registrationStatus;
    if (policy.heartbeatIntervalSec !== undefined) set.heartbeatIntervalSec = policy.heartbeatIntervalSec;
    const doc = await this.stations.findOneAndUpdate({ _id: id, tenantId }, { $set: set }, { returnDocument: 'after' });
    if (!doc) return undefined;
    const { registrationStatus, heartbeatIntervalSec } = toStation(doc);
    return { registrationStatus, heartbeatIntervalSec };
  }

  /** Not one transaction with the outbox here: resolves undefined, and the caller publishes the boot's events (docs/ARCHITECTURE.md). */
  async recordBoot(tenantId: string, id: string, boot: BootInfo): Promise<undefined> {
    await this.ready;
    const set = {
      vendor: boot.vendor, model: boot.model, serialNumber: boot.serialNumber ?? null, firmwareVersion: boot.firmwareVersion ?? null,
      iccid: boot.iccid ?? null, imsi: boot.imsi ?? null, protocol: boot.protocol, bootReason: boot.reason ?? null,
      lastBootAt: boot.at, lastSeenAt: boot.at, updatedAt: boot.at,
    };
    try {
      await this.batcher.write(this.stations, {
        updateOne: { filter: { _id: id as never, tenantId }, update: { $set: set, $setOnInsert: { passwordHash: null, createdAt: boot.at } }, upsert: true },
      });
    } catch (error) {
      // The id belongs to another tenant: like SQLite's guarded upsert, change nothing.
      if (!isDuplicateKey(error)) throw error;
    }
    return undefined;
  }

  async recordSeen(tenantId: string, id: string, at: string): Promise<void> {
    await this.ready;
    await this.batcher.write(this.stations, { updateOne: { filter: { _id: id as never, tenantId }, update: { $set: { lastSeenAt: at } } } });
  }

  async recordConnectorStatus(update: ConnectorStatusUpdate): Promise<void> {
    await this.ready;
    if (!(await this.stations.countDocuments({ _id: update.stationId, tenantId: update.tenantId }, { limit: 1 }))) return;
    const _id = `${update.stationId}|${update.evseId}|${update.connectorId}`;
    const doc = { ...update, updatedAt: new Date().toISOString() };
    await Promise.all([
      this.batcher.write(this.connectors, { replaceOne: { filter: { _id: _id as never }, replacement: { _id, ...doc }, upsert: true } }),
      this.batcher.write(this.history, { insertOne: { document: { ...update } } }),
      // core/alerts.ts clearedByStatus16: a 1.6 status clears its connector's alerts of other errorCodes.
      ...(update.errorCode === null
        ? []
        : [
            this.db.collection('alert_states').updateMany(
              {
                stationId: update.stationId, tenantId: update.tenantId, evseId: update.evseId, connectorId: update.connectorId,
                state: 'open', source: 'connector-status', type: { $ne: update.errorCode }, lastAt: { $lte: update.reportedAt },
              },
              { $set: { state: 'cleared', clearedAt: update.reportedAt, lastAt: update.reportedAt } },
            ),
          ]),
    ]);
  }

  private get history() {
    return this.db.collection<ConnectorStatusUpdate>('connector_status_history');
  }

  async pruneConnectorStatusHistory(olderThan: string, limit: number): Promise<number> {
    await this.ready;
    // Per connector, the rows before the cutoff newest first: all but the first go (see the SQLite store).
    const groups = await this.history
      .aggregate<{ ids: unknown[] }>([
        { $match: { reportedAt: { $lt: olderThan } } },
        { $sort: { reportedAt: -1, _id: -1 } },
        { $group: { _id: { t: '$tenantId', s: '$stationId', e: '$evseId', c: '$connectorId' }, ids: { $push: '$_id' } } },
        { $match: { 'ids.1': { $exists: true } } },
      ])
      .toArray();
    const ids = groups.flatMap((g) => g.ids.slice(1)).slice(0, limit);
    if (ids.length === 0) return 0;
    return (await this.history.deleteMany({ _id: { $in: ids as never[] } })).deletedCount;
  }

  async listConnectorStatusHistory(tenantId: string, stationId: string, q: ConnectorStatusHistoryQuery): Promise<ConnectorStatusUpdate[]> {
    await this.ready;
    const filter = {
      tenantId,
      stationId,
      ...(q.evseId !== undefined ? { evseId: q.evseId } : {}),
      ...(q.connectorId !== undefined ? { connectorId: q.connectorId } : {}),
    };
    const connectors = await this.connectors.find(filter, { projection: { evseId: 1, connectorId: 1 } }).toArray();
    const before = (
      await Promise.all(
        connectors.map((c) =>
          this.history
            .find({ tenantId, stationId, evseId: c.evseId, connectorId: c.connectorId, reportedAt: { $lt: q.from } }, { projection: { _id: 0 } })
            .sort({ reportedAt: -1, _id: -1 })
            .limit(1)
            .toArray(),
        ),
      )
    )
      .flat()
      .sort((a, b) => a.reportedAt.localeCompare(b.reportedAt));
    const rows = await this.history
      .find({ ...filter, reportedAt: { $gte: q.from, $lt: q.to } }, { projection: { _id: 0 } })
      .sort({ reportedAt: 1, _id: 1 })
      .limit(q.limit)
      .toArray();
    return [...before, ...rows].slice(0, q.limit) as ConnectorStatusUpdate[];
  }

  async listConnectorStatuses(tenantId: string, stationId: string): Promise<ConnectorStatusRecord[]> {
    await this.ready;
    return (await this.connectors
      .find({ tenantId, stationId }, { projection: { _id: 0 } })
      .sort({ evseId: 1, connectorId: 1 })
      .toArray()) as ConnectorStatusRecord[];
  }

  async fleetSummary(tenantId: string): Promise<FleetSummary> {
    await this.ready;
    const [stations, rows] = await Promise.all([
      this.stations.countDocuments({ tenantId }),
      this.connectors.aggregate<{ _id: string; n: number }>([{ $match: { tenantId } }, { $group: { _id: '$status', n: { $sum: 1 } } }]).toArray(),
    ]);
    return { stations, connectorsByStatus: Object.fromEntries(rows.map((r) => [r._id, r.n])) };
  }
}
