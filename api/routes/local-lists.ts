import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import type { LocalListEntry } from '../../core/local-list.js';
import { IDTAG_TYPE_16 } from '../../core/transaction-mapping-16.js';
import { localListVersion } from '../../actors/commands/local-list-version.js';
import { sendLocalList } from '../../actors/commands/send-local-list.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, stationIdParam } from '../schemas.js';
import { commandResult } from '../station-call.js';

const failures = { 400: errorBody, 404: errorBody, 409: errorBody, 429: errorBody, 502: errorBody, 504: errorBody };

const listSchema = {
  type: 'object',
  properties: {
    version: { type: ['integer', 'null'] },
    entries: {
      type: 'array',
      items: {
        type: 'object',
        properties: { idToken: { type: 'string' }, type: { type: 'string' }, status: { type: 'string' }, expiresAt: { type: 'string' }, groupId: { type: 'string' } },
      },
    },
    updatedAt: { type: ['string', 'null'] },
  },
} as const;

/** Local authorization lists: sent with SendLocalList, what the station accepted is kept per station. */
export async function localListRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  app.get<{ Params: { id: string } }>(
    '/stations/:id/local-list',
    {
      schema: {
        tags: ['tokens'],
        operationId: 'getLocalList',
        summary: 'The local list the station last accepted (as tracked by the CSMS)',
        params: stationIdParam,
        response: { 200: listSchema, 404: errorBody },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      const list = await deps.store.tokens.getLocalList(tenantId, stationId);
      if (!list && !(await deps.store.stations.getStation(tenantId, stationId))) throw new ApiError('STATION_NOT_FOUND', `Station ${stationId} not found`);
      return list ?? { version: null, entries: [], updatedAt: null };
    },
  );

  app.post<{
    Params: { id: string };
    Body: { updateType: 'Full' | 'Differential'; version?: number; entries: Array<Omit<LocalListEntry, 'type'> & { type?: string }> };
  }>(
    '/stations/:id/local-list',
    {
      schema: {
        tags: ['tokens'],
        operationId: 'sendLocalList',
        summary: 'SendLocalList: full or differential update; stored when the station accepts it',
        description: '`version` defaults to the stored version + 1. In a differential update an entry without `status` removes that token.',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: {
            updateType: { type: 'string', enum: ['Full', 'Differential'] },
            version: { type: 'integer', minimum: 1 },
            entries: {
              type: 'array',
              maxItems: 10000,
              items: {
                type: 'object',
                properties: {
                  idToken: { type: 'string', minLength: 1, maxLength: 255 },
                  type: { type: 'string', minLength: 1, maxLength: 20 },
                  status: { type: 'string', enum: ['Accepted', 'Blocked', 'Expired', 'Invalid', 'NoCredit', 'NotAllowedTypeEVSE', 'NotAtThisLocation', 'NotAtThisTime'] },
                  expiresAt: { type: 'string', format: 'date-time' },
                  groupId: { type: 'string', maxLength: 255 },
                },
                required: ['idToken'],
                additionalProperties: false,
              },
              default: [],
            },
          },
          required: ['updateType'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { status: { type: 'string' }, list: listSchema } }, ...failures },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      const stored = await deps.store.tokens.getLocalList(tenantId, stationId);
      const version = request.body.version ?? (stored?.version ?? 0) + 1;
      const entries: LocalListEntry[] = request.body.entries.map((e) => ({ ...e, type: e.type ?? IDTAG_TYPE_16 }));
      const run = await deps.commands.run(tenantId, stationId, sendLocalList, { updateType: request.body.updateType, version, entries });
      const { result } = await commandResult(deps, request, stationId, run);
      // SendLocalList's onResult stored what the station accepted, on the node that holds it.
      const list = await deps.store.tokens.getLocalList(tenantId, stationId);
      return { status: result.status as string, list: list ?? { version: null, entries: [], updatedAt: null } };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/stations/:id/local-list/version',
    {
      schema: {
        tags: ['tokens'],
        operationId: 'getLocalListVersion',
        summary: 'GetLocalListVersion: the version the station reports, beside the one the CSMS tracks',
        params: stationIdParam,
        response: { 200: { type: 'object', properties: { stationVersion: { type: 'integer' }, storedVersion: { type: ['integer', 'null'] } } }, ...failures },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      const run = await deps.commands.run(tenantId, stationId, localListVersion, {});
      const { protocol, result } = await commandResult(deps, request, stationId, run);
      const stored = await deps.store.tokens.getLocalList(tenantId, stationId);
      return { stationVersion: localListVersion.fromOcpp(protocol, result), storedVersion: stored?.version ?? null };
    },
  );
}
