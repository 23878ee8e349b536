import { STATION_SORT_COLUMNS, decodeStationCursor, encodeStationCursor, likePrefix, type StationSearch, type StationSort } from '../../core/station-search.js';
import type { StationRecord } from '../../core/types.js';
import type { Page } from '../../core/ports/store/store.js';
import { toStation, type Row } from './sql-rows.js';

/**
 * The SQL of the stations table's query (core/station-search.ts), shared by SQLite and
 * PostgreSQL: the sort expression is exactly the one the `stations_by_<column>` indexes hold, so
 * a page walks an index range from the cursor on and stops after `limit + 1` matching rows.
 */
export function sortExpression(sort: StationSort): string {
  return sort === 'id' ? 'id' : `COALESCE(${STATION_SORT_COLUMNS[sort]}, '')`;
}

/** The indexes that serve each sort (and the equality filters on vendor, model, firmware, protocol). */
export const STATION_SEARCH_INDEXES = (['vendor', 'model', 'firmwareVersion', 'protocol', 'lastSeenAt'] as const)
  .map((sort) => `CREATE INDEX stations_by_${STATION_SORT_COLUMNS[sort]} ON stations (tenant_id, (${sortExpression(sort)}), id);`)
  .concat('CREATE INDEX connector_statuses_by_status ON connector_statuses (tenant_id, status, station_id);')
  .join('\n');

export interface SearchSql {
  text: string;
  params: unknown[];
  sort: StationSort;
}

/** `dialect` decides placeholders, case-insensitive LIKE and how an id list is passed. */
export function stationSearchSql(dialect: 'sqlite' | 'postgres', tenantId: string, query: StationSearch): SearchSql {
  const sort = query.sort ?? 'id';
  const desc = query.dir === 'desc';
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return dialect === 'sqlite' ? '?' : `$${params.length}`;
  };
  const where = [`tenant_id = ${p(tenantId)}`];
  const equal = (sortKey: StationSort, value: string | undefined) => {
    if (value !== undefined) where.push(`${sortExpression(sortKey)} = ${p(value)}`);
  };
  equal('protocol', query.protocol);
  equal('vendor', query.vendor);
  equal('model', query.model);
  equal('firmwareVersion', query.firmwareVersion);
  if (query.q) {
    const like = dialect === 'sqlite' ? 'LIKE' : 'ILIKE';
    const pattern = likePrefix(query.q);
    // A placeholder per use: SQLite's `?` are positional.
    where.push(`(${['id', 'vendor', 'model', 'firmware_version'].map((c) => `${c} ${like} ${p(pattern)} ESCAPE '\\'`).join(' OR ')})`);
  }
  if (query.status) {
    // IN, not EXISTS: the planner may then drive the page from connector_statuses_by_status when
    // the status is rare (a few faulted stations among 100k) instead of testing every station.
    where.push(`id IN (SELECT station_id FROM connector_statuses WHERE tenant_id = ${p(tenantId)} AND status = ${p(query.status)})`);
  }
  if (query.ids) {
    const only = 'only' in query.ids;
    const ids = only ? (query.ids as { only: string[] }).only : (query.ids as { except: string[] }).except;
    if (dialect === 'sqlite') where.push(`id ${only ? 'IN' : 'NOT IN'} (SELECT value FROM json_each(${p(JSON.stringify(ids))}))`);
    else where.push(only ? `id = ANY(${p(ids)}::text[])` : `id <> ALL(${p(ids)}::text[])`);
  }
  const expr = sortExpression(sort);
  if (query.cursor) {
    const after = decodeStationCursor(sort, query.cursor);
    const op = desc ? '<' : '>';
    // Not a row value `(expr, id) > (?, ?)`: SQLite does not use that as an index range over an
    // expression; `expr >= ?` is one, and the OR only settles ties within it.
    where.push(
      sort === 'id'
        ? `id ${op} ${p(after.id)}`
        : `${expr} ${op}= ${p(after.value)} AND (${expr} ${op} ${p(after.value)} OR id ${op} ${p(after.id)})`,
    );
  }
  const order = sort === 'id' ? `id ${desc ? 'DESC' : 'ASC'}` : `${expr} ${desc ? 'DESC' : 'ASC'}, id ${desc ? 'DESC' : 'ASC'}`;
  const text = `SELECT * FROM stations WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${p(query.limit + 1)}`;
  return { text, params, sort };
}

/** A page from `limit + 1` rows: the extra row only says there is a next page. */
export function searchPage(rows: Row[], limit: number, sort: StationSort): Page<StationRecord> {
  const items = rows.slice(0, limit).map(toStation);
  const last = items[limit - 1];
  const value = (s: StationRecord): string | null => (sort === 'id' ? s.id : (s[sort] as string | null));
  return { items, nextCursor: rows.length > limit && last ? encodeStationCursor(sort, value(last), last.id) : undefined };
}
