import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import {
  CAMPAIGN_STATION_STATES,
  CAMPAIGN_STATUSES,
  DEFAULT_ROLLOUT,
  control,
  currentWave,
  matchesTarget,
  newCampaign,
  progressOf,
  type CampaignCommand,
  type CampaignFirmware,
  type CampaignKind,
  type CampaignRollout,
  type CampaignStatus,
  type NewCampaignInput,
  type CampaignTarget,
  type FirmwareCampaign,
} from '../../core/firmware-campaign.js';
import type { StationRecord } from '../../core/types.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, pageQuery } from '../schemas.js';
import { firmwareBody } from './firmware.js';

const stationSchema = {
  type: 'object',
  properties: {
    stationId: { type: 'string' },
    wave: { type: 'integer', description: '0 = the canary wave' },
    state: { type: 'string', enum: CAMPAIGN_STATION_STATES },
    attempts: { type: 'integer' },
    requestId: { type: ['integer', 'null'], description: 'The current attempt’s UpdateFirmware request: GET /stations/{id}/requests/{requestId}/statuses' },
    progress: { type: ['string', 'null'], description: 'Last firmware status the station reported' },
    error: { type: ['string', 'null'] },
    waiting: { type: ['string', 'null'], enum: ['offline', null], description: 'offline: its turn came while it was not connected; it gets the update when it connects' },
    notBefore: { type: ['string', 'null'] },
    updatedAt: { type: 'string' },
  },
} as const;

const progressSchema = {
  type: 'object',
  properties: Object.fromEntries([...CAMPAIGN_STATION_STATES, 'total', 'offline'].map((k) => [k, { type: 'integer' }])),
} as const;

const campaignSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string', enum: CAMPAIGN_STATUSES, description: 'running ⇄ paused; running | paused → aborted; running → complete when every station is installed or failed' },
    pausedReason: { type: ['string', 'null'] },
    kind: { type: 'string', enum: ['firmware', 'password-rotation'], description: 'firmware: UpdateFirmware; password-rotation: a new Basic-auth password per station (`installed` = the station took it)' },
    firmware: { type: ['object', 'null'], additionalProperties: true },
    target: { type: 'object', additionalProperties: true },
    rollout: { type: 'object', additionalProperties: true },
    progress: progressSchema,
    currentWave: { type: ['integer', 'null'], description: 'The wave being rolled out; null when every wave is through' },
    stations: { type: 'array', items: stationSchema },
    driver: { type: ['object', 'null'], additionalProperties: true, description: 'The node driving it and until when (its lease)' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
  },
} as const;

export function view(c: FirmwareCampaign, withStations = true) {
  const wave = currentWave(c);
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    status: c.status,
    pausedReason: c.pausedReason,
    firmware: c.kind === 'firmware' ? c.firmware : null,
    target: c.target,
    rollout: c.rollout,
    progress: progressOf(c),
    currentWave: Number.isFinite(wave) ? wave : null,
    ...(withStations ? { stations: c.stations } : {}),
    driver: c.lease,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    finishedAt: c.finishedAt,
  };
}

interface CreateBody {
  name?: string;
  firmware: CampaignFirmware;
  target: CampaignTarget;
  rollout?: Partial<CampaignRollout>;
}

/** Every station of the tenant (paged reads). */
export async function allStations(deps: ApiDeps, tenantId: string): Promise<StationRecord[]> {
  const out: StationRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.stations.listStations(tenantId, { limit: 1000, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export const targetSchema = {
  type: 'object',
  properties: {
    stationIds: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 48 }, minItems: 1, maxItems: 100_000 },
    vendor: { type: 'string', maxLength: 50 },
    model: { type: 'string', maxLength: 50 },
    firmwareVersion: { type: 'string', maxLength: 50 },
  },
  additionalProperties: false,
} as const;

const rolloutSchema = {
  type: 'object',
  properties: {
    waves: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 100, default: DEFAULT_ROLLOUT.waves },
    concurrency: { type: 'integer', minimum: 1, maximum: 10_000, default: DEFAULT_ROLLOUT.concurrency },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 100, default: DEFAULT_ROLLOUT.maxAttempts },
    retryDelaySec: { type: 'integer', minimum: 0, maximum: 604_800, default: DEFAULT_ROLLOUT.retryDelaySec },
    maxFailures: { type: ['integer', 'null'], minimum: 0, default: null },
    offlineRetrySec: { type: 'integer', minimum: 1, maximum: 604_800, default: DEFAULT_ROLLOUT.offlineRetrySec },
  },
  additionalProperties: false,
} as const;

