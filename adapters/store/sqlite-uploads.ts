import type { Database, Statement } from 'better-sqlite3';
import type { NewUploadSlot, UploadSlot, UploadStore } from '../../core/ports/store/upload-store.js';
import type { GroupCommit } from './group-commit.js';
import { toUploadSlot } from './upload-rows.js';

/** Upload slots on SQLite (core/ports/store/upload-store.ts). */
export class SqliteUploads implements UploadStore {
  private readonly stmt: Record<string, Statement>;

  constructor(
    db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO upload_slots (token_hash, tenant_id, station_id, request_id, action, expires_at, created_at)
         VALUES (@tokenHash, @tenantId, @stationId, @requestId, @action, @expiresAt, @createdAt)`,
      ),
      find: db.prepare('SELECT * FROM upload_slots WHERE token_hash = ?'),
      claim: db.prepare('UPDATE upload_slots SET claimed_at = ? WHERE token_hash = ? AND claimed_at IS NULL'),
      release: db.prepare('UPDATE upload_slots SET claimed_at = NULL WHERE token_hash = ? AND uploaded_at IS NULL'),
      complete: db.prepare('UPDATE upload_slots SET file_name = ?, size = ?, stored_as = ?, uploaded_at = ? WHERE token_hash = ?'),
      bind: db.prepare('UPDATE upload_slots SET request_id = ? WHERE token_hash = ?'),
      forRequest: db.prepare(
        'SELECT * FROM upload_slots WHERE station_id = ? AND request_id = ? AND tenant_id = ? ORDER BY created_at DESC LIMIT 1',
      ),
    };
  }

  create(slot: NewUploadSlot): Promise<void> {
    return this.writer.enqueue(() => void this.stmt.insert!.run(slot));
  }

  async findByToken(tokenHash: string): Promise<UploadSlot | undefined> {
    const row = this.stmt.find!.get(tokenHash) as Record<string, unknown> | undefined;
    return row ? toUploadSlot(row) : undefined;
  }

  claim(tokenHash: string, at: string): Promise<boolean> {
    return this.writer.enqueue(() => this.stmt.claim!.run(at, tokenHash).changes === 1);
  }

  release(tokenHash: string): Promise<void> {
    return this.writer.enqueue(() => void this.stmt.release!.run(tokenHash));
  }

  complete(tokenHash: string, file: { fileName: string; size: number; storedAs: string; uploadedAt: string }): Promise<void> {
    return this.writer.enqueue(() => void this.stmt.complete!.run(file.fileName, file.size, file.storedAs, file.uploadedAt, tokenHash));
  }

  bind(tokenHash: string, requestId: number): Promise<void> {
    return this.writer.enqueue(() => void this.stmt.bind!.run(requestId, tokenHash));
  }

  async getForRequest(tenantId: string, stationId: string, requestId: number): Promise<UploadSlot | undefined> {
    const row = this.stmt.forRequest!.get(stationId, requestId, tenantId) as Record<string, unknown> | undefined;
    return row ? toUploadSlot(row) : undefined;
  }
}
