import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import type { StationRecord } from '../../core/types.js';
import { REGISTRATION_STATUSES, type BootPolicy } from '../../core/boot-policy.js';
import type { ApiDeps } from '../deps.js';
import { SECURITY_PROFILES, type SecurityProfile } from '../../core/security-profile.js';
import { PASSWORD_PATTERN } from '../../core/station-password.js';
import { errorBody, pageQuery, stationIdParam, stationSchema } from '../schemas.js';
import { STATION_SORTS, type StationSearch, type StationSort } from '../../core/station-search.js';
import { SUPPORTED_VERSIONS, type OcppVersion } from '../../core/protocols.js';
import type { ConnectorStatus } from '../../core/types.js';

interface StationsQuery {
  limit: number;
  cursor?: string;
  q?: string;
  online?: 'online' | 'offline';
  status?: ConnectorStatus;
  protocol?: OcppVersion;
  vendor?: string;
  model?: string;
  firmware?: string;
  sort?: StationSort;
  dir?: 'asc' | 'desc';
}

const text = { type: 'string', maxLength: 64 } as const;
const stationsQuery = {
  type: 'object',
  properties: {
    ...pageQuery.properties,
    q: { ...text, minLength: 1, description: 'Case-insensitive prefix of the id, vendor, model or firmware version' },
    online: { type: 'string', enum: ['online', 'offline'] },
    status: { type: 'string', enum: ['Available', 'Occupied', 'Reserved', 'Unavailable', 'Faulted'], description: 'At least one connector in this status' },
    protocol: { type: 'string', enum: [...SUPPORTED_VERSIONS] },
    vendor: text,
    model: text,
    firmware: text,
    sort: { type: 'string', enum: [...STATION_SORTS], default: 'id' },
    dir: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
  },
  additionalProperties: false,
} as const;

/** `elsewhere`: where the station is connected when that is another node (NATS directory). */
function view(deps: ApiDeps, station: StationRecord, elsewhere?: { tenantId: string; version: StationRecord['protocol']; connectedAt?: string }) {
  const { passwordHash, ...rest } = station;
  // previousPasswordPending, passwordRotatedAt and securityProfile are shown; no hash ever is.
  const location = deps.stations.location(station.id) ?? (elsewhere ? { ...elsewhere, thread: null } : undefined);
  const live = location && location.tenantId === station.tenantId ? location : undefined;
  return {
    ...rest,
    hasPassword: passwordHash !== null,
    connected: Boolean(live),
    protocol: live?.version ?? station.protocol,
    connectedAt: live?.connectedAt ?? null,
    gatewayThread: live?.thread ?? null,
  };
}

