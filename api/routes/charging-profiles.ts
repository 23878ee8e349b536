import type { FastifyInstance } from 'fastify';
import { profileDifferences, type ChargingProfile, type ProfilePurpose } from '../../core/charging-profile.js';
import { ApiError } from '../../core/errors.js';
import type { ProfileFilter } from '../../core/ports/store/charging-profile-store.js';
import { clearChargingProfile } from '../../actors/commands/clear-charging-profile.js';
import { setChargingProfile } from '../../actors/commands/set-charging-profile.js';
import { getCompositeSchedule } from '../../actors/commands/get-composite-schedule.js';
import { compositeFrom16, compositeFrom2 } from '../../core/composite-schedule.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, stationIdParam } from '../schemas.js';
import { commandResult } from '../station-call.js';

const failures = { 400: errorBody, 404: errorBody, 409: errorBody, 429: errorBody, 502: errorBody, 504: errorBody };
const PURPOSES = ['StationMax', 'TxDefault', 'Tx', 'StationExternalConstraints'];

const period = {
  type: 'object',
  properties: { startPeriod: { type: 'integer' }, limit: { type: 'number' }, numberPhases: { type: 'integer' }, phaseToUse: { type: 'integer' } },
  required: ['startPeriod', 'limit'],
  additionalProperties: false,
} as const;

const schedule = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    startSchedule: { type: 'string', format: 'date-time' },
    duration: { type: 'integer' },
    unit: { type: 'string', enum: ['A', 'W'] },
    minRate: { type: 'number' },
    periods: { type: 'array', items: period, minItems: 1, maxItems: 1024 },
  },
  required: ['unit', 'periods'],
  additionalProperties: false,
} as const;

const profileSchema = {
  type: 'object',
  description: 'Version-neutral charging profile (core/charging-profile.ts); mapped to 1.6 csChargingProfiles or 2.x chargingProfile.',
  properties: {
    id: { type: 'integer' },
    stackLevel: { type: 'integer' },
    purpose: { type: 'string', enum: PURPOSES },
    kind: { type: 'string', enum: ['Absolute', 'Recurring', 'Relative'] },
    recurrency: { type: 'string', enum: ['Daily', 'Weekly'] },
    validFrom: { type: 'string', format: 'date-time' },
    validTo: { type: 'string', format: 'date-time' },
    transactionId: { type: 'string' },
    schedules: { type: 'array', items: schedule, minItems: 1, maxItems: 3 },
  },
  required: ['id', 'stackLevel', 'purpose', 'kind', 'schedules'],
  additionalProperties: false,
} as const;

const storedSchema = {
  type: 'object',
  properties: { evseId: { type: 'integer' }, source: { type: 'string' }, profile: profileSchema, updatedAt: { type: 'string' } },
} as const;

