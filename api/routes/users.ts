import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../core/errors.js';
import { passwordProblem, scopeProblem } from '../../core/users.js';
import type { UserRecord, UserRole } from '../../core/ports/store/user-store.js';
import { requireTenantAdmin } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { errorBody } from '../schemas.js';
import { createUser } from '../user-service.js';
import { userSchema } from './auth.js';

const roleSchema = { type: 'string', enum: ['viewer', 'operator', 'admin'] } as const;

const auditSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    tenantId: { type: 'string' },
    at: { type: 'string' },
    userId: { type: 'string' },
    username: { type: 'string' },
    route: { type: 'string' },
    stationId: { type: ['string', 'null'] },
    action: { type: ['string', 'null'] },
    result: { type: 'string', description: "The station's status, CALLERROR code or why it got no answer" },
    httpStatus: { type: 'integer' },
    request: { description: 'The request body as sent' },
  },
} as const;

/**
 * Users (admins only) and the audit log of commands users sent. A tenant's admin manages the users
 * of its tenant; a cluster admin (or an admin API key) every tenant's, and cluster admins.
 */
export async function userRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { store } = opts.deps;
  app.addHook('preHandler', requireTenantAdmin);
  const bound = (request: FastifyRequest) => request.principal?.tenantId ?? undefined;
  const visible = async (request: FastifyRequest, id: string): Promise<UserRecord> => {
    const user = await store.users.getUser(id);
    const tenant = bound(request);
    if (!user || (tenant !== undefined && user.tenantId !== tenant)) throw new ApiError('USER_NOT_FOUND', `No user ${id}`);
    return user;
  };

  app.get<{ Querystring: { tenantId?: string } }>(
    '/admin/users',
    {
      schema: {
        tags: ['admin'], operationId: 'listUsers', summary: 'List users (admins; a tenant admin sees its tenant)',
        querystring: { type: 'object', properties: { tenantId: { type: 'string' } }, additionalProperties: false },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: userSchema } } }, 401: errorBody, 403: errorBody },
      },
    },
    async (request) => ({ items: await store.users.listUsers(bound(request) ?? request.query.tenantId) }),
  );

  app.post<{ Body: { username: string; password: string; role: UserRole; tenantId?: string | null } }>(
    '/admin/users',
    {
      schema: {
        tags: ['admin'], operationId: 'createUser', summary: 'Create a user (admins); no tenantId: a cluster admin (cluster admins only)',
        body: {
          type: 'object',
          properties: {
            username: { type: 'string', maxLength: 100 },
            password: { type: 'string', maxLength: 256 },
            role: roleSchema,
            tenantId: { type: ['string', 'null'], pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$' },
          },
          required: ['username', 'password', 'role'],
          additionalProperties: false,
        },
        response: { 201: userSchema, 400: errorBody, 401: errorBody, 403: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      const tenant = bound(request);
      const tenantId = request.body.tenantId ?? null;
      if (tenant !== undefined && tenantId !== tenant) throw new ApiError('FORBIDDEN', `A tenant admin creates users of tenant ${tenant} only`);
      const user = await createUser(store.users, opts.deps.hashPassword, { ...request.body, tenantId });
      return reply.status(201).send(user);
    },
  );

  app.patch<{ Params: { userId: string }; Body: { role?: UserRole; password?: string; disabled?: boolean } }>(
    '/admin/users/:userId',
    {
      schema: {
        tags: ['admin'], operationId: 'updateUser', summary: 'Change a user\'s role, password or disabled flag (admins); a new password or disabling ends its sessions',
        params: { type: 'object', properties: { userId: { type: 'string', maxLength: 64 } }, required: ['userId'] },
        body: {
          type: 'object',
          properties: { role: roleSchema, password: { type: 'string', maxLength: 256 }, disabled: { type: 'boolean' } },
          additionalProperties: false,
        },
        response: { 200: userSchema, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const user = await visible(request, request.params.userId);
      const { role, password, disabled } = request.body ?? {};
      if (role) {
        const scope = scopeProblem(role, user.tenantId);
        if (scope) throw new ApiError('BAD_REQUEST', scope);
      }
      if (password !== undefined) {
        const weak = passwordProblem(password, user.username);
        if (weak) throw new ApiError('BAD_REQUEST', weak);
      }
      if (request.user?.id === user.id && (disabled || (role && role !== 'admin'))) {
        throw new ApiError('BAD_REQUEST', 'An admin cannot disable or demote itself');
      }
      await store.users.updateUser(user.id, { role, disabled, passwordHash: password === undefined ? undefined : await opts.deps.hashPassword(password) });
      if (password !== undefined || disabled) await store.users.deleteUserSessions(user.id);
      return (await store.users.getUser(user.id))!;
    },
  );

  app.delete<{ Params: { userId: string } }>(
    '/admin/users/:userId',
    {
      schema: {
        tags: ['admin'], operationId: 'deleteUser', summary: 'Delete a user and end its sessions (admins)',
        params: { type: 'object', properties: { userId: { type: 'string', maxLength: 64 } }, required: ['userId'] },
        response: { 204: { type: 'null' }, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request, reply) => {
      const user = await visible(request, request.params.userId);
      if (request.user?.id === user.id) throw new ApiError('BAD_REQUEST', 'An admin cannot delete itself');
      await store.users.deleteUser(user.id);
      return reply.status(204).send();
    },
  );

  app.get<{ Querystring: { limit?: number; before?: number; allTenants?: boolean } }>(
    '/admin/audit',
    {
      schema: {
        tags: ['admin'], operationId: 'listAudit', summary: 'Commands sent by users (who, what, when, the station\'s answer) and changes to users, API keys and id tokens (by users or keys: who, route, body without secrets, outcome), newest first; the request\'s tenant unless allTenants (cluster admins)',
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 }, before: { type: 'integer', minimum: 1 }, allTenants: { type: 'boolean' } },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: auditSchema } } }, 401: errorBody, 403: errorBody },
      },
    },
    async (request) => {
      const all = request.query.allTenants === true && bound(request) === undefined;
      const items = await store.users.listAudit(all ? undefined : request.tenantId, { limit: request.query.limit ?? 100, before: request.query.before });
      return { items };
    },
  );
}
