/** API keys: admin keys act on any tenant, tenant keys on one. Only the key's hash is stored. */
export type ApiKeyRole = 'admin' | 'tenant';

export interface ApiKeyRecord {
  /** Non-secret id used to list and revoke (see `apiKeyIdFromHash`). */
  id: string;
  role: ApiKeyRole;
  /** The tenant a tenant key is bound to; null for admin keys. */
  tenantId: string | null;
  name: string | null;
  /** First characters of the key, so an operator can recognise it in a listing. */
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface NewApiKey {
  id: string;
  role: ApiKeyRole;
  tenantId: string | null;
  name: string | null;
  prefix: string;
  hash: string;
}

export interface ApiKeyStore {
  /** Stores a key; false if a key with that id (so that hash) exists already. */
  createApiKey(key: NewApiKey): Promise<boolean>;
  /** The live (not revoked) key with this hash. */
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  /** Keys of one tenant, or every key when tenantId is undefined; newest first. */
  listApiKeys(tenantId?: string): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; false when no live key has that id. */
  revokeApiKey(id: string): Promise<boolean>;
  countAdminKeys(): Promise<number>;
}