/** The tenant's stations a target selects, in rollout order (an explicit list keeps its order). */
export async function targetStations(deps: ApiDeps, tenantId: string, target: CampaignTarget): Promise<string[]> {
  const stations = await allStations(deps, tenantId);
  let ids: string[];
  if (target.stationIds) {
    const known = new Map(stations.map((s) => [s.id, s]));
    const unknown = target.stationIds.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new ApiError('VALIDATION_FAILED', `Unknown stations: ${unknown.slice(0, 20).join(', ')}`, { unknown });
    ids = target.stationIds.filter((id) => matchesTarget(known.get(id)!, target));
  } else {
    ids = stations.filter((s) => matchesTarget(s, target)).map((s) => s.id);
  }
  if (ids.length === 0) throw new ApiError('CAMPAIGN_NO_STATIONS', 'No station matches the target');
  return ids;
}

/**
 * One kind of campaign under its own path: create, list, get and the controls, all from this
 * description (`campaignFamilyRoutes`). Firmware campaigns, password rotations (here) and report
 * jobs (report-jobs.ts) are three families of one store and one driver.
 */
export interface CampaignFamily<Body extends { target: CampaignTarget; name?: string }> {
  /** What `POST path` creates. */
  kind: CampaignKind;
  /** The kinds `GET path`, `GET path/{id}` and the controls show (firmware paths also show password rotations, as they always did). */
  shows: readonly CampaignKind[];
  path: string;
  idParam: 'campaignId' | 'jobId';
  tag: string;
  /** In summaries and log lines: `firmware campaign`, `password rotation job`, `report job`. */
  noun: string;
  /** In operation ids: create<op>, list<op>s, get<op>, pause<op>… */
  op: string;
  schema: Record<string, unknown>;
  view(c: FirmwareCampaign, withStations?: boolean): unknown;
  create: { summary: string; description: string; body: Record<string, unknown>; input(body: Body, stationIds: readonly string[]): Omit<NewCampaignInput, 'tenantId' | 'id'> };
  list: { summary: string; description?: string };
  commands: readonly CampaignCommand[];
  descriptions?: Partial<Record<CampaignCommand, string>>;
}

const COMMAND_DESCRIPTIONS: Record<CampaignCommand, string> = {
  pause: 'No station is sent the update while paused; stations already downloading or installing go on and are followed. 409 unless running.',
  resume: 'Continues a paused campaign (also one paused by maxFailures). 409 unless paused.',
  abort: 'Stations not yet sent the update are marked aborted; those downloading or installing are still followed to their end. 409 unless running or paused.',
};

