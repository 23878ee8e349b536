import type { Database, Statement } from 'better-sqlite3';
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
import type { GroupCommit } from './group-commit.js';
import { decodeRequestCursor, encodeRequestCursor, type RequestQuery, type RequestStore } from '../../core/ports/store/request-store.js';
import type { Page } from '../../core/ports/store/store.js';
import { toRequest, type Row } from './sql-rows.js';

function toRow(r: StationRequest): Row {
  return { ...r, seqNos: JSON.stringify(r.seqNos), result: r.result === null ? null : JSON.stringify(r.result) };
}

/** The name of a station's requestId sequence in `sequences`. */
const sequenceOf = (stationId: string) => `request-id|${stationId}`;

const OPEN = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * The request slice of the SQLite store. Each write is one read-transition-write under a
 * savepoint inside the group commit, like the transaction slice.
 */
export class SqliteRequests implements RequestStore {
  private readonly stmt: Record<string, Statement>;
  private readonly listStatements = new Map<string, Statement>();
  private readonly savepoint: (fn: () => unknown) => unknown;

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.savepoint = db.transaction((fn: () => unknown) => fn());
    this.stmt = {
      get: db.prepare('SELECT * FROM station_requests WHERE station_id = ? AND request_id = ? AND tenant_id = ?'),
      exists: db.prepare('SELECT 1 FROM station_requests WHERE station_id = ? AND request_id = ?'),
      nextSeq: db.prepare(
        `INSERT INTO sequences (name, value) VALUES (?, 1)
         ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value`,
      ),
      staleReports: db.prepare(
        `SELECT * FROM station_requests INDEXED BY station_requests_open_by_update
         WHERE status IN (${OPEN}) AND updated_at < ? AND action IN (${REPORT_ACTIONS.map((a) => `'${a}'`).join(', ')}) LIMIT ?`,
      ),
      upsert: db.prepare(
        `INSERT INTO station_requests (station_id, request_id, tenant_id, action, status, answer, parts, last_seq_no,
           final_seq_no, seq_nos, progress, result, error, expires_at, created_at, updated_at)
         VALUES (@stationId, @requestId, @tenantId, @action, @status, @answer, @parts, @lastSeqNo,
           @finalSeqNo, @seqNos, @progress, @result, @error, @expiresAt, @createdAt, @updatedAt)
         ON CONFLICT(station_id, request_id) DO UPDATE SET tenant_id = excluded.tenant_id, action = excluded.action,
           status = excluded.status, answer = excluded.answer, parts = excluded.parts, last_seq_no = excluded.last_seq_no,
           final_seq_no = excluded.final_seq_no, seq_nos = excluded.seq_nos, progress = excluded.progress,
           result = excluded.result, error = excluded.error, expires_at = excluded.expires_at,
           created_at = excluded.created_at, updated_at = excluded.updated_at`,
      ),
    };
  }

  private write<T>(fn: () => T): Promise<T> {
    return this.writer.enqueue(() => this.savepoint(fn) as T);
  }

  private update(tenantId: string, stationId: string, requestId: number, apply: (r: StationRequest) => RequestTransition): Promise<RequestTransition | undefined> {
    return this.write(() => {
      const row = this.stmt.get!.get(stationId, requestId, tenantId) as Row | undefined;
      if (!row) return undefined;
      const transition = apply(toRequest(row));
      if (transition.outcome === 'applied') this.stmt.upsert!.run(toRow(transition.request));
      return transition;
    });
  }

  create(request: NewStationRequest): Promise<number> {
    return this.write(() => {
      let requestId = request.requestId;
      if (requestId === undefined) {
        do requestId = (this.stmt.nextSeq!.get(sequenceOf(request.stationId)) as Row).value as number;
        while (this.stmt.exists!.get(request.stationId, requestId));
      }
      this.stmt.upsert!.run(toRow(newRequest({ ...request, requestId })));
      return requestId;
    });
  }

  async get(tenantId: string, stationId: string, requestId: number): Promise<StationRequest | undefined> {
    const row = this.stmt.get!.get(stationId, requestId, tenantId) as Row | undefined;
    return row ? withTimeOut(toRequest(row), new Date().toISOString()) : undefined;
  }

  applyAnswer: RequestStore['applyAnswer'] = (tenantId, stationId, requestId, answer, at) =>
    this.update(tenantId, stationId, requestId, (r) => applyAnswer(r, answer, at));

  applyNotification: RequestStore['applyNotification'] = (tenantId, stationId, requestId, notification, at) =>
    this.update(tenantId, stationId, requestId, (r) => applyNotification(r, notification, at));

  failStaleReports(now: string, timeoutSec: number, limit: number): Promise<StationRequest[]> {
    const cutoff = new Date(Date.parse(now) - timeoutSec * 1000).toISOString();
    return this.write(() =>
      (this.stmt.staleReports!.all(cutoff, limit) as Row[]).flatMap((row) => {
        const transition = timeOutReport(toRequest(row), now, timeoutSec);
        if (transition.outcome !== 'applied') return [];
        this.stmt.upsert!.run(toRow(transition.request));
        return [transition.request];
      }),
    );
  }

  async list(tenantId: string, stationId: string, query: RequestQuery): Promise<Page<StationRequest>> {
    const now = new Date().toISOString();
    const where = ['station_id = @stationId', 'tenant_id = @tenantId'];
    const params: Record<string, unknown> = { tenantId, stationId, now, limit: query.limit + 1 };
    if (query.action !== undefined) (where.push('action = @action'), (params.action = query.action));
    if (query.status === 'timed-out') where.push(`status IN (${OPEN}) AND expires_at <= @now`);
    else if (query.status !== undefined && OPEN_STATUSES.includes(query.status)) {
      where.push('status = @status AND (expires_at IS NULL OR expires_at > @now)');
      params.status = query.status;
    } else if (query.status !== undefined) (where.push('status = @status'), (params.status = query.status));
    if (query.cursor) {
      const [createdAt, requestId] = decodeRequestCursor(query.cursor);
      where.push('(created_at, request_id) < (@cAt, @cId)');
      Object.assign(params, { cAt: createdAt, cId: requestId });
    }
    const sql = `SELECT * FROM station_requests WHERE ${where.join(' AND ')} ORDER BY created_at DESC, request_id DESC LIMIT @limit`;
    let stmt = this.listStatements.get(sql);
    if (!stmt) this.listStatements.set(sql, (stmt = this.db.prepare(sql)));
    const rows = stmt.all(params) as Row[];
    const items = rows.slice(0, query.limit).map((row) => withTimeOut(toRequest(row), now));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeRequestCursor(last) : undefined };
  }
}
