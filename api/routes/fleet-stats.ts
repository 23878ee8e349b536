import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';

const series = { type: 'array', items: { type: 'integer' } } as const;

/** The dashboard's numbers: who is connected here and traffic rates (in memory), the fleet's size and connector statuses (one grouped store read). */
export async function fleetStatsRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;
  app.get(
    '/stats/fleet',
    {
      schema: {
        tags: ['stations'],
        operationId: 'fleetStats',
        summary: 'Stations registered and connected (by protocol), connectors by status, and messages / CALLERRORs per 10 s over the last hour',
        description:
          '`rates`: counts per 10-s bucket, oldest first, the newest bucket starting at `end` (unix seconds): OCPP frames received ' +
          'from the tenant’s stations (`messages`) and CALLERRORs sent to them (`callErrors`); divide by `stepSec` for a rate. ' +
          'Kept in memory by each gateway thread (no store write per message), so they cover this node since it started; ' +
          'null on a node without gateway threads. `online` is null in a NATS cluster (only the directory knows every node’s stations). ' +
          '`stations` (registered) and `connectorsByStatus` (each connector’s last reported status, connected or not) come from the store.',
        response: {
          200: {
            type: 'object',
            properties: {
              stations: { type: 'integer' },
              connectorsByStatus: { type: 'object', additionalProperties: { type: 'integer' } },
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
      const [rates, fleet] = await Promise.all([deps.stats?.rates(request.tenantId), deps.store.stations.fleetSummary(request.tenantId)]);
      return { stations: fleet.stations, connectorsByStatus: fleet.connectorsByStatus, online, rates: rates ?? null };
    },
  );
}
