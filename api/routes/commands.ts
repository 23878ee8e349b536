import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import type { Payload } from '../../core/frame.js';
import { CallFailure } from '../../actors/outbound-calls.js';
import { RemoteError } from '../../workers/thread-channel.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, stationIdParam } from '../schemas.js';

const FAILURE_TO_API = {
  timeout: 'STATION_TIMEOUT',
  disconnected: 'STATION_NOT_CONNECTED',
  'queue-full': 'STATION_BUSY',
  'unknown-action': 'UNKNOWN_ACTION',
  'invalid-request': 'VALIDATION_FAILED',
  'invalid-response': 'STATION_CALL_ERROR',
  'send-failed': 'STATION_NOT_CONNECTED',
} as const;

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
      const station = await deps.store.getStation(request.tenantId, id);
      const location = deps.stations.location(id);
      if (!station && !(location && location.tenantId === request.tenantId)) {
        throw new ApiError('STATION_NOT_FOUND', `Station ${id} not found`);
      }
      if (!location || location.tenantId !== request.tenantId) {
        throw new ApiError('STATION_NOT_CONNECTED', `Station ${id} is not connected`);
      }
      let outcome;
      try {
        outcome = await deps.stations.call(id, action, request.body ?? {});
      } catch (error) {
        if (error instanceof CallFailure || error instanceof RemoteError) {
          const reason = (error instanceof CallFailure ? error.reason : error.code) as keyof typeof FAILURE_TO_API;
          const code = FAILURE_TO_API[reason];
          if (code) throw new ApiError(code, error.message, (error as { details?: unknown }).details);
        }
        throw error;
      }
      if (outcome.kind === 'error') {
        throw new ApiError('STATION_CALL_ERROR', `Station answered ${action} with CALLERROR ${outcome.code}`, {
          code: outcome.code,
          description: outcome.description,
          details: outcome.details,
        });
      }
      return { result: outcome.payload };
    },
  );
}
