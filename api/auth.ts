import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerToken, hashApiKey, isValidTenantId } from '../core/api-keys.js';
import { ApiError } from '../core/errors.js';
import { DEFAULT_TENANT } from '../core/types.js';
import { permits, type Principal } from '../core/users.js';
import type { ApiKeyRecord, ApiKeyStore } from '../core/ports/store/api-key-store.js';
import type { UserRecord, UserStore } from '../core/ports/store/user-store.js';

/** A logged-in user on this request, with its session (the CSRF token and the cookie token's hash). */
export interface SessionUser extends UserRecord {
  csrfToken: string;
  tokenHash: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The key that authenticated this request (undefined on public routes and for users). */
    apiKey: ApiKeyRecord | undefined;
    /** The user whose session cookie authenticated this request (undefined for API keys). */
    user: SessionUser | undefined;
    /** Who made the request, whichever way it authenticated (undefined on public routes). */
    principal: Principal | undefined;
  }
}

export const TENANT_HEADER = 'x-tenant-id';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_COOKIE = 'sy_session';

export interface AuthOptions {
  keys: Pick<ApiKeyStore, 'findApiKeyByHash'>;
  users: Pick<UserStore, 'findSession'>;
  /**
   * /metrics aggregates every tenant of the node, so by default it needs an admin key
   * (Prometheus sends one with `authorization.credentials`). `true` opens it for scrapers on a
   * private network.
   */
  publicMetrics?: boolean;
}

/** Routes anyone may read: liveness, readiness, the API documentation, the UI's files and the login itself. */
function isPublic(path: string, publicMetrics: boolean): boolean {
  if (path === '/health' || path === '/ready' || path === '/docs' || path.startsWith('/docs/') || path === '/openapi.json' || path === '/asyncapi.yaml') return true;
  // The operator UI's static files (hash routing: every page is `/`); the data behind them needs a session.
  if (path === '/' || path === '/index.html' || path.startsWith('/ui/')) return true;
  if (path === '/auth/login') return true;
  // The built-in upload target: the one-time token in the URL is the credential (api/routes/uploads.ts).
  if (path.startsWith('/uploads/')) return true;
  // OCPI has its own credentials (Authorization: Token, checked by ocpi/plugin.ts).
  if (path === '/ocpi' || path.startsWith('/ocpi/')) return true;
  return publicMetrics && path === '/metrics';
}

export function sessionTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The value of one cookie of a `Cookie` header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every other request needs `Authorization: Bearer <key>` or a user's session cookie. A tenant key
 * or tenant user acts on its own tenant; an admin key or cluster admin acts on the tenant named by
 * `X-Tenant-Id` (default `default`). Routes then only use `request.tenantId`, so another tenant's
 * data is simply never found. A cookie-authenticated request that changes something must carry
 * the session's CSRF token in `X-CSRF-Token` (API keys are not sent by browsers on their own, so
 * they need none). The role decides the rest (core/users.ts `permits`), here, once.
 */
export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('apiKey', undefined);
  app.decorateRequest('user', undefined);
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    request.tenantId = DEFAULT_TENANT;
    const path = request.url.split('?', 1)[0]!;
    if (isPublic(path, options.publicMetrics ?? false)) return;
    const token = bearerToken(request.headers.authorization);
    if (token) {
      const key = await options.keys.findApiKeyByHash(hashApiKey(token));
      if (!key) throw new ApiError('UNAUTHORIZED', 'Unknown or revoked API key');
      request.apiKey = key;
      request.principal = { kind: 'key', role: key.role === 'admin' ? 'admin' : 'operator', tenantId: key.tenantId };
      request.tenantId = tenantFor(request, key.tenantId, 'key');
      return;
    }
    const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (!cookie) throw new ApiError('UNAUTHORIZED', 'Missing Authorization: Bearer <api key> (or log in)');
    const tokenHash = sessionTokenHash(cookie);
    const session = await options.users.findSession(tokenHash, new Date().toISOString());
    if (!session) throw new ApiError('UNAUTHORIZED', 'Session expired or logged out');
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) {
        throw new ApiError('CSRF_TOKEN_INVALID', `A request that changes something needs the session's ${CSRF_HEADER} header`);
      }
    }
    request.user = { ...session.user, csrfToken: session.csrfToken, tokenHash };
    request.principal = { kind: 'user', role: session.user.role, tenantId: session.user.tenantId };
    request.tenantId = tenantFor(request, session.user.tenantId, 'user');
    const decision = permits(request.principal, request.method, path);
    if (!decision.ok) throw new ApiError('FORBIDDEN', decision.reason);
  });
}

function tenantFor(request: FastifyRequest, boundTo: string | null, what: 'key' | 'user'): string {
  const header = request.headers[TENANT_HEADER];
  const asked = typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
  if (boundTo === null) {
    if (asked === undefined) return DEFAULT_TENANT;
    if (!isValidTenantId(asked)) throw new ApiError('BAD_REQUEST', `Invalid ${TENANT_HEADER} '${asked}'`);
    return asked;
  }
  if (asked !== undefined && asked !== boundTo) {
    throw new ApiError('FORBIDDEN', `This ${what} is bound to tenant ${boundTo} and cannot act on tenant ${asked}`);
  }
  return boundTo;
}

/** preHandler for cluster-wide admin routes (/metrics): an admin key or a cluster admin user. */
export async function requireAdmin(request: FastifyRequest): Promise<void> {
  const p = request.principal;
  if (!p || p.role !== 'admin' || p.tenantId !== null) throw new ApiError('FORBIDDEN', 'This endpoint needs an admin API key or a cluster admin');
}

/** preHandler for administration routes: an admin of the request's tenant or a cluster-wide admin. */
export async function requireTenantAdmin(request: FastifyRequest): Promise<void> {
  if (request.principal?.role !== 'admin') throw new ApiError('FORBIDDEN', 'This endpoint needs the admin role');
}
