import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';

export async function healthRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
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

  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: 'Prometheus metrics for every thread of this node' } },
    async (_request, reply) => {
      const { contentType, body } = await opts.deps.metrics();
      return reply.type(contentType).send(body);
    },
  );
}
