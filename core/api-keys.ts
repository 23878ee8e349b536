import { createHash, randomBytes } from 'node:crypto';

/**
 * API keys. A key is `sy_` + 32 random bytes (base64url), so it carries 256 bits of entropy.
 * It is stored only as its SHA-256: a slow password hash (scrypt) protects low-entropy secrets
 * against guessing; against a 256-bit random secret guessing is hopeless anyway, and a fast hash
 * keeps the per-request lookup cheap (one indexed equality match, no CPU-heavy work per call).
 */
export const API_KEY_PREFIX = 'sy_';

/** Tenant ids appear in NATS subjects, so only subject-safe characters (no '.', '*', '>', spaces). */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export function isValidTenantId(id: string): boolean {
  return TENANT_ID_PATTERN.test(id);
}

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A short, non-secret id for listing and revoking keys (derived from the hash, never the key). */
export function apiKeyIdFromHash(hash: string): string {
  return `key_${hash.slice(0, 16)}`;
}

/** What a log line or a listing may show of a key: its first characters only. */
export function displayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}

/** Pulls the token out of `Authorization: Bearer <token>`; undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
  return match?.[1];
}
