import type { Db } from 'mongodb';
import type { ReservationChange, ReservationQuery, ReservationStore } from '../../core/ports/store/reservation-store.js';
import type { Page } from '../../core/ports/store/store.js';
import { MAX_RESERVATION_ID, transition, type NewReservation, type Reservation, type ReservationEvent } from '../../core/reservations.js';
import { nextCounter, raiseCounter } from './mongo-collections.js';
import { decodeReservationCursor, encodeReservationCursor } from './reservation-rows.js';

type Doc = Reservation & { _id: string; expiresAtUtc: string };

/**
 * Reservations on MongoDB: one document per reservation (_id tenant|id), ids from the counters
 * collection; a change is a compare-and-set on the status and updatedAt it read, retried when
 * another writer got there first.
 */
export class MongoReservations implements ReservationStore {
  constructor(
    private readonly db: Db,
    private readonly ready: Promise<void>,
  ) {}

  private get collection() {
    return this.db.collection<Doc>('reservations');
  }

  async allocateId(tenantId: string): Promise<number> {
    await this.ready;
    const id = await nextCounter(this.db, `reservation:${tenantId}`);
    if (id > MAX_RESERVATION_ID) throw new Error(`tenant ${tenantId} has used every int32 reservation id`);
    return id;
  }

  async create(r: NewReservation): Promise<boolean> {
    await this.ready;
    const doc: Doc = { ...r, status: 'created', updatedAt: r.createdAt, _id: `${r.tenantId}|${r.reservationId}`, expiresAtUtc: new Date(r.expiresAt).toISOString() };
    const result = await this.collection.updateOne({ _id: doc._id }, { $setOnInsert: doc }, { upsert: true });
    if (result.upsertedCount !== 1) return false;
    await raiseCounter(this.db, `reservation:${r.tenantId}`, r.reservationId);
    return true;
  }

  async get(tenantId: string, reservationId: number): Promise<Reservation | undefined> {
    await this.ready;
    const doc = await this.collection.findOne({ _id: `${tenantId}|${reservationId}` });
    return doc ? strip(doc) : undefined;
  }

  async list(tenantId: string, query: ReservationQuery): Promise<Page<Reservation>> {
    await this.ready;
    const filter: Record<string, unknown> = { tenantId };
    if (query.stationId !== undefined) filter.stationId = query.stationId;
    if (query.idToken !== undefined) filter['idToken.idToken'] = query.idToken;
    if (query.status !== undefined && query.status.length > 0) filter.status = { $in: query.status };
    if (query.cursor !== undefined) filter.reservationId = { $lt: decodeReservationCursor(query.cursor) };
    const docs = await this.collection.find(filter).sort({ reservationId: -1 }).limit(query.limit + 1).toArray();
    const items = docs.slice(0, query.limit).map(strip);
    const last = items[items.length - 1];
    return { items, nextCursor: docs.length > query.limit && last ? encodeReservationCursor(last.reservationId) : undefined };
  }

  async apply(tenantId: string, stationId: string, reservationId: number, event: ReservationEvent, at: string): Promise<ReservationChange | undefined> {
    await this.ready;
    for (;;) {
      const doc = await this.collection.findOne({ _id: `${tenantId}|${reservationId}` });
      if (!doc || doc.stationId !== stationId) return undefined;
      const current = strip(doc);
      const next = transition(current, event, at);
      if (!next) return { reservation: current, changed: false };
      if (await this.swap(doc, next)) return { reservation: next, changed: true };
    }
  }

  async expireDue(now: string, limit: number): Promise<Reservation[]> {
    await this.ready;
    const docs = await this.collection
      .find({ status: { $in: ['created', 'accepted'] }, expiresAtUtc: { $lte: new Date(now).toISOString() } })
      .sort({ expiresAtUtc: 1 })
      .limit(limit)
      .toArray();
    const expired: Reservation[] = [];
    for (const doc of docs) {
      const next = transition(strip(doc), { kind: 'expired', now }, now);
      // Lost the race (a station's message, another node's sweep): that writer decided.
      if (next && (await this.swap(doc, next))) expired.push(next);
    }
    return expired;
  }

  private async swap(doc: Doc, next: Reservation): Promise<boolean> {
    const { _id, status, updatedAt } = doc;
    const result = await this.collection.replaceOne({ _id, status, updatedAt }, { ...next, expiresAtUtc: new Date(next.expiresAt).toISOString() });
    return result.modifiedCount === 1;
  }
}

function strip(doc: Doc): Reservation {
  const { _id: _i, expiresAtUtc: _e, ...r } = doc;
  return r;
}