/** Registers one campaign family's routes. */
export function campaignFamilyRoutes<Body extends { target: CampaignTarget; name?: string }>(app: FastifyInstance, deps: ApiDeps, family: CampaignFamily<Body>): void {
  const idParams = { type: 'object', properties: { [family.idParam]: { type: 'string', minLength: 1, maxLength: 64 } }, required: [family.idParam] } as const;
  const find = async (tenantId: string, id: string) => {
    const found = await deps.store.campaigns.get(tenantId, id);
    if (!found || !family.shows.includes(found.kind)) throw new ApiError('CAMPAIGN_NOT_FOUND', `${family.noun[0]!.toUpperCase()}${family.noun.slice(1)} ${id} not found`);
    return found;
  };

  app.post<{ Body: Body }>(
    family.path,
    {
      schema: {
        tags: [family.tag],
        operationId: `create${family.op}`,
        summary: family.create.summary,
        description: family.create.description,
        body: family.create.body,
        response: { 201: family.schema, 400: errorBody, 401: errorBody },
      },
    },
    async (request, reply) => {
      const { tenantId } = request;
      const body = request.body as Body;
      const ids = await targetStations(deps, tenantId, body.target);
      const campaign = newCampaign({ tenantId, id: randomUUID(), ...family.create.input(body, ids) }, ids, new Date().toISOString());
      await deps.store.campaigns.create(campaign);
      request.log.info({ campaignId: campaign.id, kind: campaign.kind, stations: ids.length }, `${family.noun} started`);
      deps.campaigns?.wake();
      return reply.code(201).send(family.view(campaign));
    },
  );

  app.get<{ Querystring: { limit: number; cursor?: string; status?: CampaignStatus } }>(
    family.path,
    {
      schema: {
        tags: [family.tag],
        operationId: `list${family.op}s`,
        summary: family.list.summary,
        description: family.list.description ?? 'The other kinds of campaign share the store and are left out, so a page may hold fewer than `limit` items; follow `nextCursor`.',
        querystring: { ...pageQuery, properties: { ...pageQuery.properties, status: { type: 'string', enum: CAMPAIGN_STATUSES } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: family.schema }, nextCursor: { type: ['string', 'null'] } } }, 400: errorBody },
      },
    },
    async (request) => {
      const page = await deps.store.campaigns.list(request.tenantId, request.query);
      return { items: page.items.filter((c) => family.shows.includes(c.kind)).map((c) => family.view(c, false)), nextCursor: page.nextCursor ?? null };
    },
  );

  app.get<{ Params: Record<string, string> }>(
    `${family.path}/:${family.idParam}`,
    {
      schema: {
        tags: [family.tag],
        operationId: `get${family.op}`,
        summary: `A ${family.noun} with the progress of every station`,
        params: idParams,
        response: { 200: family.schema, 404: errorBody },
      },
    },
    async (request) => family.view(await find(request.tenantId, request.params[family.idParam]!)),
  );

  for (const command of family.commands) {
    app.post<{ Params: Record<string, string> }>(
      `${family.path}/:${family.idParam}/${command}`,
      {
        schema: {
          tags: [family.tag],
          operationId: `${command}${family.op}`,
          summary: `${command[0]!.toUpperCase()}${command.slice(1)} a ${family.noun}`,
          description: family.descriptions?.[command] ?? COMMAND_DESCRIPTIONS[command],
          params: idParams,
          response: { 200: family.schema, 404: errorBody, 409: errorBody },
        },
      },
      async (request) => {
        const id = request.params[family.idParam]!;
        // Compare-and-set: the driver may write the campaign meanwhile; read again and retry.
        for (let attempt = 0; attempt < 20; attempt++) {
          const found = await find(request.tenantId, id);
          const outcome = control(found, command, new Date().toISOString());
          if ('error' in outcome) throw new ApiError('CAMPAIGN_STATE_CONFLICT', `Cannot ${command}: ${outcome.error}`, { status: found.status });
          const saved = await deps.store.campaigns.save(outcome.campaign, found.version);
          if (saved) {
            deps.campaigns?.announce(found, saved);
            deps.campaigns?.wake();
            return family.view(saved);
          }
        }
        throw new ApiError('SERVICE_UNAVAILABLE', `The ${family.noun} kept changing; try again`);
      },
    );
  }
}

