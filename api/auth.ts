import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerToken, hashApiKey, isValidTenantId } from '../core/api-keys.js';
import { ApiError } from '../core/errors.js';
import { DEFAULT_TENANT } from '../core/types.js';
import type { ApiKeyRecord, ApiKeyStore } from '../core/ports/store/api-key-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key that authenticated this request (undefined on public routes). */
    apiKey: ApiKeyRecord | undefined;
  }
}

export const TENANT_HEADER = 'x-tenant-id';

export interface AuthOptions {
  keys: Pick<ApiKeyStore, 'findApiKeyByHash'>;
  /**
   * /metrics aggregates every tenant of the node, so by default it needs an admin key
   * (Prometheus sends one with `authorization.credentials`). `true` opens it for scrapers on a
   * private network.
   */
  publicMetrics?: boolean;
}

/** Routes anyone may read: liveness, readiness and the API documentation (`/metrics` only when configured so). */
function isPublic(url: string, publicMetrics: boolean): boolean {
  const path = url.split('?', 1)[0]!;
  if (path === '/health' || path === '/ready' || path === '/docs' || path.startsWith('/docs/') || path === '/openapi.json' || path === '/asyncapi.yaml') return true;
  // The built-in upload target: the one-time token in the URL is the credential (api/routes/uploads.ts).
  if (path.startsWith('/uploads/')) return true;
  // OCPI has its own credentials (Authorization: Token, checked by ocpi/plugin.ts).
  if (path === '/ocpi' || path.startsWith('/ocpi/')) return true;
  return publicMetrics && path === '/metrics';
}

/**
 * Every other request needs `Authorization: Bearer <key>`. A tenant key acts on its own tenant;
 * an admin key acts on the tenant named by `X-Tenant-Id` (default `default`). Routes then only
 * use `request.tenantId`, so another tenant's data is simply never found.
 */
export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('apiKey', undefined);
  app.addHook('onRequest', async (request) => {
    request.tenantId = DEFAULT_TENANT;
    if (isPublic(request.url, options.publicMetrics ?? false)) return;
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new ApiError('UNAUTHORIZED', 'Missing Authorization: Bearer <api key>');
    const key = await options.keys.findApiKeyByHash(hashApiKey(token));
    if (!key) throw new ApiError('UNAUTHORIZED', 'Unknown or revoked API key');
    request.apiKey = key;
    request.tenantId = tenantFor(request, key);
  });
}

function tenantFor(request: FastifyRequest, key: ApiKeyRecord): string {
  const header = request.headers[TENANT_HEADER];
  const asked = typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
  if (key.role === 'admin') {
    if (asked === undefined) return DEFAULT_TENANT;
    if (!isValidTenantId(asked)) throw new ApiError('BAD_REQUEST', `Invalid ${TENANT_HEADER} '${asked}'`);
    return asked;
  }
  if (asked !== undefined && asked !== key.tenantId) {
    throw new ApiError('FORBIDDEN', `This key is bound to tenant ${key.tenantId} and cannot act on tenant ${asked}`);
  }
  return key.tenantId!;
}

/** preHandler for admin-only routes. */
export async function requireAdmin(request: FastifyRequest): Promise<void> {
  if (request.apiKey?.role !== 'admin') throw new ApiError('FORBIDDEN', 'This endpoint needs an admin API key');
}
