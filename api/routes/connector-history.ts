import type { FastifyInstance } from 'fastify';
import { CONNECTOR_STATUSES, connectorAvailability } from '../../core/availability.js';
import { ApiError } from '../../core/errors.js';
import type { ApiDeps } from '../deps.js';
import { requireStation } from '../station-lookup.js';
import { errorBody, stationIdParam } from '../schemas.js';

const DAY_MS = 24 * 3600 * 1000;
/** Rows read to compute availability; a period with more changes answers `truncated: true`. */
export const AVAILABILITY_MAX_CHANGES = 100_000;

const periodQuery = {
  from: { type: 'string', format: 'date-time', description: 'Start (inclusive); default: 24 hours before `to`' },
  to: { type: 'string', format: 'date-time', description: 'End (exclusive); default and at most: now' },
  evseId: { type: 'integer', minimum: 0, maximum: 2147483647 },
  connectorId: { type: 'integer', minimum: 0, maximum: 2147483647 },
} as const;

const changeSchema = {
  type: 'object',
  properties: {
    evseId: { type: 'integer' },
    connectorId: { type: 'integer' },
    status: { type: 'string', enum: CONNECTOR_STATUSES },
    detailedStatus: { type: ['string', 'null'], description: '1.6: the status as sent (Charging, SuspendedEV, …)' },
    errorCode: { type: ['string', 'null'], description: '1.6 errorCode' },
    info: { type: ['string', 'null'] },
    vendorErrorCode: { type: ['string', 'null'] },
    reportedAt: { type: 'string' },
  },
} as const;

interface PeriodQuery {
  from?: string;
  to?: string;
  evseId?: number;
  connectorId?: number;
}

/** The period asked for, `to` capped at now (the future has no status yet). */
function period(query: PeriodQuery, now: number): { from: string; to: string } {
  const toMs = Math.min(query.to ? Date.parse(query.to) : now, now);
  const fromMs = query.from ? Date.parse(query.from) : toMs - DAY_MS;
  if (!(fromMs < toMs)) throw new ApiError('VALIDATION_FAILED', '`from` must be before `to` (and before now)');
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
}

/** Connector status history per station and period, and availability (uptime %) computed from it (core/availability.ts). */
export async function connectorHistoryRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  const stationOf = (tenantId: string, id: string) => requireStation(deps.store, tenantId, id);

  app.get<{ Params: { id: string }; Querystring: PeriodQuery & { limit: number } }>(
    '/stations/:id/connector-status-history',
    {
      schema: {
        tags: ['stations'],
        operationId: 'listConnectorStatusHistory',
        summary: 'Every connector status change of a period, in time order',
        description:
          'One row per StatusNotification (1.6 statuses mapped to the 2.x ones, the 1.6 status kept in `detailedStatus`). ' +
          'Each connector’s last change before `from` comes first: the status it had when the period began.',
        params: stationIdParam,
        querystring: {
          type: 'object',
          properties: { ...periodQuery, limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 } },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: { from: { type: 'string' }, to: { type: 'string' }, items: { type: 'array', items: changeSchema } },
          },
          400: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      await stationOf(request.tenantId, id);
      const { from, to } = period(request.query, Date.now());
      const { evseId, connectorId, limit } = request.query;
      const rows = await deps.store.stations.listConnectorStatusHistory(request.tenantId, id, { from, to, evseId, connectorId, limit });
      return { from, to, items: rows.map(({ tenantId: _t, stationId: _s, ...rest }) => rest) };
    },
  );

  app.get<{ Params: { id: string }; Querystring: PeriodQuery }>(
    '/stations/:id/availability',
    {
      schema: {
        tags: ['stations'],
        operationId: 'getConnectorAvailability',
        summary: 'Availability (uptime %) per connector over a period',
        description:
          'From the connector status history: up while Available, Occupied or Reserved; down while Unavailable or Faulted; ' +
          'unknown before the first status known for the period (counted neither way). `uptimePct` = 100 × up / (up + down), ' +
          'null when nothing is known. Seconds per status are given too. `truncated`: the period had more than ' +
          `${AVAILABILITY_MAX_CHANGES} changes and only the first were used.`,
        params: stationIdParam,
        querystring: { type: 'object', properties: periodQuery, additionalProperties: false },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'string' },
              to: { type: 'string' },
              truncated: { type: 'boolean' },
              connectors: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    evseId: { type: 'integer' },
                    connectorId: { type: 'integer' },
                    uptimePct: { type: ['number', 'null'] },
                    upSec: { type: 'number' },
                    downSec: { type: 'number' },
                    unknownSec: { type: 'number' },
                    seconds: { type: 'object', properties: Object.fromEntries(CONNECTOR_STATUSES.map((s) => [s, { type: 'number' }])) },
                  },
                },
              },
            },
          },
          400: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      await stationOf(request.tenantId, id);
      const { from, to } = period(request.query, Date.now());
      const { evseId, connectorId } = request.query;
      const rows = await deps.store.stations.listConnectorStatusHistory(request.tenantId, id, {
        from, to, evseId, connectorId, limit: AVAILABILITY_MAX_CHANGES,
      });
      return { from, to, truncated: rows.length >= AVAILABILITY_MAX_CHANGES, connectors: connectorAvailability(rows, from, to) };
    },
  );
}
