import type { Database, Statement } from 'better-sqlite3';
import type { IdTokenRecord } from '../../core/authorization.js';
import { applyLocalListUpdate, type LocalList, type LocalListUpdate } from '../../core/local-list.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { GroupCommit } from './group-commit.js';
import type { Page, PageQuery } from '../../core/ports/store/store.js';
import type { IdTokenInput, TokenGroup, TokenStore } from '../../core/ports/store/token-store.js';
import { toList, toToken, type Row } from './sql-rows.js';

/** Id tokens and local lists on SQLite; shares the database and group commit of `SqliteStore`. */
export class SqliteTokens implements TokenStore {
  private readonly stmt: Record<string, Statement>;

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      get: db.prepare('SELECT * FROM id_tokens WHERE tenant_id = ? AND id_token = ?'),
      // id_tokens_nocase; NOCASE folds ASCII only, as PostgreSQL's lower() under COLLATE "C" does.
      // INDEXED BY: otherwise SQLite walks the tenant's tokens by primary key (BINARY collation).
      match: db.prepare(
        `SELECT * FROM id_tokens INDEXED BY id_tokens_nocase WHERE tenant_id = @tenantId AND id_token = @idToken COLLATE NOCASE
           AND (@type IS NULL OR type = @type)
         ORDER BY id_token = @idToken DESC, id_token LIMIT 1`,
      ),
      put: db.prepare(
        `INSERT INTO id_tokens (tenant_id, id_token, type, status, expires_at, group_id, allow_concurrent_tx, priority, source, created_at, updated_at)
         VALUES (@tenantId, @idToken, @type, @status, @expiresAt, @groupId, @allowConcurrentTx, @priority, @source, @now, @now)
         ON CONFLICT(tenant_id, id_token) DO UPDATE SET type = excluded.type, status = excluded.status,
           expires_at = excluded.expires_at, group_id = excluded.group_id,
           allow_concurrent_tx = excluded.allow_concurrent_tx, priority = excluded.priority, source = excluded.source,
           updated_at = excluded.updated_at`,
      ),
      insertIfAbsent: db.prepare(
        `INSERT INTO id_tokens (tenant_id, id_token, type, status, expires_at, group_id, allow_concurrent_tx, priority, source, created_at, updated_at)
         VALUES (@tenantId, @idToken, @type, @status, @expiresAt, @groupId, @allowConcurrentTx, @priority, @source, @now, @now) ON CONFLICT DO NOTHING`,
      ),
      delete: db.prepare('DELETE FROM id_tokens WHERE tenant_id = ? AND id_token = ?'),
      list: db.prepare('SELECT * FROM id_tokens WHERE tenant_id = ? AND id_token > ? ORDER BY id_token LIMIT ?'),
      listGroup: db.prepare('SELECT * FROM id_tokens WHERE tenant_id = ? AND group_id = ? AND id_token > ? ORDER BY id_token LIMIT ?'),
      groups: db.prepare('SELECT group_id, count(*) AS members FROM id_tokens WHERE tenant_id = ? AND group_id IS NOT NULL GROUP BY group_id ORDER BY group_id'),
      getList: db.prepare('SELECT * FROM local_lists WHERE tenant_id = ? AND station_id = ?'),
      putList: db.prepare(
        `INSERT INTO local_lists (station_id, tenant_id, version, entries, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(station_id) DO UPDATE SET version = excluded.version, entries = excluded.entries,
           updated_at = excluded.updated_at WHERE local_lists.tenant_id = excluded.tenant_id`,
      ),
    };
  }

  async findIdToken(tenantId: string, idToken: string): Promise<IdTokenRecord | undefined> {
    const row = this.stmt.get!.get(tenantId, idToken) as Row | undefined;
    return row ? toToken(row) : undefined;
  }

  async matchIdToken(tenantId: string, idToken: string, type?: string): Promise<IdTokenRecord | undefined> {
    const row = this.stmt.match!.get({ tenantId, idToken, type: type ?? null }) as Row | undefined;
    return row ? toToken(row) : undefined;
  }

  putIdToken(token: IdTokenInput): Promise<boolean> {
    const now = new Date().toISOString();
    return this.writer.enqueue(() => {
      const existed = this.stmt.get!.get(token.tenantId, token.idToken) !== undefined;
      this.stmt.put!.run({ ...token, allowConcurrentTx: token.allowConcurrentTx ? 1 : 0, priority: token.priority ?? null, now });
      return !existed;
    });
  }

  async recordSeenIdToken(token: IdTokenInput): Promise<void> {
    const now = new Date().toISOString();
    await this.writer.enqueue(() => this.stmt.insertIfAbsent!.run({ ...token, allowConcurrentTx: token.allowConcurrentTx ? 1 : 0, priority: token.priority ?? null, now }));
  }

  deleteIdToken(tenantId: string, idToken: string): Promise<boolean> {
    return this.writer.enqueue(() => this.stmt.delete!.run(tenantId, idToken).changes === 1);
  }

  async listTokenGroups(tenantId: string): Promise<TokenGroup[]> {
    return (this.stmt.groups!.all(tenantId) as Row[]).map((r) => ({ groupId: r.group_id as string, members: Number(r.members) }));
  }

  async listIdTokens(tenantId: string, query: PageQuery & { groupId?: string }): Promise<Page<IdTokenRecord>> {
    const after = query.cursor ? decodeCursor(query.cursor) : '';
    const rows = (query.groupId === undefined
      ? this.stmt.list!.all(tenantId, after, query.limit + 1)
      : this.stmt.listGroup!.all(tenantId, query.groupId, after, query.limit + 1)) as Row[];
    const items = rows.slice(0, query.limit).map(toToken);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.idToken) : undefined };
  }

  async getLocalList(tenantId: string, stationId: string): Promise<LocalList | undefined> {
    const row = this.stmt.getList!.get(tenantId, stationId) as Row | undefined;
    return row ? toList(row) : undefined;
  }

  applyLocalList(tenantId: string, stationId: string, update: LocalListUpdate): Promise<LocalList> {
    const guarded = this.db.transaction((): LocalList => {
      const row = this.stmt.getList!.get(tenantId, stationId) as Row | undefined;
      const entries = applyLocalListUpdate(row ? toList(row).entries : [], update);
      const updatedAt = new Date().toISOString();
      this.stmt.putList!.run(stationId, tenantId, update.version, JSON.stringify(entries), updatedAt);
      return { tenantId, stationId, version: update.version, entries, updatedAt };
    });
    return this.writer.enqueue(() => guarded());
  }
}
