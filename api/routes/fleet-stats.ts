import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';

const series = { type: 'array', items: { type: 'integer' } } as const;

/** The dashboard's numbers that no store query should answer: who is connected here, and traffic rates. */
export async function fleetStatsRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;
  app.get(
    '/stats/fleet',
    {
      schema: {
        tags: ['stations'],
        operationId: 'fleetStats',
        summary: 'Connected stations by protocol, and messages / CALLERRORs per 10 s over the last hour (this node)',
        description:
          '`rates`: counts per 10-s bucket, oldest first, the newest bucket starting at `end` (unix seconds): OCPP frames received ' +
          'from the tenant’s stations (`messages`) and CALLERRORs sent to them (`callErrors`); divide by `stepSec` for a rate. ' +
          'Kept in memory by each gateway thread (no store write per message), so they cover this node since it started; ' +
          'null on a node without gateway threads. `online` is null in a NATS cluster (only the directory knows every node’s stations).',
        response: {
          200: {
            type: 'object',
            properties: {
              online: { type: ['object', 'null'], properties: { total: { type: 'integer' }, byProtocol: { type: 'object', additionalProperties: { type: 'integer' } } } },
              rates: {
                type: ['object', 'null'],
                properties: { stepSec: { type: 'integer' }, end: { type: 'integer' }, messages: series, callErrors: series },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const ids = deps.stations.connectedIds?.(request.tenantId);
      let online = null;
      if (ids) {
        const byProtocol: Record<string, number> = {};
        for (const id of ids) {
          const protocol = deps.stations.location(id)?.version ?? 'unknown';
          byProtocol[protocol] = (byProtocol[protocol] ?? 0) + 1;
        }
        online = { total: ids.length, byProtocol };
      }
      const rates = (await deps.stats?.rates(request.tenantId)) ?? null;
      return { online, rates };
    },
  );
}
