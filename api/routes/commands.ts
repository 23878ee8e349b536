import type { FastifyInstance } from 'fastify';
import type { Payload } from '../../core/frame.js';
import { callStation, findConnected } from '../station-call.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, stationIdParam } from '../schemas.js';

export async function commandRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;
  app.post<{ Params: { id: string; action: string }; Body: Payload }>(
    '/stations/:id/ocpp/:action',
    {
      schema: {
        tags: ['commands'],
        summary: 'Send any CSMS-initiated OCPP action to a station, wherever it is connected',
        description:
          'The body is the OCPP payload, validated against the schema of the protocol the station negotiated. ' +
          'Answers `{ result }` with the station’s CALLRESULT payload, or 502 with the station’s CALLERROR.',
        params: {
          type: 'object',
          properties: { id: stationIdParam.properties.id, action: { type: 'string', pattern: '^[A-Za-z0-9]{1,64}$' } },
          required: ['id', 'action'],
        },
        body: { type: 'object', additionalProperties: true },
        response: {
          200: { type: 'object', properties: { result: { type: 'object', additionalProperties: true } } },
          400: errorBody,
          404: errorBody,
          409: errorBody,
          502: errorBody,
          504: errorBody,
        },
      },
    },
    async (request) => {
      const { id, action } = request.params;
      await findConnected(deps, request.tenantId, id);
      return { result: await callStation(deps, request.tenantId, id, action, request.body ?? {}) };
    },
  );
}
