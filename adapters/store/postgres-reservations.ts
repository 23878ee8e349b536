import type { Sql } from 'postgres';
import type { ReservationChange, ReservationQuery, ReservationStore } from '../../core/ports/store/reservation-store.js';
import type { Page } from '../../core/ports/store/store.js';
import { MAX_RESERVATION_ID, transition, type NewReservation, type Reservation, type ReservationEvent } from '../../core/reservations.js';
import type { PgGroupCommit, Tx } from './postgres-group-commit.js';
import { decodeReservationCursor, encodeReservationCursor, reservationColumns, toReservation } from './reservation-rows.js';
import type { Row } from './sql-rows.js';

/** Reservations on PostgreSQL: changes lock the row (FOR UPDATE), so nodes sharing the database apply each event once. */
export class PostgresReservations implements ReservationStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  allocateId(tenantId: string): Promise<number> {
    return this.writer.sequential(async (tx) => {
      const [row] = await tx<Row[]>`INSERT INTO reservation_ids (tenant_id, last_id) VALUES (${tenantId}, 1)
        ON CONFLICT (tenant_id) DO UPDATE SET last_id = reservation_ids.last_id + 1 RETURNING last_id`;
      const id = Number(row!.last_id);
      if (id > MAX_RESERVATION_ID) throw new Error(`tenant ${tenantId} has used every int32 reservation id`);
      return id;
    });
  }

  create(r: NewReservation): Promise<boolean> {
    const c = reservationColumns({ ...r, status: 'created', updatedAt: r.createdAt });
    return this.writer.sequential(async (tx) => {
      const inserted = await tx`INSERT INTO reservations (tenant_id, reservation_id, station_id, status, id_token, expires_at, body, updated_at)
        VALUES (${c.tenantId}, ${c.reservationId}, ${c.stationId}, ${c.status}, ${c.idToken}, ${c.expiresAt}, ${c.body}, ${c.updatedAt})
        ON CONFLICT (tenant_id, reservation_id) DO NOTHING`;
      if (inserted.count !== 1) return false;
      await tx`INSERT INTO reservation_ids (tenant_id, last_id) VALUES (${c.tenantId}, ${c.reservationId})
        ON CONFLICT (tenant_id) DO UPDATE SET last_id = greatest(reservation_ids.last_id, excluded.last_id)`;
      return true;
    });
  }

  async get(tenantId: string, reservationId: number): Promise<Reservation | undefined> {
    const [row] = await this.sql<Row[]>`SELECT body FROM reservations WHERE tenant_id = ${tenantId} AND reservation_id = ${reservationId}`;
    return row ? toReservation(row) : undefined;
  }

  async list(tenantId: string, query: ReservationQuery): Promise<Page<Reservation>> {
    const sql = this.sql;
    const before = query.cursor === undefined ? undefined : decodeReservationCursor(query.cursor);
    const statuses = query.status !== undefined && query.status.length > 0 ? query.status : undefined;
    const rows = await sql<Row[]>`SELECT body FROM reservations WHERE tenant_id = ${tenantId}
      ${query.stationId === undefined ? sql`` : sql`AND station_id = ${query.stationId}`}
      ${query.idToken === undefined ? sql`` : sql`AND id_token = ${query.idToken}`}
      ${statuses === undefined ? sql`` : sql`AND status IN ${sql(statuses)}`}
      ${before === undefined ? sql`` : sql`AND reservation_id < ${before}`}
      ORDER BY reservation_id DESC LIMIT ${query.limit + 1}`;
    const items = rows.slice(0, query.limit).map(toReservation);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeReservationCursor(last.reservationId) : undefined };
  }

  apply(tenantId: string, stationId: string, reservationId: number, event: ReservationEvent, at: string): Promise<ReservationChange | undefined> {
    return this.writer.sequential(async (tx) => {
      const [row] = await tx<Row[]>`SELECT body FROM reservations WHERE tenant_id = ${tenantId} AND reservation_id = ${reservationId} FOR UPDATE`;
      if (!row) return undefined;
      const current = toReservation(row);
      if (current.stationId !== stationId) return undefined;
      const next = transition(current, event, at);
      if (!next) return { reservation: current, changed: false };
      await this.write(tx, next);
      return { reservation: next, changed: true };
    });
  }

  expireDue(now: string, limit: number): Promise<Reservation[]> {
    return this.writer.sequential(async (tx) => {
      // SKIP LOCKED: another node's sweep (or a station's message) holding a row is left to it.
      const rows = await tx<Row[]>`SELECT body FROM reservations WHERE status IN ('created', 'accepted') AND expires_at <= ${new Date(now).toISOString()}
        ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      const expired: Reservation[] = [];
      for (const row of rows) {
        const next = transition(toReservation(row), { kind: 'expired', now }, now);
        if (!next) continue;
        await this.write(tx, next);
        expired.push(next);
      }
      return expired;
    });
  }

  private async write(tx: Tx, r: Reservation): Promise<void> {
    const c = reservationColumns(r);
    await tx`UPDATE reservations SET status = ${c.status}, id_token = ${c.idToken}, expires_at = ${c.expiresAt}, body = ${c.body}, updated_at = ${c.updatedAt}
      WHERE tenant_id = ${c.tenantId} AND reservation_id = ${c.reservationId}`;
  }
}
