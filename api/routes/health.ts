import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { errorBody } from '../schemas.js';

export async function healthRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        operationId: 'getHealth',
        summary: 'Liveness (200 while the process answers) and basic facts about this node; see /ready for readiness',
        security: [],
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string' },
              connectedStations: { type: 'integer' },
              workers: { type: 'integer' },
              store: { type: 'string' },
              bus: { type: 'string' },
              version: { type: 'string' },
            },
          },
        },
      },
    },
    async () => ({ status: 'ok', connectedStations: opts.deps.stations.connectedCount(), ...opts.deps.info }),
  );

  const check = { type: 'object', properties: { ok: { type: 'boolean' }, reason: { type: 'string' } }, required: ['ok'] };
  const readiness = {
    type: 'object',
    properties: { status: { type: 'string', enum: ['ready', 'not-ready'] }, checks: { type: 'object', additionalProperties: check } },
    required: ['status', 'checks'],
  };
  app.get(
    '/ready',
    {
      schema: {
        tags: ['operations'],
        operationId: 'getReadiness',
        summary:
          'Readiness: 200 when the store commits, the SQLite file is the one opened, the handler and gateway threads run and NATS (if configured) is connected; 503 with the failing checks otherwise',
        security: [],
        response: { 200: readiness, 503: readiness },
      },
    },
    async (_request, reply) => {
      const { ready, checks } = opts.deps.readiness?.() ?? { ready: true, checks: {} };
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
    },
  );

  // Metrics aggregate every tenant of the node: an admin key, unless CSMS_METRICS_PUBLIC opened them.
  const publicMetrics = opts.deps.security?.publicMetrics ?? false;
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        operationId: 'getMetrics',
        summary: 'Prometheus metrics for every thread of this node (admin key, unless CSMS_METRICS_PUBLIC=true)',
        ...(publicMetrics ? { security: [] } : { response: { 401: errorBody, 403: errorBody } }),
      },
      ...(publicMetrics ? {} : { preHandler: requireAdmin }),
    },
    async (_request, reply) => {
      const { contentType, body } = await opts.deps.metrics();
      return reply.type(contentType).send(body);
    },
  );
}
