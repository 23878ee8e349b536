import type { UploadSlot } from '../../core/ports/store/upload-store.js';

/** An upload slot row (snake_case columns) read back, shared by the SQL adapters. */
export function toUploadSlot(row: Record<string, unknown>): UploadSlot {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    tokenHash: String(row.token_hash),
    tenantId: String(row.tenant_id),
    stationId: String(row.station_id),
    requestId: row.request_id === null || row.request_id === undefined ? null : Number(row.request_id),
    action: String(row.action),
    expiresAt: String(row.expires_at),
    createdAt: String(row.created_at),
    claimedAt: text(row.claimed_at),
    fileName: text(row.file_name),
    size: row.size === null || row.size === undefined ? null : Number(row.size),
    storedAs: text(row.stored_as),
    uploadedAt: text(row.uploaded_at),
  };
}
