import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../core/errors.js';
import type { ApiKeyRole } from '../../core/ports/store/api-key-store.js';
import { issueApiKey } from '../api-key-service.js';
import { requireTenantAdmin } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { errorBody } from '../schemas.js';

const keySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    role: { type: 'string', enum: ['admin', 'tenant'] },
    tenantId: { type: ['string', 'null'] },
    name: { type: ['string', 'null'] },
    prefix: { type: 'string', description: 'First characters of the key, to recognise it' },
    createdAt: { type: 'string' },
    revokedAt: { type: ['string', 'null'] },
  },
} as const;

/**
 * Admin-only key management. The plain key is in the creation response only; it is stored hashed.
 * Admin keys and cluster admins manage every key; a tenant's admin user only its tenant's tenant keys.
 */
export async function apiKeyRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { store } = opts.deps;
  app.addHook('preHandler', requireTenantAdmin);
  const boundTenant = (request: FastifyRequest) => request.principal?.tenantId ?? undefined;

  app.post<{ Body: { role?: ApiKeyRole; tenantId?: string; name?: string } }>(
    '/admin/api-keys',
    {
      schema: {
        tags: ['admin'],
        operationId: 'createApiKey',
        summary: 'Create an API key (admin only); the key is shown in this response only',
        body: {
          type: 'object',
          properties: {
            role: { type: 'string', enum: ['admin', 'tenant'], default: 'tenant' },
            tenantId: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$' },
            name: { type: 'string', maxLength: 200 },
          },
          additionalProperties: false,
        },
        response: { 201: { type: 'object', properties: { key: { type: 'string' }, apiKey: keySchema } }, 400: errorBody, 401: errorBody, 403: errorBody },
      },
    },
    async (request, reply) => {
      const { role = 'tenant', tenantId, name } = request.body ?? {};
      const bound = boundTenant(request);
      if (bound !== undefined && (role !== 'tenant' || (tenantId !== undefined && tenantId !== bound))) {
        throw new ApiError('FORBIDDEN', `A tenant admin creates tenant keys of tenant ${bound} only`);
      }
      const { key, record } = await issueApiKey(store.apiKeys, { role, tenantId: bound ?? tenantId, name });
      return reply.status(201).send({ key, apiKey: record });
    },
  );

  app.get<{ Querystring: { tenantId?: string } }>(
    '/admin/api-keys',
    {
      schema: {
        tags: ['admin'],
        operationId: 'listApiKeys',
        summary: 'List API keys (admin only), optionally of one tenant; never shows the keys themselves',
        querystring: { type: 'object', properties: { tenantId: { type: 'string' } }, additionalProperties: false },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: keySchema } } }, 401: errorBody, 403: errorBody },
      },
    },
    async (request) => ({ items: await store.apiKeys.listApiKeys(boundTenant(request) ?? request.query.tenantId) }),
  );

  app.delete<{ Params: { keyId: string } }>(
    '/admin/api-keys/:keyId',
    {
      schema: {
        tags: ['admin'],
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key (admin only); it stops working at once on this node',
        params: { type: 'object', properties: { keyId: { type: 'string', maxLength: 64 } }, required: ['keyId'] },
        response: { 204: { type: 'null' }, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request, reply) => {
      const bound = boundTenant(request);
      const own = bound === undefined || (await store.apiKeys.listApiKeys(bound)).some((k) => k.id === request.params.keyId);
      if (!own || !(await store.apiKeys.revokeApiKey(request.params.keyId))) {
        throw new ApiError('API_KEY_NOT_FOUND', `No live API key ${request.params.keyId}`);
      }
      return reply.status(204).send();
    },
  );
}
