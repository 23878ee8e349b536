import type { FastifyInstance } from 'fastify';
import type { IdTokenRecord } from '../../core/authorization.js';
import { ApiError } from '../../core/errors.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, pageQuery } from '../schemas.js';
import { idTokenBodyProps, idTokenSchema, tokenValue } from '../session-schemas.js';

type TokenBody = Pick<IdTokenRecord, 'type' | 'status' | 'expiresAt' | 'groupId' | 'allowConcurrentTx' | 'priority'>;

/** Id tokens of the caller's tenant: what Authorize and transaction messages are answered from. */
export async function tokenRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;
  const params = { type: 'object', properties: { idToken: tokenValue }, required: ['idToken'] } as const;

  app.get<{ Querystring: { limit: number; cursor?: string; groupId?: string } }>(
    '/tokens',
    {
      schema: {
        tags: ['tokens'],
        operationId: 'listIdTokens',
        summary: 'List id tokens (cursor pagination, by token value); with groupId, the members of that group',
        querystring: { ...pageQuery, properties: { ...pageQuery.properties, groupId: { ...tokenValue, description: 'Only tokens of this group (OCPP groupIdToken)' } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: idTokenSchema }, nextCursor: { type: ['string', 'null'] } } } },
      },
    },
    async (request) => {
      const page = await deps.store.tokens.listIdTokens(request.tenantId, request.query);
      return { items: page.items, nextCursor: page.nextCursor ?? null };
    },
  );

  app.get(
    '/token-groups',
    {
      schema: {
        tags: ['tokens'],
        operationId: 'listTokenGroups',
        summary: 'Id token groups in use (distinct groupId) and how many tokens each holds',
        description: 'A group is OCPP’s groupIdToken: tokens sharing it count as one for authorization (e.g. a fleet card set). A group exists while a token names it; assign a token with PUT /tokens/{idToken} and its `groupId`.',
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: { type: 'object', properties: { groupId: { type: 'string' }, members: { type: 'integer' } } } } },
          },
        },
      },
    },
    async (request) => ({ items: await deps.store.tokens.listTokenGroups(request.tenantId) }),
  );

  app.get<{ Params: { idToken: string } }>(
    '/tokens/:idToken',
    { schema: { tags: ['tokens'], operationId: 'getIdToken', summary: 'One id token', params, response: { 200: idTokenSchema, 404: errorBody } } },
    async (request) => {
      const token = await deps.store.tokens.findIdToken(request.tenantId, request.params.idToken);
      if (!token) throw new ApiError('ID_TOKEN_NOT_FOUND', `Id token ${request.params.idToken} not found`);
      return token;
    },
  );

  app.post<{ Body: TokenBody & { idToken: string } }>(
    '/tokens',
    {
      schema: {
        tags: ['tokens'],
        operationId: 'createIdToken',
        summary: 'Create an id token (409 if it exists; PUT replaces)',
        body: { type: 'object', properties: { idToken: tokenValue, ...idTokenBodyProps }, required: ['idToken'], additionalProperties: false },
        response: { 201: idTokenSchema, 400: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      const { tenantId } = request;
      if (await deps.store.tokens.findIdToken(tenantId, request.body.idToken)) {
        throw new ApiError('ID_TOKEN_EXISTS', `Id token ${request.body.idToken} already exists`);
      }
      await deps.store.tokens.putIdToken({ ...request.body, tenantId, source: 'api' });
      return reply.status(201).send(await deps.store.tokens.findIdToken(tenantId, request.body.idToken));
    },
  );

  app.put<{ Params: { idToken: string }; Body: TokenBody }>(
    '/tokens/:idToken',
    {
      schema: {
        tags: ['tokens'],
        operationId: 'putIdToken',
        summary: 'Create or replace an id token',
        params,
        body: { type: 'object', properties: idTokenBodyProps, additionalProperties: false },
        response: { 200: idTokenSchema, 201: idTokenSchema, 400: errorBody },
      },
    },
    async (request, reply) => {
      const { tenantId } = request;
      const created = await deps.store.tokens.putIdToken({ ...request.body, idToken: request.params.idToken, tenantId, source: 'api' });
      return reply.status(created ? 201 : 200).send(await deps.store.tokens.findIdToken(tenantId, request.params.idToken));
    },
  );

  app.delete<{ Params: { idToken: string } }>(
    '/tokens/:idToken',
    { schema: { tags: ['tokens'], operationId: 'deleteIdToken', summary: 'Delete an id token', params, response: { 204: { type: 'null' }, 404: errorBody } } },
    async (request, reply) => {
      if (!(await deps.store.tokens.deleteIdToken(request.tenantId, request.params.idToken))) {
        throw new ApiError('ID_TOKEN_NOT_FOUND', `Id token ${request.params.idToken} not found`);
      }
      return reply.status(204).send();
    },
  );
}
