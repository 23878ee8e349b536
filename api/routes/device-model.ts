import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import type { DeviceModelVariable } from '../../core/device-model.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, pageQuery, stationIdParam } from '../schemas.js';

const NAME = { type: 'string', minLength: 1, maxLength: 50 } as const;

const variableSchema = {
  type: 'object',
  properties: {
    key: { type: 'string', description: 'Stable identity of component+variable within the station' },
    component: {
      type: 'object',
      properties: { name: { type: 'string' }, instance: { type: 'string' }, evseId: { type: 'integer' }, connectorId: { type: 'integer' } },
    },
    variable: { type: 'object', properties: { name: { type: 'string' }, instance: { type: 'string' } } },
    attributes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          type: { type: 'string', description: 'Actual, Target, MinSet, MaxSet' },
          value: { type: 'string' },
          mutability: { type: 'string' },
          persistent: { type: 'boolean' },
          constant: { type: 'boolean' },
        },
      },
    },
    characteristics: {
      type: ['object', 'null'],
      properties: {
        dataType: { type: 'string' },
        unit: { type: 'string' },
        minLimit: { type: 'number' },
        maxLimit: { type: 'number' },
        valuesList: { type: 'string' },
        supportsMonitoring: { type: 'boolean' },
      },
    },
    reportedAt: { type: 'string', description: 'generatedAt of the report, or the timestamp of the event that last set the Actual value' },
  },
} as const;

function view({ tenantId: _t, stationId: _s, ...rest }: DeviceModelVariable) {
  return rest;
}

/** A station's device model as it reported it (NotifyReport pages; NotifyEvent actual values). */
export async function deviceModelRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string; component?: string; variable?: string; evseId?: number } }>(
    '/stations/:id/device-model',
    {
      schema: {
        tags: ['stations'],
        operationId: 'listDeviceModel',
        summary: 'A station’s components and variables (device model), in component/variable order (cursor pagination)',
        description:
          'Filled by NotifyReport (after GetBaseReport / GetReport; follow the request with GET /stations/{id}/requests/{requestId}) ' +
          'and by NotifyEvent, whose actualValue becomes the variable’s Actual value. Filter by `component`, `variable` and `evseId`.',
        params: stationIdParam,
        querystring: {
          ...pageQuery,
          properties: { ...pageQuery.properties, component: NAME, variable: NAME, evseId: { type: 'integer', minimum: 0, maximum: 2147483647 } },
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: variableSchema }, nextCursor: { type: ['string', 'null'] } } },
          400: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await deps.store.stations.getStation(request.tenantId, id))) throw new ApiError('STATION_NOT_FOUND', `Station ${id} not found`);
      const page = await deps.store.deviceModel.listDeviceModel(request.tenantId, id, request.query);
      return { items: page.items.map(view), nextCursor: page.nextCursor ?? null };
    },
  );
}