/** Smart charging (block K): the profiles each station holds, set through the one station-commands service. */
export async function chargingProfileRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  app.get<{ Params: { id: string } }>(
    '/stations/:id/charging-profiles',
    {
      schema: {
        tags: ['smart charging'],
        operationId: 'listChargingProfiles',
        summary: 'The profiles the CSMS set (and the station accepted), the ones the station reported, and where they differ',
        description: '`reported` fills in when the station answers GetChargingProfiles (2.x: POST /stations/{id}/ocpp/GetChargingProfiles) with ReportChargingProfiles.',
        params: stationIdParam,
        response: {
          200: {
            type: 'object',
            properties: {
              set: { type: 'array', items: storedSchema },
              reported: { type: 'array', items: storedSchema },
              differences: {
                type: 'array',
                items: { type: 'object', properties: { evseId: { type: 'integer' }, id: { type: 'integer' }, kind: { type: 'string', enum: ['set-only', 'reported-only', 'different'] } } },
              },
            },
          },
          404: errorBody,
        },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      if (!(await deps.store.stations.getStation(tenantId, stationId))) throw new ApiError('STATION_NOT_FOUND', `Station ${stationId} not found`);
      const all = await deps.store.chargingProfiles.list(tenantId, stationId);
      const strip = ({ evseId, source, profile, updatedAt }: (typeof all)[number]) => ({ evseId, source, profile, updatedAt });
      const set = all.filter((r) => r.source === 'csms').map(strip);
      const reported = all.filter((r) => r.source === 'station').map(strip);
      return { set, reported, differences: profileDifferences(set, reported) };
    },
  );

  app.post<{ Params: { id: string }; Body: { evseId: number; profile: ChargingProfile; ratingA?: number; ratingW?: number } }>(
    '/stations/:id/charging-profiles',
    {
      schema: {
        tags: ['smart charging'],
        operationId: 'setChargingProfile',
        summary: 'SetChargingProfile: checked for the station\'s version and against the profiles it holds, then sent; kept when accepted',
        description:
          'One 400 (VALIDATION_FAILED, details.problems) names every problem: periods out of order, limits beyond `ratingA`/`ratingW`, a stack level taken by another profile of the same purpose with overlapping validity, what OCPP 1.6 cannot carry (several schedules, phaseToUse). evseId 0 is the whole station (1.6: connectorId 0).',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: { evseId: { type: 'integer', minimum: 0 }, profile: profileSchema, ratingA: { type: 'number', exclusiveMinimum: 0 }, ratingW: { type: 'number', exclusiveMinimum: 0 } },
          required: ['evseId', 'profile'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { status: { type: 'string' }, protocol: { type: 'string' } } }, ...failures },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      const run = await deps.commands.run(tenantId, stationId, setChargingProfile, request.body);
      const { protocol, result } = await commandResult(deps, request, stationId, run);
      return { status: result.status as string, protocol };
    },
  );

  app.post<{ Params: { id: string }; Body: { evseId: number; duration: number; unit?: 'A' | 'W' } }>(
    '/stations/:id/composite-schedule',
    {
      schema: {
        tags: ['smart charging'],
        operationId: 'getCompositeSchedule',
        summary: 'GetCompositeSchedule: the schedule the station will follow on an EVSE (0: the whole station) for the next `duration` seconds',
        description:
          '1.6: connectorId, duration, chargingRateUnit → status, scheduleStart, chargingSchedule; 2.x: evseId, duration, chargingRateUnit → status, schedule. ' +
          'The answer is returned version-neutrally and kept as a station event of kind `composite-schedule` (GET /stations/{id}/events?kind=composite-schedule), ' +
          'published as `composite-schedule.reported`, from any entry point.',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: { evseId: { type: 'integer', minimum: 0 }, duration: { type: 'integer', minimum: 1, maximum: 31_536_000 }, unit: { type: 'string', enum: ['A', 'W'] } },
          required: ['evseId', 'duration'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              protocol: { type: 'string' },
              status: { type: 'string' },
              evseId: { type: 'integer' },
              scheduleStart: { type: ['string', 'null'] },
              duration: { type: ['integer', 'null'] },
              unit: { type: ['string', 'null'] },
              minRate: { type: ['number', 'null'] },
              periods: { type: 'array', items: period },
            },
          },
          ...failures,
        },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      const run = await deps.commands.run(tenantId, stationId, getCompositeSchedule, request.body);
      const { protocol, result } = await commandResult(deps, request, stationId, run);
      const schedule = protocol === 'ocpp1.6' ? compositeFrom16(result, request.body.evseId) : compositeFrom2(result, request.body.evseId);
      return { protocol, ...schedule };
    },
  );

  app.delete<{ Params: { id: string }; Querystring: { profileId?: number; evseId?: number; purpose?: ProfilePurpose; stackLevel?: number } }>(
    '/stations/:id/charging-profiles',
    {
      schema: {
        tags: ['smart charging'],
        operationId: 'clearChargingProfiles',
        summary: 'ClearChargingProfile by profile id and/or EVSE, purpose, stack level (none: every profile the station holds)',
        params: stationIdParam,
        querystring: {
          type: 'object',
          properties: { profileId: { type: 'integer' }, evseId: { type: 'integer', minimum: 0 }, purpose: { type: 'string', enum: PURPOSES }, stackLevel: { type: 'integer', minimum: 0 } },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { status: { type: 'string' }, protocol: { type: 'string' } } }, ...failures },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      const q = request.query;
      const filter: ProfileFilter = {
        ...(q.profileId !== undefined ? { id: q.profileId } : {}),
        ...(q.evseId !== undefined ? { evseId: q.evseId } : {}),
        ...(q.purpose !== undefined ? { purpose: q.purpose } : {}),
        ...(q.stackLevel !== undefined ? { stackLevel: q.stackLevel } : {}),
      };
      const run = await deps.commands.run(tenantId, stationId, clearChargingProfile, filter);
      const { protocol, result } = await commandResult(deps, request, stationId, run);
      return { status: result.status as string, protocol };
    },
  );
}
