/**
 * One-time upload slots for the built-in upload target (`PUT|POST /uploads/{token}`): a GetLog or
 * GetDiagnostics request gets one, the station uploads its file with it once. Only the token's
 * SHA-256 is stored. A slice exposed as `store.uploads`.
 */
export interface UploadSlot {
  /** hex SHA-256 of the token (the token itself is only in the URL sent to the station). */
  tokenHash: string;
  tenantId: string;
  stationId: string;
  /**
   * The request it belongs to (GetLog requestId; GetDiagnostics: the id the store gave it); null
   * until the station accepted the request (the slot exists before the call goes out).
   */
  requestId: number | null;
  /** GetLog or GetDiagnostics. */
  action: string;
  /** Not accepted after this time. */
  expiresAt: string;
  createdAt: string;
  /** When an upload took the slot (then it is used); null while free. */
  claimedAt: string | null;
  /** Set once the file is stored: the name the station gave (or a default), its size, where under the data dir. */
  fileName: string | null;
  size: number | null;
  storedAs: string | null;
  uploadedAt: string | null;
}

export type NewUploadSlot = Omit<UploadSlot, 'claimedAt' | 'fileName' | 'size' | 'storedAs' | 'uploadedAt'>;

export interface UploadStore {
  create(slot: NewUploadSlot): Promise<void>;
  findByToken(tokenHash: string): Promise<UploadSlot | undefined>;
  /** Takes a free slot for an upload starting at `at`; false when it was taken already. */
  claim(tokenHash: string, at: string): Promise<boolean>;
  /** Frees a claimed slot whose upload failed (too large, connection lost), so the station can try again. */
  release(tokenHash: string): Promise<void>;
  /** Records the stored file. */
  complete(tokenHash: string, file: { fileName: string; size: number; storedAs: string; uploadedAt: string }): Promise<void>;
  /** Ties the slot to its request once the station accepted it. */
  bind(tokenHash: string, requestId: number): Promise<void>;
  /** The newest slot of a request, tenant-scoped. */
  getForRequest(tenantId: string, stationId: string, requestId: number): Promise<UploadSlot | undefined>;
}
