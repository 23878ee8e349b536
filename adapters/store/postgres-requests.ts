import type { Sql } from 'postgres';
import {
  applyAnswer,
  applyNotification,
  newRequest,
  OPEN_STATUSES,
  REPORT_ACTIONS,
  timeOutReport,
  withTimeOut,
  type NewStationRequest,
  type RequestTransition,
  type StationRequest,
} from '../../core/requests.js';
import type { PgGroupCommit, Tx } from './postgres-group-commit.js';
import { decodeRequestCursor, encodeRequestCursor, type RequestQuery, type RequestStore } from '../../core/ports/store/request-store.js';
import type { Page } from '../../core/ports/store/store.js';
import { toRequest } from './sql-rows.js';

function toRow(r: StationRequest) {
  return {
    tenant_id: r.tenantId, station_id: r.stationId, request_id: r.requestId, action: r.action, status: r.status,
    answer: r.answer, parts: r.parts, last_seq_no: r.lastSeqNo, final_seq_no: r.finalSeqNo, seq_nos: JSON.stringify(r.seqNos),
    progress: r.progress, result: r.result === null ? null : JSON.stringify(r.result), error: r.error, expires_at: r.expiresAt,
    created_at: r.createdAt, updated_at: r.updatedAt,
  };
}

const OPEN = [...OPEN_STATUSES];

/**
 * Requests on PostgreSQL, with the SQLite adapter's semantics. A transition reads the row FOR
 * UPDATE inside the group commit's transaction, so another node applying a message to the same
 * request waits for it. RequestIds come from a per-station counter row (its lock serialises
 * allocation on one station across nodes).
 */
export class PostgresRequests implements RequestStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  private async allocate(tx: Tx, request: NewStationRequest): Promise<number> {
    for (;;) {
      const [next] = await tx`INSERT INTO station_request_ids (station_id, value) VALUES (${request.stationId}, 1)
        ON CONFLICT (station_id) DO UPDATE SET value = station_request_ids.value + 1 RETURNING value`;
      const requestId = Number(next!.value);
      const row = toRow(newRequest({ ...request, requestId }));
      // A caller's own id may be taken already: then take the next.
      const inserted = await tx`INSERT INTO station_requests ${this.sql(row)} ON CONFLICT DO NOTHING RETURNING 1`;
      if (inserted.length === 1) return requestId;
    }
  }

  create(request: NewStationRequest): Promise<number> {
    const given = request.requestId;
    if (given === undefined) return this.writer.sequential((tx) => this.allocate(tx, request));
    const { tenant_id, station_id, request_id, ...changes } = toRow(newRequest({ ...request, requestId: given }));
    const sql = this.sql;
    return this.writer.pipelined((tx) =>
      tx`INSERT INTO station_requests ${sql({ tenant_id, station_id, request_id, ...changes })}
        ON CONFLICT (tenant_id, station_id, request_id) DO UPDATE SET ${sql(changes)}`.then(() => given),
    );
  }

  async get(tenantId: string, stationId: string, requestId: number): Promise<StationRequest | undefined> {
    const [row] = await this.sql`SELECT * FROM station_requests
      WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND request_id = ${requestId}::bigint`;
    return row ? withTimeOut(toRequest(row), new Date().toISOString()) : undefined;
  }

  private update(tenantId: string, stationId: string, requestId: number, apply: (r: StationRequest) => RequestTransition): Promise<RequestTransition | undefined> {
    const sql = this.sql;
    return this.writer.sequential(async (tx) => {
      const [row] = await tx`SELECT * FROM station_requests
        WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND request_id = ${requestId}::bigint FOR UPDATE`;
      if (!row) return undefined;
      const transition = apply(toRequest(row));
      if (transition.outcome === 'applied') {
        const { tenant_id, station_id, request_id, ...changes } = toRow(transition.request);
        await tx`UPDATE station_requests SET ${sql(changes)}
          WHERE tenant_id = ${tenant_id} AND station_id = ${station_id} AND request_id = ${request_id}::bigint`;
      }
      return transition;
    });
  }

  applyAnswer: RequestStore['applyAnswer'] = (tenantId, stationId, requestId, answer, at) =>
    this.update(tenantId, stationId, requestId, (r) => applyAnswer(r, answer, at));

  applyNotification: RequestStore['applyNotification'] = (tenantId, stationId, requestId, notification, at) =>
    this.update(tenantId, stationId, requestId, (r) => applyNotification(r, notification, at));

  failStaleReports(now: string, timeoutSec: number, limit: number): Promise<StationRequest[]> {
    const cutoff = new Date(Date.parse(now) - timeoutSec * 1000).toISOString();
    const sql = this.sql;
    return this.writer.sequential(async (tx) => {
      // SKIP LOCKED: several nodes sweeping at once close each request once.
      const rows = await tx`SELECT * FROM station_requests
        WHERE status IN ${sql(OPEN)} AND updated_at < ${cutoff} AND action IN ${sql([...REPORT_ACTIONS])}
        LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      const closed: StationRequest[] = [];
      for (const row of rows) {
        const transition = timeOutReport(toRequest(row), now, timeoutSec);
        if (transition.outcome !== 'applied') continue;
        const { tenant_id, station_id, request_id, ...changes } = toRow(transition.request);
        await tx`UPDATE station_requests SET ${sql(changes)}
          WHERE tenant_id = ${tenant_id} AND station_id = ${station_id} AND request_id = ${request_id}::bigint`;
        closed.push(transition.request);
      }
      return closed;
    });
  }

  async list(tenantId: string, stationId: string, query: RequestQuery): Promise<Page<StationRequest>> {
    const sql = this.sql;
    const now = new Date().toISOString();
    const status =
      query.status === undefined
        ? sql``
        : query.status === 'timed-out'
          ? sql`AND status IN ${sql(OPEN)} AND expires_at <= ${now}`
          : OPEN_STATUSES.includes(query.status)
            ? sql`AND status = ${query.status} AND (expires_at IS NULL OR expires_at > ${now})`
            : sql`AND status = ${query.status}`;
    const cursor = query.cursor ? decodeRequestCursor(query.cursor) : undefined;
    const rows = await sql`SELECT * FROM station_requests
      WHERE tenant_id = ${tenantId} AND station_id = ${stationId}
        ${query.action === undefined ? sql`` : sql`AND action = ${query.action}`}
        ${status}
        ${cursor ? sql`AND (created_at, request_id) < (${cursor[0]}, ${cursor[1]}::bigint)` : sql``}
      ORDER BY created_at DESC, request_id DESC LIMIT ${query.limit + 1}`;
    const items = rows.slice(0, query.limit).map((row) => withTimeOut(toRequest(row), now));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeRequestCursor(last) : undefined };
  }
}