export async function stationRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  app.get<{ Querystring: StationsQuery }>(
    '/stations',
    {
      schema: {
        tags: ['stations'],
        operationId: 'listStations',
        summary: 'The caller’s tenant’s stations: search, filters, sort, keyset pages (the UI’s stations table)',
        description:
          'Every filter is served from an index (stations_by_<column>, connector_statuses_by_status): a page walks the sort ' +
          'index from the cursor and stops after `limit` matching rows, so it stays fast at 100k stations. `q` is a ' +
          'case-insensitive prefix of the id, vendor, model or firmware version. `vendor`, `model`, `firmware` match exactly ' +
          '(empty: not reported yet). `status`: at least one connector in that status. `online`: connected to this node ' +
          '(not available in a NATS cluster: 503). A cursor belongs to its sort; cluster admins pick the tenant with `X-Tenant-Id`. ' +
          'Each station comes with its connector statuses.',
        querystring: stationsQuery,
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: stationSchema }, nextCursor: { type: ['string', 'null'] } },
          },
          400: errorBody,
          503: errorBody,
        },
      },
    },
    async (request) => {
      const { online, firmware, ...rest } = request.query;
      const search: StationSearch = { ...rest, ...(firmware !== undefined ? { firmwareVersion: firmware } : {}) };
      if (online) {
        if (!deps.stations.connectedIds) throw new ApiError('SERVICE_UNAVAILABLE', 'The online filter needs a single node: in a cluster only the directory knows where each station is');
        const ids = deps.stations.connectedIds(request.tenantId);
        search.ids = online === 'online' ? { only: ids } : { except: ids };
      }
      const page = await deps.store.stations.searchStations(request.tenantId, search);
      // In a cluster, a station not held here may be connected to another node: one directory
      // lookup per such station of the page (cached), in parallel; a failed lookup reads as not connected.
      const { locate } = deps.stations;
      const [elsewhere, connectors] = await Promise.all([
        locate ? Promise.all(page.items.map((s) => (deps.stations.location(s.id) ? undefined : locate(s.id).catch(() => undefined)))) : [],
        Promise.all(page.items.map((s) => deps.store.stations.listConnectorStatuses(request.tenantId, s.id))),
      ]);
      return { items: page.items.map((s, i) => ({ ...view(deps, s, elsewhere[i]), connectors: connectors[i] })), nextCursor: page.nextCursor ?? null };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/stations/:id',
    {
      schema: {
        tags: ['stations'],
        operationId: 'getStation',
        summary: 'One station: boot info, live connection, connector statuses',
        params: stationIdParam,
        response: { 200: stationSchema, 404: errorBody },
      },
    },
    async (request) => {
      const station = await deps.store.stations.getStation(request.tenantId, request.params.id);
      if (!station) throw new ApiError('STATION_NOT_FOUND', `Station ${request.params.id} not found`);
      const connectors = await deps.store.stations.listConnectorStatuses(request.tenantId, station.id);
      const elsewhere = deps.stations.location(station.id) ? undefined : await deps.stations.locate?.(station.id);
      return { ...view(deps, station, elsewhere), connectors };
    },
  );

  app.post<{ Body: { id: string; password?: string; securityProfile?: SecurityProfile } }>(
    '/stations',
    {
      schema: {
        tags: ['stations'],
        operationId: 'createStation',
        summary: 'Register a station: its Basic-auth password and security profile',
        description:
          '`password`: 16 to 40 characters of OCPP’s passwordString set (a-z A-Z 0-9 * - _ = : + | @ .; OCPP 2.0.1 A00.FR.205; ' +
          'a 1.6 station’s AuthorizationKey holds at most 20). `securityProfile` (default 1): 2 = wss:// only, 3 = wss:// with a ' +
          'client certificate whose CN is the station id, and no password (see PUT /stations/{id}/security-profile).',
        body: {
          type: 'object',
          properties: {
            id: stationIdParam.properties.id,
            password: { type: 'string', pattern: PASSWORD_PATTERN },
            securityProfile: { type: 'integer', enum: [...SECURITY_PROFILES], default: 1 },
          },
          required: ['id'],
          additionalProperties: false,
        },
        response: { 201: stationSchema, 400: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      const { id, password, securityProfile = 1 } = request.body;
      if (password === undefined && securityProfile !== 3) throw new ApiError('VALIDATION_FAILED', 'password is required unless securityProfile is 3 (client certificate)');
      const passwordHash = password === undefined ? null : await deps.hashPassword(password);
      const created = await deps.store.stations.createStation({ tenantId: request.tenantId, id, passwordHash, securityProfile });
      if (!created) throw new ApiError('STATION_EXISTS', `Station ${id} already exists`);
      const station = await deps.store.stations.getStation(request.tenantId, id);
      return reply.status(201).send(view(deps, station!));
    },
  );

  app.put<{ Params: { id: string }; Body: { enabled: boolean } }>(
    '/stations/:id/debug',
    {
      schema: {
        tags: ['stations'],
        operationId: 'setStationDebug',
        summary: 'Log every OCPP frame of a station at info level, or stop (switchable at run time)',
        description:
          'While enabled, the gateway threads of this node write one log line per frame the station sends or receives ' +
          '(`"msg":"frame"`, with `direction` and `frame`), also after it reconnects. Until the node restarts.',
        params: stationIdParam,
        body: { type: 'object', properties: { enabled: { type: 'boolean' } }, required: ['enabled'], additionalProperties: false },
        response: {
          200: { type: 'object', properties: { stationId: { type: 'string' }, enabled: { type: 'boolean' } } },
          404: errorBody,
          503: errorBody,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await deps.store.stations.getStation(request.tenantId, id))) throw new ApiError('STATION_NOT_FOUND', `Station ${id} not found`);
      if (!deps.stations.setDebug) throw new ApiError('SERVICE_UNAVAILABLE', 'This node runs no gateway threads (CSMS_ROLE=api)');
      deps.stations.setDebug(id, request.body.enabled);
      return { stationId: id, enabled: request.body.enabled };
    },
  );

  app.put<{ Params: { id: string }; Body: Partial<BootPolicy> }>(
    '/stations/:id/boot-policy',
    {
      schema: {
        tags: ['stations'],
        operationId: 'setBootPolicy',
        summary: 'Set how the station’s BootNotification is answered: registration status and heartbeat interval',
        description:
          'OCPP 1.6 and 2.x BootNotification answer `{ status: registrationStatus, interval }`. `Pending`: the station stays ' +
          'connected and the CSMS may send its provisioning calls (GetBaseReport, SetVariables, GetConfiguration…); a 2.x ' +
          'station’s other calls are answered CALLERROR SecurityError until it is Accepted (B02.FR.09, B03.FR.07), except ' +
          'those a TriggerMessage asked for. Takes effect at the station’s next BootNotification (send TriggerMessage ' +
          '`BootNotification` to apply it now). `heartbeatIntervalSec: null` returns to the CSMS default (CSMS_HEARTBEAT_INTERVAL). ' +
          'Fields left out keep their value.',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: {
            registrationStatus: { type: 'string', enum: [...REGISTRATION_STATUSES] },
            heartbeatIntervalSec: { type: ['integer', 'null'], minimum: 1, maximum: 604800 },
          },
          minProperties: 1,
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: { stationId: { type: 'string' }, registrationStatus: { type: 'string' }, heartbeatIntervalSec: { type: ['integer', 'null'] } },
          },
          400: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const policy = await deps.store.stations.setBootPolicy(request.tenantId, id, request.body);
      if (!policy) throw new ApiError('STATION_NOT_FOUND', `Station ${id} not found`);
      return { stationId: id, ...policy };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/stations/:id',
    {
      schema: {
        tags: ['stations'],
        operationId: 'deleteStation',
        summary: 'Delete a station; an open connection is closed',
        params: stationIdParam,
        response: { 204: { type: 'null' }, 404: errorBody },
      },
    },
    async (request, reply) => {
      const deleted = await deps.store.stations.deleteStation(request.tenantId, request.params.id);
      if (!deleted) throw new ApiError('STATION_NOT_FOUND', `Station ${request.params.id} not found`);
      deps.stations.disconnect(request.params.id);
      // No node may admit it from memory any more (with NATS: every node, before this answer).
      await deps.stations.forgetLogin?.(request.params.id);
      return reply.status(204).send();
    },
  );
}
