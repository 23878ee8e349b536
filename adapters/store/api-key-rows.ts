import type { ApiKeyRecord } from '../../core/ports/store/api-key-store.js';
import type { Row } from './sql-rows.js';

/** An api_keys row (SQLite and PostgreSQL) as a record; the key's hash is never read back. */
export function toApiKey(row: Row): ApiKeyRecord {
  return {
    id: row.id as string,
    role: row.role as ApiKeyRecord['role'],
    tenantId: (row.tenant_id as string | null) ?? null,
    name: (row.name as string | null) ?? null,
    prefix: row.prefix as string,
    createdAt: row.created_at as string,
    revokedAt: (row.revoked_at as string | null) ?? null,
  };
}
