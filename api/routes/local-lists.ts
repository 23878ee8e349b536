import type { FastifyInstance } from 'fastify';
import { idTagInfo16, idTokenInfo2 } from '../../core/authorization.js';
import { ApiError } from '../../core/errors.js';
import type { LocalListEntry } from '../../core/local-list.js';
import type { OcppVersion } from '../../core/protocols.js';
import { IDTAG_TYPE_16 } from '../../core/transaction-mapping-16.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, stationIdParam } from '../schemas.js';
import { callStation, findConnected } from '../station-call.js';

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

/** SendLocalList payload in the station's protocol. An entry without status removes the token. */
function sendLocalListPayload(version: OcppVersion, updateType: string, listVersion: number, entries: LocalListEntry[]) {
  const info = (e: LocalListEntry) => ({ status: e.status!, expiresAt: e.expiresAt, groupId: e.groupId });
  if (version === 'ocpp1.6') {
    const list = entries.map((e) => (e.status ? { idTag: e.idToken, idTagInfo: idTagInfo16(info(e)) } : { idTag: e.idToken }));
    return { listVersion, updateType, ...(list.length ? { localAuthorizationList: list } : {}) };
  }
  const list = entries.map((e) => ({
    idToken: { idToken: e.idToken, type: e.type },
    ...(e.status ? { idTokenInfo: idTokenInfo2(info(e)) } : {}),
  }));
  return { versionNumber: listVersion, updateType, ...(list.length ? { localAuthorizationList: list } : {}) };
}

/** Local authorization lists: sent with SendLocalList, what the station accepted is kept per station. */
export async function localListRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  app.get<{ Params: { id: string } }>(
    '/stations/:id/local-list',
    {
      schema: {
        tags: ['tokens'],
        summary: 'The local list the station last accepted (as tracked by the CSMS)',
        params: stationIdParam,
        response: { 200: listSchema, 404: errorBody },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      const list = await deps.store.getLocalList(tenantId, stationId);
      if (!list && !(await deps.store.getStation(tenantId, stationId))) throw new ApiError('STATION_NOT_FOUND', `Station ${stationId} not found`);
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
      const station = await findConnected(deps, tenantId, stationId);
      const stored = await deps.store.getLocalList(tenantId, stationId);
      const version = request.body.version ?? (stored?.version ?? 0) + 1;
      const entries: LocalListEntry[] = request.body.entries.map((e) => ({ ...e, type: e.type ?? IDTAG_TYPE_16 }));
      const payload = sendLocalListPayload(station.version, request.body.updateType, version, entries);
      const result = await callStation(deps, tenantId, stationId, 'SendLocalList', payload);
      if (result.status !== 'Accepted') return { status: result.status as string, list: stored ?? { version: null, entries: [], updatedAt: null } };
      const list = await deps.store.applyLocalList(tenantId, stationId, { updateType: request.body.updateType, version, entries });
      return { status: 'Accepted', list };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/stations/:id/local-list/version',
    {
      schema: {
        tags: ['tokens'],
        summary: 'GetLocalListVersion: the version the station reports, beside the one the CSMS tracks',
        params: stationIdParam,
        response: { 200: { type: 'object', properties: { stationVersion: { type: 'integer' }, storedVersion: { type: ['integer', 'null'] } } }, ...failures },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      const station = await findConnected(deps, tenantId, stationId);
      const result = await callStation(deps, tenantId, stationId, 'GetLocalListVersion', {});
      const stationVersion = (station.version === 'ocpp1.6' ? result.listVersion : result.versionNumber) as number;
      const stored = await deps.store.getLocalList(tenantId, stationId);
      return { stationVersion, storedVersion: stored?.version ?? null };
    },
  );
}
