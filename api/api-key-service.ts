import { apiKeyIdFromHash, displayPrefix, generateApiKey, hashApiKey, isValidTenantId } from '../core/api-keys.js';
import { ApiError } from '../core/errors.js';
import type { ApiKeyRecord, ApiKeyRole, ApiKeyStore } from '../core/ports/store/api-key-store.js';

export interface IssueRequest {
  role: ApiKeyRole;
  tenantId?: string | null;
  name?: string | null;
}

/** Creates a key; the plain key is returned exactly once and never stored. Used by the API, the CLI and start-up. */
export async function issueApiKey(store: ApiKeyStore, request: IssueRequest, plain = generateApiKey()): Promise<{ key: string; record: ApiKeyRecord }> {
  const tenantId = request.role === 'admin' ? null : request.tenantId ?? null;
  if (request.role === 'tenant' && (!tenantId || !isValidTenantId(tenantId))) {
    throw new ApiError('BAD_REQUEST', 'A tenant key needs a valid tenant id (letters, digits, _ and -, up to 63)');
  }
  const hash = hashApiKey(plain);
  const id = apiKeyIdFromHash(hash);
  const prefix = displayPrefix(plain);
  await store.createApiKey({ id, role: request.role, tenantId, name: request.name ?? null, prefix, hash });
  const record = (await store.findApiKeyByHash(hash)) ?? {
    id, role: request.role, tenantId, name: request.name ?? null, prefix, createdAt: new Date().toISOString(), revokedAt: null,
  };
  return { key: plain, record };
}

export const MIN_ADMIN_KEY_LENGTH = 16;

/**
 * The first admin key, so `npm start` needs no setup: `CSMS_ADMIN_KEY` is registered (idempotent)
 * when set; otherwise, when no admin key exists yet, one is generated and returned so the caller
 * prints it once. Returns undefined when nothing new must be shown.
 */
export async function bootstrapAdminKey(store: ApiKeyStore, fromEnv: string | undefined): Promise<string | undefined> {
  if (fromEnv) {
    const existing = await store.findApiKeyByHash(hashApiKey(fromEnv));
    if (!existing) await issueApiKey(store, { role: 'admin', name: 'CSMS_ADMIN_KEY' }, fromEnv);
    return undefined;
  }
  if ((await store.countAdminKeys()) > 0) return undefined;
  const { key } = await issueApiKey(store, { role: 'admin', name: 'first admin key' });
  return key;
}
