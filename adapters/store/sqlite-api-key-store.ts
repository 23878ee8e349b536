import type { Database, Statement } from 'better-sqlite3';
import type { ApiKeyRecord, ApiKeyStore, NewApiKey } from '../../core/ports/store/api-key-store.js';
import type { GroupCommit } from './group-commit.js';
import { toApiKey } from './api-key-rows.js';
import type { Row } from './sql-rows.js';

/** The API key slice of the SQLite store; shares the database and group commit of `SqliteStore`. */
export class SqliteApiKeyStore implements ApiKeyStore {
  private readonly stmt: Record<string, Statement>;

  constructor(
    db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO api_keys (id, key_hash, role, tenant_id, name, prefix, created_at)
         VALUES (@id, @hash, @role, @tenantId, @name, @prefix, @now) ON CONFLICT DO NOTHING`,
      ),
      byHash: db.prepare('SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL'),
      all: db.prepare('SELECT * FROM api_keys ORDER BY created_at DESC, id'),
      byTenant: db.prepare('SELECT * FROM api_keys WHERE tenant_id = ? ORDER BY created_at DESC, id'),
      revoke: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      countAdmin: db.prepare("SELECT COUNT(*) AS n FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL"),
    };
  }

  createApiKey(key: NewApiKey): Promise<boolean> {
    const now = new Date().toISOString();
    return this.writer.enqueue(() => this.stmt.insert!.run({ ...key, now }).changes === 1);
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const row = this.stmt.byHash!.get(hash) as Row | undefined;
    return row ? toApiKey(row) : undefined;
  }

  async listApiKeys(tenantId?: string): Promise<ApiKeyRecord[]> {
    const rows = (tenantId === undefined ? this.stmt.all!.all() : this.stmt.byTenant!.all(tenantId)) as Row[];
    return rows.map(toApiKey);
  }

  revokeApiKey(id: string): Promise<boolean> {
    const now = new Date().toISOString();
    return this.writer.enqueue(() => this.stmt.revoke!.run(now, id).changes === 1);
  }

  async countAdminKeys(): Promise<number> {
    return (this.stmt.countAdmin!.get() as { n: number }).n;
  }
}
