import type { FastifyInstance } from 'fastify';
import { stationCall } from '../../core/envelope.js';
import type { Payload } from '../../core/frame.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, stationIdParam } from '../schemas.js';
import { resultOf } from '../station-call.js';

export async function commandRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;
  app.post<{ Params: { id: string; action: string }; Body: Payload }>(
    '/stations/:id/ocpp/:action',
    {
      schema: {
        tags: ['commands'],
        operationId: 'sendOcppCall',
        summary: 'Send any CSMS-initiated OCPP action to a station, wherever it is connected',
        description:
          'The body is the OCPP payload, validated against the schema of the protocol the station negotiated. ' +
          'Answers `{ result }` with the station’s CALLRESULT payload, or 502 with the station’s CALLERROR. ' +
          'The action’s effects run as for the typed endpoints (an accepted SendLocalList updates the tracked list; ' +
          'a remote start is recorded, and a 2.x RequestStartTransaction without `remoteStartId` gets one); ' +
          '`facts` then says what the CSMS decided, e.g. `{ remoteStartId }`.',
        params: {
          type: 'object',
          properties: { id: stationIdParam.properties.id, action: { type: 'string', pattern: '^[A-Za-z0-9]{1,64}$' } },
          required: ['id', 'action'],
        },
        body: { type: 'object', additionalProperties: true },
        response: {
          200: {
            type: 'object',
            properties: {
              result: { type: 'object', additionalProperties: true },
              facts: { type: 'object', additionalProperties: true, description: 'What the CSMS decided while sending; absent when nothing' },
            },
          },
          400: errorBody,
          404: errorBody,
          409: errorBody,
          429: errorBody,
          502: errorBody,
          504: errorBody,
        },
      },
    },
    async (request) => {
      const { id, action } = request.params;
      const reply = await deps.commands.send(stationCall(request.tenantId, id, action, request.body ?? {}));
      const result = await resultOf(deps, request, id, action, reply);
      return reply.facts ? { result, facts: reply.facts } : { result };
    },
  );
}
