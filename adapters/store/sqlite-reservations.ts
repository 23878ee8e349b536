import type { Database, Statement } from 'better-sqlite3';
import type { ReservationChange, ReservationQuery, ReservationStore } from '../../core/ports/store/reservation-store.js';
import type { Page } from '../../core/ports/store/store.js';
import { MAX_RESERVATION_ID, transition, type NewReservation, type Reservation, type ReservationEvent } from '../../core/reservations.js';
import type { GroupCommit } from './group-commit.js';
import { decodeReservationCursor, encodeReservationCursor, reservationColumns, toReservation } from './reservation-rows.js';
import type { Row } from './sql-rows.js';

/** Reservations on SQLite; shares the database and group commit of `SqliteStore`. */
export class SqliteReservations implements ReservationStore {
  private readonly stmt: Record<string, Statement>;
  private readonly lists = new Map<string, Statement>();

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      allocate: db.prepare(
        `INSERT INTO reservation_ids (tenant_id, last_id) VALUES (?, 1)
         ON CONFLICT(tenant_id) DO UPDATE SET last_id = last_id + 1 RETURNING last_id`,
      ),
      bump: db.prepare(
        `INSERT INTO reservation_ids (tenant_id, last_id) VALUES (@tenantId, @reservationId)
         ON CONFLICT(tenant_id) DO UPDATE SET last_id = max(last_id, excluded.last_id)`,
      ),
      insert: db.prepare(
        `INSERT INTO reservations (tenant_id, reservation_id, station_id, status, id_token, expires_at, body, updated_at)
         VALUES (@tenantId, @reservationId, @stationId, @status, @idToken, @expiresAt, @body, @updatedAt)
         ON CONFLICT(tenant_id, reservation_id) DO NOTHING`,
      ),
      update: db.prepare(
        `UPDATE reservations SET status = @status, id_token = @idToken, expires_at = @expiresAt, body = @body, updated_at = @updatedAt
         WHERE tenant_id = @tenantId AND reservation_id = @reservationId`,
      ),
      get: db.prepare('SELECT body FROM reservations WHERE tenant_id = ? AND reservation_id = ?'),
      due: db.prepare(`SELECT body FROM reservations WHERE status IN ('created', 'accepted') AND expires_at <= ? ORDER BY expires_at LIMIT ?`),
    };
  }

  allocateId(tenantId: string): Promise<number> {
    return this.writer.enqueue(() => {
      const id = Number((this.stmt.allocate!.get(tenantId) as Row).last_id);
      if (id > MAX_RESERVATION_ID) throw new Error(`tenant ${tenantId} has used every int32 reservation id`);
      return id;
    });
  }

  create(r: NewReservation): Promise<boolean> {
    const record: Reservation = { ...r, status: 'created', updatedAt: r.createdAt };
    return this.writer.enqueue(() => {
      const inserted = this.stmt.insert!.run(reservationColumns(record)).changes === 1;
      if (inserted) this.stmt.bump!.run({ tenantId: r.tenantId, reservationId: r.reservationId });
      return inserted;
    });
  }

  async get(tenantId: string, reservationId: number): Promise<Reservation | undefined> {
    const row = this.stmt.get!.get(tenantId, reservationId) as Row | undefined;
    return row ? toReservation(row) : undefined;
  }

  async list(tenantId: string, query: ReservationQuery): Promise<Page<Reservation>> {
    const where = ['tenant_id = @tenantId'];
    const params: Record<string, unknown> = { tenantId, limit: query.limit + 1 };
    if (query.stationId !== undefined) {
      where.push('station_id = @stationId');
      params.stationId = query.stationId;
    }
    if (query.idToken !== undefined) {
      where.push('id_token = @idToken');
      params.idToken = query.idToken;
    }
    if (query.status !== undefined && query.status.length > 0) {
      where.push(`status IN (${query.status.map((_, i) => `@s${i}`).join(', ')})`);
      query.status.forEach((s, i) => (params[`s${i}`] = s));
    }
    if (query.cursor !== undefined) {
      where.push('reservation_id < @before');
      params.before = decodeReservationCursor(query.cursor);
    }
    const sql = `SELECT body FROM reservations WHERE ${where.join(' AND ')} ORDER BY reservation_id DESC LIMIT @limit`;
    let stmt = this.lists.get(sql);
    if (!stmt) this.lists.set(sql, (stmt = this.db.prepare(sql)));
    const rows = stmt.all(params) as Row[];
    const items = rows.slice(0, query.limit).map(toReservation);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeReservationCursor(last.reservationId) : undefined };
  }

  apply(tenantId: string, stationId: string, reservationId: number, event: ReservationEvent, at: string): Promise<ReservationChange | undefined> {
    // Read, decide and write in one write of the group commit: nothing else changes it in between.
    return this.writer.enqueue(() => {
      const row = this.stmt.get!.get(tenantId, reservationId) as Row | undefined;
      if (!row) return undefined;
      const current = toReservation(row);
      if (current.stationId !== stationId) return undefined;
      const next = transition(current, event, at);
      if (!next) return { reservation: current, changed: false };
      this.stmt.update!.run(reservationColumns(next));
      return { reservation: next, changed: true };
    });
  }

  expireDue(now: string, limit: number): Promise<Reservation[]> {
    return this.writer.enqueue(() => {
      const expired: Reservation[] = [];
      for (const row of this.stmt.due!.all(new Date(now).toISOString(), limit) as Row[]) {
        const next = transition(toReservation(row), { kind: 'expired', now }, now);
        if (!next) continue;
        this.stmt.update!.run(reservationColumns(next));
        expired.push(next);
      }
      return expired;
    });
  }
}
