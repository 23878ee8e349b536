import type { Sql } from 'postgres';
import type { IdTokenRecord } from '../../core/authorization.js';
import { applyLocalListUpdate, type LocalList, type LocalListUpdate } from '../../core/local-list.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { PgGroupCommit } from './postgres-group-commit.js';
import type { Page, PageQuery } from '../../core/ports/store/store.js';
import type { IdTokenInput, TokenGroup, TokenStore } from '../../core/ports/store/token-store.js';
import { toList, toToken } from './sql-rows.js';

/** Id tokens and local lists on PostgreSQL; both keyed by tenant first. */
export class PostgresTokens implements TokenStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  async findIdToken(tenantId: string, idToken: string): Promise<IdTokenRecord | undefined> {
    const [row] = await this.sql`SELECT * FROM id_tokens WHERE tenant_id = ${tenantId} AND id_token = ${idToken}`;
    return row ? toToken(row) : undefined;
  }

  async matchIdToken(tenantId: string, idToken: string, type?: string): Promise<IdTokenRecord | undefined> {
    const [row] = await this.sql`SELECT * FROM id_tokens WHERE tenant_id = ${tenantId} AND lower(id_token) = lower(${idToken})
      ${type === undefined ? this.sql`` : this.sql`AND type = ${type}`}
      ORDER BY (id_token = ${idToken}) DESC, id_token LIMIT 1`;
    return row ? toToken(row) : undefined;
  }

  putIdToken(token: IdTokenInput): Promise<boolean> {
    const now = new Date().toISOString();
    // xmax = 0 only on a row this statement inserted (an update leaves the updating xid there).
    return this.writer.pipelined((tx) =>
      tx`INSERT INTO id_tokens (tenant_id, id_token, type, status, expires_at, group_id, allow_concurrent_tx, priority, source, created_at, updated_at)
         VALUES (${token.tenantId}, ${token.idToken}, ${token.type}, ${token.status}, ${token.expiresAt}, ${token.groupId},
           ${token.allowConcurrentTx ?? false}, ${token.priority ?? null}, ${token.source}, ${now}, ${now})
         ON CONFLICT (tenant_id, id_token) DO UPDATE SET type = excluded.type, status = excluded.status,
           expires_at = excluded.expires_at, group_id = excluded.group_id,
           allow_concurrent_tx = excluded.allow_concurrent_tx, priority = excluded.priority, source = excluded.source,
           updated_at = excluded.updated_at
         RETURNING (xmax = 0) AS created`.then(([row]) => row!.created as boolean),
    );
  }

  async recordSeenIdToken(token: IdTokenInput): Promise<void> {
    const now = new Date().toISOString();
    await this.writer.pipelined(
      (tx) => tx`INSERT INTO id_tokens (tenant_id, id_token, type, status, expires_at, group_id, allow_concurrent_tx, priority, source, created_at, updated_at)
         VALUES (${token.tenantId}, ${token.idToken}, ${token.type}, ${token.status}, ${token.expiresAt}, ${token.groupId},
           ${token.allowConcurrentTx ?? false}, ${token.priority ?? null}, ${token.source}, ${now}, ${now})
         ON CONFLICT DO NOTHING`,
    );
  }

  deleteIdToken(tenantId: string, idToken: string): Promise<boolean> {
    return this.writer.pipelined((tx) =>
      tx`DELETE FROM id_tokens WHERE tenant_id = ${tenantId} AND id_token = ${idToken}`.then((r) => r.count === 1),
    );
  }

  async listTokenGroups(tenantId: string): Promise<TokenGroup[]> {
    const rows = await this.sql`SELECT group_id, count(*)::integer AS members FROM id_tokens
      WHERE tenant_id = ${tenantId} AND group_id IS NOT NULL GROUP BY group_id ORDER BY group_id`;
    return rows.map((r) => ({ groupId: r.group_id as string, members: Number(r.members) }));
  }

  async listIdTokens(tenantId: string, query: PageQuery & { groupId?: string }): Promise<Page<IdTokenRecord>> {
    const after = query.cursor ? decodeCursor(query.cursor) : '';
    const group = query.groupId === undefined ? this.sql`` : this.sql`AND group_id = ${query.groupId}`;
    const rows = await this.sql`SELECT * FROM id_tokens WHERE tenant_id = ${tenantId} ${group} AND id_token > ${after}
      ORDER BY id_token LIMIT ${query.limit + 1}`;
    const items = rows.slice(0, query.limit).map(toToken);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.idToken) : undefined };
  }

  async getLocalList(tenantId: string, stationId: string): Promise<LocalList | undefined> {
    const [row] = await this.sql`SELECT * FROM local_lists WHERE tenant_id = ${tenantId} AND station_id = ${stationId}`;
    return row ? toList(row) : undefined;
  }

  /** Read-merge-write; the row lock keeps two nodes' updates of one list from interleaving. */
  applyLocalList(tenantId: string, stationId: string, update: LocalListUpdate): Promise<LocalList> {
    return this.writer.sequential(async (tx) => {
      const [row] = await tx`SELECT * FROM local_lists WHERE tenant_id = ${tenantId} AND station_id = ${stationId} FOR UPDATE`;
      const entries = applyLocalListUpdate(row ? toList(row).entries : [], update);
      const updatedAt = new Date().toISOString();
      await tx`INSERT INTO local_lists (tenant_id, station_id, version, entries, updated_at)
        VALUES (${tenantId}, ${stationId}, ${update.version}, ${JSON.stringify(entries)}, ${updatedAt})
        ON CONFLICT (tenant_id, station_id) DO UPDATE SET version = excluded.version, entries = excluded.entries,
          updated_at = excluded.updated_at`;
      return { tenantId, stationId, version: update.version, entries, updatedAt };
    });
  }
}
