import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, pageQuery, stationIdParam } from '../schemas.js';

const messageSchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    direction: { type: 'string', enum: ['in', 'out'], description: 'in = station→CSMS, out = CSMS→station' },
    messageType: { type: 'integer', description: '2 CALL, 3 CALLRESULT, 4 CALLERROR, 5 CALLRESULTERROR, 6 SEND' },
    messageId: { type: 'string' },
    action: { type: ['string', 'null'], description: 'For results and errors: the action of the call they answer' },
    payload: { description: 'CALL/CALLRESULT/SEND payload; for errors { code, description, details }' },
    at: { type: 'string' },
  },
} as const;

/** The per-station OCPP message log, newest first, bounded by CSMS_MESSAGE_LOG_RETENTION. */
export async function messageRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;
  app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string; direction?: 'in' | 'out'; action?: string } }>(
    '/stations/:id/messages',
    {
      schema: {
        tags: ['stations'],
        operationId: 'listStationMessages',
        summary: 'OCPP frames in and out of a station, newest first (cursor pagination)',
        description: 'Frames logged on the node holding the station’s connection. Filter with `direction` and `action`.',
        params: stationIdParam,
        querystring: {
          ...pageQuery,
          properties: {
            ...pageQuery.properties,
            direction: { type: 'string', enum: ['in', 'out'] },
            action: { type: 'string', pattern: '^[A-Za-z0-9]{1,64}$' },
          },
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: messageSchema }, nextCursor: { type: ['string', 'null'] } } },
          404: errorBody,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await deps.store.stations.getStation(request.tenantId, id))) throw new ApiError('STATION_NOT_FOUND', `Station ${id} not found`);
      const { limit, cursor, direction, action } = request.query;
      const page = await deps.store.messageLog.listMessages(request.tenantId, id, { limit, cursor, direction, action });
      return { items: page.items.map(({ tenantId: _t, stationId: _s, ...rest }) => rest), nextCursor: page.nextCursor ?? null };
    },
  );
}