const FIRMWARE_CAMPAIGNS: CampaignFamily<CreateBody> = {
  kind: 'firmware',
  shows: ['firmware', 'password-rotation'],
  path: '/firmware-campaigns',
  idParam: 'campaignId',
  tag: 'firmware',
  noun: 'firmware campaign',
  op: 'FirmwareCampaign',
  schema: campaignSchema,
  view,
  create: {
    summary: 'Start a firmware campaign',
    description:
      'Targets the tenant’s stations that match every condition given: `stationIds` (explicit list; its order is the rollout order, the first ones are the canary), ' +
      '`vendor`, `model`, `firmwareVersion` (as reported at boot). Waves: `rollout.waves` are the sizes of the first waves (default [1]: one canary station), ' +
      'every other station is in the last wave; a wave starts once every station of the waves before it is installed, failed or offline. ' +
      'Each station gets UpdateFirmware (1.6: UpdateFirmware, or SignedUpdateFirmware with signingCertificate and signature; 2.x: UpdateFirmware), at most ' +
      '`concurrency` at once, up to `maxAttempts` times `retryDelaySec` apart; more than `maxFailures` failed stations pause the campaign. ' +
      'A station that is offline when its turn comes gets the update when it connects again. Progress is published as `campaign.progress`.',
    body: {
      type: 'object',
      properties: { name: { type: 'string', maxLength: 200 }, firmware: firmwareBody, target: targetSchema, rollout: rolloutSchema },
      required: ['firmware', 'target'],
      additionalProperties: false,
    },
    input: ({ name, firmware, target, rollout }) => ({ kind: 'firmware', name, firmware, target, rollout }),
  },
  list: {
    summary: 'Firmware campaigns, newest first (progress counts, without the station list)',
    description: 'Password rotation jobs are listed here too (`kind`), as they always were; report jobs are under GET /reports, so a page may hold fewer than `limit` items: follow `nextCursor`.',
  },
  commands: ['pause', 'resume', 'abort'],
};

const PASSWORD_ROTATIONS: CampaignFamily<Omit<CreateBody, 'firmware'>> = {
  kind: 'password-rotation',
  shows: ['password-rotation'],
  path: '/password-rotations',
  idParam: 'campaignId',
  tag: 'stations',
  noun: 'password rotation job',
  op: 'PasswordRotation',
  schema: campaignSchema,
  view,
  create: {
    summary: 'Rotate the Basic-auth password of many stations (a job)',
    description:
      'Bulk password rotation (A01, 1.6 security whitepaper) as a campaign: every station the target selects (as for firmware campaigns: ' +
      '`stationIds`, `vendor`, `model`, `firmwareVersion`) gets a new generated password (40 characters, 20 for 1.6) exactly as ' +
      '`POST /stations/{id}/password` sends it (2.x SetVariables BasicAuthPassword, 1.6 ChangeConfiguration AuthorizationKey), in waves, ' +
      '`concurrency` at once, retried up to `maxAttempts`; a station that is offline gets it when it connects. Per station: `installed` = it took ' +
      'the new password (the old one works until its first login with the new one), `failed` = it refused it every time (it keeps its old one). ' +
      'Progress: `GET /password-rotations/{campaignId}` and `campaign.progress` events; pause / resume / abort like firmware campaigns. ' +
      'The generated passwords are never shown or stored in clear (stations that must be told out of band: `POST /stations/{id}/password`).',
    body: {
      type: 'object',
      properties: { name: { type: 'string', maxLength: 200 }, target: targetSchema, rollout: rolloutSchema },
      required: ['target'],
      additionalProperties: false,
    },
    input: ({ name, target, rollout }, ids) => ({ kind: 'password-rotation', name: name ?? `password rotation of ${ids.length} stations`, target, rollout: { waves: [ids.length], ...rollout } }),
  },
  list: { summary: 'Password rotation jobs, newest first (progress counts, without the station list)' },
  commands: ['pause', 'resume', 'abort'],
};

/**
 * Firmware campaigns (issue #12) and bulk password rotations (issue #14): one firmware, or a new
 * password, to many stations in waves (canary first), with a concurrency limit, retries, pause /
 * resume / abort. Stored (store.campaigns) and driven by one node's campaign driver
 * (actors/commands/campaign-driver.ts).
 */
export async function campaignRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  campaignFamilyRoutes(app, opts.deps, FIRMWARE_CAMPAIGNS);
  campaignFamilyRoutes(app, opts.deps, PASSWORD_ROTATIONS);
}
