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
        summary: 'Liveness and basic facts about this node',
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
