import type { FastifyInstance } from 'fastify';
import { REQUEST_STATUSES, type RequestStatus, type StationRequest } from '../../core/requests.js';
import type { ApiDeps } from '../deps.js';
import { requireStation, requireStationRequest } from '../station-lookup.js';
import { errorBody, pageQuery, stationIdParam } from '../schemas.js';

const requestSchema = {
  type: 'object',
  properties: {
    requestId: { type: 'integer' },
    action: { type: 'string', description: 'The request sent, e.g. GetBaseReport' },
    status: {
      type: 'string',
      enum: REQUEST_STATUSES,
      description:
        'requested (sent, no answer yet) → accepted | rejected (the answer) → receiving (notifications arriving) → complete | failed; ' +
        'timed-out: nothing arrived within the flow’s window (a late notification still applies)',
    },
    answer: { type: ['string', 'null'], description: 'The station’s answer status as sent (Accepted, NotSupported, EmptyResultSet…)' },
    parts: { type: 'integer', description: 'Distinct notifications received' },
    lastSeqNo: { type: ['integer', 'null'], description: 'Highest seqNo received (paged reports)' },
    finalSeqNo: { type: ['integer', 'null'], description: 'seqNo of the part with tbc=false, once it arrived' },
    seqNos: { type: 'array', items: { type: 'integer' }, description: 'seqNos received, ascending' },
    progress: { type: ['string', 'null'], description: 'Last status a status flow reported (Uploading, Installing…)' },
    result: { type: ['object', 'null'], additionalProperties: true, description: 'What the answer and notifications said beyond their status (e.g. GetLog filename)' },
    error: { type: ['string', 'null'], description: 'Why it was rejected or failed' },
    expiresAt: { type: ['string', 'null'], description: 'Until when the next message is awaited; null once finished' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const requestIdParams = {
  type: 'object',
  properties: { ...stationIdParam.properties, requestId: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 } },
  required: ['id', 'requestId'],
} as const;

function view({ tenantId: _t, stationId: _s, ...rest }: StationRequest) {
  return rest;
}

/**
 * Requests completed by later notifications (GetBaseReport → NotifyReport, GetLog →
 * LogStatusNotification, …; core/requests.ts), as recorded on whichever node sent them.
 */
export async function requestRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  const stationOf = (tenantId: string, id: string) => requireStation(deps.store, tenantId, id);

  app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string; action?: string; status?: RequestStatus } }>(
    '/stations/:id/requests',
    {
      schema: {
        tags: ['commands'],
        operationId: 'listStationRequests',
        summary: 'Requests a station completes with later notifications, newest first (cursor pagination)',
        description: 'The requestId of each is in the `facts` of the command’s reply. Filter with `action` and `status`.',
        params: stationIdParam,
        querystring: {
          ...pageQuery,
          properties: {
            ...pageQuery.properties,
            action: { type: 'string', pattern: '^[A-Za-z0-9]{1,64}$' },
            status: { type: 'string', enum: REQUEST_STATUSES },
          },
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: requestSchema }, nextCursor: { type: ['string', 'null'] } } },
          400: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      await stationOf(request.tenantId, id);
      const { limit, cursor, action, status } = request.query;
      const page = await deps.store.requests.list(request.tenantId, id, { limit, cursor, action, status });
      return { items: page.items.map(view), nextCursor: page.nextCursor ?? null };
    },
  );

  app.get<{ Params: { id: string; requestId: number } }>(
    '/stations/:id/requests/:requestId',
    {
      schema: {
        tags: ['commands'],
        operationId: 'getStationRequest',
        summary: 'One request and how far its notifications got',
        params: requestIdParams,
        response: { 200: requestSchema, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const { id, requestId } = request.params;
      return view(await requireStationRequest(deps.store, request.tenantId, id, requestId));
    },
  );
}
