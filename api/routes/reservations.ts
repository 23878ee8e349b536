import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import { CONNECTOR_TYPES, RESERVATION_STATUSES, isOpen, type Reservation, type ReservationStatus } from '../../core/reservations.js';
import { cancelReservation } from '../../actors/commands/cancel-reservation.js';
import { reserveNow, type ReserveNowInput } from '../../actors/commands/reserve-now.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, pageQuery, stationIdParam } from '../schemas.js';
import { commandResult } from '../station-call.js';

const failures = { 400: errorBody, 404: errorBody, 409: errorBody, 429: errorBody, 502: errorBody, 504: errorBody };

const idToken = {
  type: 'object',
  properties: { idToken: { type: 'string', minLength: 1, maxLength: 36 }, type: { type: 'string', minLength: 1, maxLength: 20 } },
  required: ['idToken'],
  additionalProperties: false,
} as const;

const reservationSchema = {
  type: 'object',
  description: 'A reservation the CSMS issued (core/reservations.ts). evseId absent = any EVSE (1.6: connectorId 0).',
  properties: {
    reservationId: { type: 'integer' },
    stationId: { type: 'string' },
    status: { type: 'string', enum: RESERVATION_STATUSES },
    evseId: { type: 'integer' },
    connectorType: { type: 'string' },
    idToken: { type: 'object', properties: { idToken: { type: 'string' }, type: { type: 'string' } } },
    groupIdToken: { type: 'object', properties: { idToken: { type: 'string' }, type: { type: 'string' } } },
    expiresAt: { type: 'string' },
    stationStatus: { type: 'string', description: "The station's answer to ReserveNow (Accepted, Occupied, Faulted, Unavailable, Rejected)" },
    reason: { type: 'string', description: 'What closed it' },
    transactionId: { type: 'string', description: 'The transaction that used it' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const pageSchema = { type: 'object', properties: { items: { type: 'array', items: reservationSchema }, nextCursor: { type: ['string', 'null'] } } } as const;

const STATUS_LIST = `^(${RESERVATION_STATUSES.join('|')})(,(${RESERVATION_STATUSES.join('|')}))*$`;
const listQuery = {
  ...pageQuery,
  properties: {
    ...pageQuery.properties,
    status: { type: 'string', pattern: STATUS_LIST, description: `One status or several, comma-separated: ${RESERVATION_STATUSES.join(', ')}` },
    idToken: { type: 'string', minLength: 1, maxLength: 36 },
  },
} as const;

interface ListQuery {
  limit: number;
  cursor?: string;
  status?: string;
  idToken?: string;
  stationId?: string;
}

function view({ tenantId: _t, ...r }: Reservation) {
  return r;
}

const reservationIdParam = {
  type: 'object',
  properties: { reservationId: { type: 'integer', minimum: 1, maximum: 2 ** 31 - 1 } },
  required: ['reservationId'],
} as const;

/** Reservations (block H; 1.6 Reservation profile) through the one station-commands service. */
export async function reservationRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  const list = (tenantId: string, q: ListQuery) =>
    deps.store.reservations.list(tenantId, {
      limit: q.limit,
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      ...(q.stationId !== undefined ? { stationId: q.stationId } : {}),
      ...(q.idToken !== undefined ? { idToken: q.idToken } : {}),
      ...(q.status !== undefined ? { status: q.status.split(',') as ReservationStatus[] } : {}),
    });

  app.post<{ Params: { id: string }; Body: ReserveNowInput }>(
    '/stations/:id/reservations',
    {
      schema: {
        tags: ['reservations'],
        operationId: 'createReservation',
        summary: 'ReserveNow with a reservation id the CSMS allocates (unique per tenant, int32); the reservation is kept with the station\'s answer',
        description:
          'Mapping: 1.6 ReserveNow {connectorId = evseId (absent: 0 = any), expiryDate, idTag, parentIdTag = groupIdToken.idToken, reservationId}; ' +
          '2.x ReserveNow {id, expiryDateTime, idToken, groupIdToken, evseId, connectorType}. ' +
          'Refused with 400 VALIDATION_FAILED before anything is sent: expiresAt not in the future; connectorType to a 1.6 station; ' +
          'a token longer than the version allows; an evseId the station has never reported a status for while it has reported others ' +
          '(a station that has reported none decides itself, and its answer is returned). ' +
          'The station\'s answer is `status` (Accepted, Occupied, Faulted, Unavailable, Rejected); anything but Accepted leaves the reservation `rejected`. ' +
          'Token types: 2.x default `Central`; 1.6 idTags are recorded as `ISO14443`.',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: {
            evseId: { type: 'integer', minimum: 0 },
            connectorType: { type: 'string', minLength: 1, maxLength: 20, description: `2.x only. 2.0.1: one of ${CONNECTOR_TYPES.join(', ')}` },
            idToken,
            groupIdToken: idToken,
            expiresAt: { type: 'string', format: 'date-time' },
          },
          required: ['idToken', 'expiresAt'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: { reservationId: { type: 'integer' }, status: { type: 'string' }, protocol: { type: 'string' }, reservation: reservationSchema },
          },
          ...failures,
        },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      const b = request.body;
      const input: ReserveNowInput = request.body;
      const run = await deps.commands.run(tenantId, stationId, reserveNow, input);
      const { protocol, result, facts } = await commandResult(deps, request, stationId, run);
      const reservationId = facts.reservationId as number;
      const reservation = await deps.store.reservations.get(tenantId, reservationId);
      return { reservationId, status: result.status as string, protocol, ...(reservation ? { reservation: view(reservation) } : {}) };
    },
  );

  app.get<{ Params: { id: string }; Querystring: ListQuery }>(
    '/stations/:id/reservations',
    {
      schema: {
        tags: ['reservations'],
        operationId: 'listStationReservations',
        summary: "A station's reservations, newest first (filter by status, idToken; cursor pagination)",
        params: stationIdParam,
        querystring: listQuery,
        response: { 200: pageSchema, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      if (!(await deps.store.stations.getStation(tenantId, stationId))) throw new ApiError('STATION_NOT_FOUND', `Station ${stationId} not found`);
      const page = await list(tenantId, { ...request.query, stationId });
      return { items: page.items.map(view), nextCursor: page.nextCursor ?? null };
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/reservations',
    {
      schema: {
        tags: ['reservations'],
        operationId: 'listReservations',
        summary: "The tenant's reservations, newest first (filter by stationId, status, idToken; cursor pagination)",
        querystring: { ...listQuery, properties: { ...listQuery.properties, stationId: { type: 'string', minLength: 1, maxLength: 255 } } },
        response: { 200: pageSchema, 400: errorBody },
      },
    },
    async (request) => {
      const page = await list(request.tenantId, request.query);
      return { items: page.items.map(view), nextCursor: page.nextCursor ?? null };
    },
  );

  app.get<{ Params: { reservationId: number } }>(
    '/reservations/:reservationId',
    {
      schema: {
        tags: ['reservations'],
        operationId: 'getReservation',
        summary: 'One reservation of the tenant',
        params: reservationIdParam,
        response: { 200: reservationSchema, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const r = await deps.store.reservations.get(request.tenantId, request.params.reservationId);
      if (!r) throw new ApiError('RESERVATION_NOT_FOUND', `Reservation ${request.params.reservationId} not found`);
      return view(r);
    },
  );

  app.delete<{ Params: { id: string; reservationId: number } }>(
    '/stations/:id/reservations/:reservationId',
    {
      schema: {
        tags: ['reservations'],
        operationId: 'cancelReservation',
        summary: 'CancelReservation: the reservation is `cancelled` when the station answers Accepted; Rejected is returned and changes nothing',
        description: 'A reservation already closed (rejected, cancelled, expired, removed, used) is 409 RESERVATION_CLOSED and nothing is sent.',
        params: { ...stationIdParam, properties: { ...stationIdParam.properties, ...reservationIdParam.properties }, required: ['id', 'reservationId'] },
        response: {
          200: { type: 'object', properties: { status: { type: 'string' }, protocol: { type: 'string' }, reservation: reservationSchema } },
          ...failures,
        },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const { id: stationId, reservationId } = request.params;
      const r = await deps.store.reservations.get(tenantId, reservationId);
      if (!r || r.stationId !== stationId) throw new ApiError('RESERVATION_NOT_FOUND', `Station ${stationId} has no reservation ${reservationId}`);
      if (!isOpen(r.status)) throw new ApiError('RESERVATION_CLOSED', `Reservation ${reservationId} is already ${r.status}`, { reservation: view(r) });
      const run = await deps.commands.run(tenantId, stationId, cancelReservation, { reservationId });
      const { protocol, result } = await commandResult(deps, request, stationId, run);
      const after = await deps.store.reservations.get(tenantId, reservationId);
      return { status: result.status as string, protocol, ...(after ? { reservation: view(after) } : {}) };
    },
  );
}
