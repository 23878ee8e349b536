import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../core/errors.js';
import { LoginThrottle } from '../../core/login-throttle.js';
import { hashPassword, verifyPassword } from '../../core/password.js';
import { passwordProblem } from '../../core/users.js';
import { SESSION_COOKIE, sessionTokenHash, type SessionUser } from '../auth.js';
import type { Logger } from 'pino';
import type { ApiDeps } from '../deps.js';
import { errorBody } from '../schemas.js';

export const SESSION_HOURS = 12;

export const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    role: { type: 'string', enum: ['viewer', 'operator', 'admin'] },
    tenantId: { type: ['string', 'null'], description: 'null: a cluster admin' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    disabledAt: { type: ['string', 'null'] },
  },
} as const;

const meSchema = {
  type: 'object',
  properties: {
    user: userSchema,
    csrfToken: { type: 'string', description: 'Send it as X-CSRF-Token with every request that changes something' },
    expiresAt: { type: 'string' },
  },
} as const;

function publicUser(user: SessionUser | Omit<SessionUser, 'csrfToken' | 'tokenHash'>) {
  const { id, username, role, tenantId, createdAt, updatedAt, disabledAt } = user;
  return { id, username, role, tenantId, createdAt, updatedAt, disabledAt };
}

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, maxAgeSec: number, forceSecure: boolean): void {
  const secure = forceSecure || request.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSec}${secure}`);
}

/**
 * Sessions for people: login (rate limited per username and per source address, core/login-throttle.ts),
 * logout, who am I (with the CSRF token), password change. The session token lives only in an
 * httpOnly cookie; the store keeps its SHA-256.
 */
export async function authRoutes(app: FastifyInstance, opts: { deps: ApiDeps; logger?: Logger }): Promise<void> {
  const { store } = opts.deps;
  const throttle = new LoginThrottle();
  const secureCookies = opts.deps.security?.secureCookies ?? false;
  // Verifying an unknown user costs the same scrypt work as a known one (no user enumeration by timing).
  const dummyHash = hashPassword(randomBytes(16).toString('hex'), 16384);

  app.post<{ Body: { username: string; password: string } }>(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        operationId: 'login',
        summary: 'Log in a user; sets the httpOnly session cookie and answers the CSRF token',
        security: [],
        body: {
          type: 'object',
          properties: { username: { type: 'string', minLength: 1, maxLength: 100 }, password: { type: 'string', minLength: 1, maxLength: 256 } },
          required: ['username', 'password'],
          additionalProperties: false,
        },
        response: { 200: meSchema, 400: errorBody, 401: errorBody, 429: errorBody },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const name = username.toLowerCase();
      const now = Date.now();
      const blocked = throttle.blocked(name, request.ip, now);
      if (blocked) {
        reply.header('retry-after', String(Math.ceil(blocked.retryAfterMs / 1000)));
        opts.logger?.warn({ username, address: request.ip, reason: blocked.reason }, 'UI login refused: rate limited');
        throw new ApiError('LOGIN_RATE_LIMITED', `Too many failed logins: try again in ${Math.ceil(blocked.retryAfterMs / 1000)} s`);
      }
      const user = await store.users.findUserByName(username);
      const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash));
      if (!user || !ok || user.disabledAt) {
        throttle.failed(name, request.ip, now);
        opts.logger?.warn({ username, address: request.ip }, 'UI login failed');
        throw new ApiError('UNAUTHORIZED', 'Wrong username or password');
      }
      throttle.succeeded(name);
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      const expiresAt = new Date(now + SESSION_HOURS * 3_600_000).toISOString();
      await store.users.createSession({ tokenHash: sessionTokenHash(token), userId: user.id, csrfToken, expiresAt });
      setSessionCookie(request, reply, token, SESSION_HOURS * 3600, secureCookies);
      opts.logger?.info({ userId: user.id, username: user.username, tenantId: user.tenantId, address: request.ip }, 'UI login');
      const { passwordHash: _, ...record } = user;
      return { user: publicUser(record), csrfToken, expiresAt };
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'], operationId: 'logout', summary: 'End this session (cookie sessions only)',
        response: { 204: { type: 'null' }, 401: errorBody, 403: errorBody },
      },
    },
    async (request, reply) => {
      if (request.user) await store.users.deleteSession(request.user.tokenHash);
      setSessionCookie(request, reply, '', 0, secureCookies);
      return reply.status(204).send();
    },
  );

  app.get(
    '/auth/me',
    {
      schema: {
        tags: ['auth'], operationId: 'me', summary: 'The logged-in user, its CSRF token (or the API key\'s role)',
        response: { 200: { ...meSchema, properties: { ...meSchema.properties, tenantId: { type: 'string' }, apiKey: { type: 'object', additionalProperties: true } } }, 401: errorBody },
      },
    },
    async (request) => {
      if (request.user) return { user: publicUser(request.user), csrfToken: request.user.csrfToken, tenantId: request.tenantId };
      return { tenantId: request.tenantId, apiKey: { id: request.apiKey?.id, role: request.apiKey?.role } };
    },
  );

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/auth/password',
    {
      schema: {
        tags: ['auth'], operationId: 'changePassword', summary: 'Change the logged-in user\'s password; its other sessions end',
        body: {
          type: 'object',
          properties: { currentPassword: { type: 'string', maxLength: 256 }, newPassword: { type: 'string', maxLength: 256 } },
          required: ['currentPassword', 'newPassword'],
          additionalProperties: false,
        },
        response: { 204: { type: 'null' }, 400: errorBody, 401: errorBody, 403: errorBody },
      },
    },
    async (request, reply) => {
      const user = request.user;
      if (!user) throw new ApiError('FORBIDDEN', 'Only a logged-in user has a password (API keys are revoked instead)');
      const stored = await store.users.findUserByName(user.username);
      if (!stored || !(await verifyPassword(request.body.currentPassword, stored.passwordHash))) throw new ApiError('UNAUTHORIZED', 'Wrong current password');
      const weak = passwordProblem(request.body.newPassword, user.username);
      if (weak) throw new ApiError('BAD_REQUEST', weak);
      await store.users.updateUser(user.id, { passwordHash: await opts.deps.hashPassword(request.body.newPassword) });
      const ended = await store.users.deleteUserSessions(user.id, user.tokenHash);
      opts.logger?.info({ userId: user.id, username: user.username, endedSessions: ended }, 'UI password changed');
      return reply.status(204).send();
    },
  );
}
