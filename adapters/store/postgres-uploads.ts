import type { Sql } from 'postgres';
import type { NewUploadSlot, UploadSlot, UploadStore } from '../../core/ports/store/upload-store.js';
import type { PgGroupCommit } from './postgres-group-commit.js';
import { toUploadSlot } from './upload-rows.js';

/** Upload slots on PostgreSQL (core/ports/store/upload-store.ts). */
export class PostgresUploads implements UploadStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  create(s: NewUploadSlot): Promise<void> {
    const row = {
      token_hash: s.tokenHash, tenant_id: s.tenantId, station_id: s.stationId, request_id: s.requestId,
      action: s.action, expires_at: s.expiresAt, created_at: s.createdAt,
    };
    const sql = this.sql;
    return this.writer.pipelined((tx) => tx`INSERT INTO upload_slots ${sql(row)}`.then(() => undefined));
  }

  async findByToken(tokenHash: string): Promise<UploadSlot | undefined> {
    const [row] = await this.sql`SELECT * FROM upload_slots WHERE token_hash = ${tokenHash}`;
    return row ? toUploadSlot(row) : undefined;
  }

  claim(tokenHash: string, at: string): Promise<boolean> {
    return this.writer.pipelined((tx) =>
      tx`UPDATE upload_slots SET claimed_at = ${at} WHERE token_hash = ${tokenHash} AND claimed_at IS NULL RETURNING 1`.then((r) => r.length === 1),
    );
  }

  release(tokenHash: string): Promise<void> {
    return this.writer.pipelined((tx) => tx`UPDATE upload_slots SET claimed_at = NULL WHERE token_hash = ${tokenHash} AND uploaded_at IS NULL`.then(() => undefined));
  }

  complete(tokenHash: string, f: { fileName: string; size: number; storedAs: string; uploadedAt: string }): Promise<void> {
    return this.writer.pipelined((tx) =>
      tx`UPDATE upload_slots SET file_name = ${f.fileName}, size = ${f.size}, stored_as = ${f.storedAs}, uploaded_at = ${f.uploadedAt}
        WHERE token_hash = ${tokenHash}`.then(() => undefined),
    );
  }

  bind(tokenHash: string, requestId: number): Promise<void> {
    return this.writer.pipelined((tx) => tx`UPDATE upload_slots SET request_id = ${requestId} WHERE token_hash = ${tokenHash}`.then(() => undefined));
  }

  async getForRequest(tenantId: string, stationId: string, requestId: number): Promise<UploadSlot | undefined> {
    const [row] = await this.sql`SELECT * FROM upload_slots
      WHERE station_id = ${stationId} AND request_id = ${requestId}::bigint AND tenant_id = ${tenantId}
      ORDER BY created_at DESC LIMIT 1`;
    return row ? toUploadSlot(row) : undefined;
  }
}
