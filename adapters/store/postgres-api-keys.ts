import type { Sql } from 'postgres';
import type { ApiKeyRecord, ApiKeyStore, NewApiKey } from '../../core/ports/store/api-key-store.js';
import type { PgGroupCommit } from './postgres-group-commit.js';
import { toApiKey } from './api-key-rows.js';

const COLUMNS = 'id, role, tenant_id, name, prefix, created_at, revoked_at';

/** API keys on PostgreSQL: only the key's hash is stored, and never read back into a record. */
export class PostgresApiKeys implements ApiKeyStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  createApiKey(key: NewApiKey): Promise<boolean> {
    const now = new Date().toISOString();
    return this.writer.pipelined((tx) =>
      tx`INSERT INTO api_keys (id, key_hash, role, tenant_id, name, prefix, created_at)
         VALUES (${key.id}, ${key.hash}, ${key.role}, ${key.tenantId}, ${key.name}, ${key.prefix}, ${now})
         ON CONFLICT DO NOTHING`.then((r) => r.count === 1),
    );
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const [row] = await this.sql`SELECT ${this.sql.unsafe(COLUMNS)} FROM api_keys WHERE key_hash = ${hash} AND revoked_at IS NULL`;
    return row ? toApiKey(row) : undefined;
  }

  async listApiKeys(tenantId?: string): Promise<ApiKeyRecord[]> {
    const rows =
      tenantId === undefined
        ? await this.sql`SELECT ${this.sql.unsafe(COLUMNS)} FROM api_keys ORDER BY created_at DESC, id`
        : await this.sql`SELECT ${this.sql.unsafe(COLUMNS)} FROM api_keys WHERE tenant_id = ${tenantId} ORDER BY created_at DESC, id`;
    return rows.map(toApiKey);
  }

  revokeApiKey(id: string): Promise<boolean> {
    const now = new Date().toISOString();
    return this.writer.pipelined((tx) =>
      tx`UPDATE api_keys SET revoked_at = ${now} WHERE id = ${id} AND revoked_at IS NULL`.then((r) => r.count === 1),
    );
  }

  async countAdminKeys(): Promise<number> {
    const [row] = await this.sql`SELECT count(*)::integer AS n FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL`;
    return row!.n as number;
  }
}
