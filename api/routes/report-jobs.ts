import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import {
  CAMPAIGN_STATUSES,
  DEFAULT_ROLLOUT,
  REPORT_STATE_OF,
  control,
  newCampaign,
  progressOf,
  type CampaignJob,
  type CampaignRollout,
  type CampaignStatus,
  type CampaignTarget,
  type FirmwareCampaign,
} from '../../core/firmware-campaign.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, pageQuery } from '../schemas.js';
import { targetStations, view as campaignView } from './campaigns.js';

const REPORT_STATES = [...new Set(Object.values(REPORT_STATE_OF))];

const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string', enum: CAMPAIGN_STATUSES, description: 'running ⇄ paused; running | paused → aborted; running → complete when every station is complete or failed' },
    pausedReason: { type: ['string', 'null'] },
    reportBase: { type: 'string' },
    target: { type: 'object', additionalProperties: true },
    rollout: { type: 'object', additionalProperties: true },
    progress: { type: 'object', properties: Object.fromEntries([...REPORT_STATES, 'total', 'offline'].map((k) => [k, { type: 'integer' }])) },
    stations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          stationId: { type: 'string' },
          state: { type: 'string', enum: REPORT_STATES },
          attempts: { type: 'integer' },
          requestId: { type: ['integer', 'null'], description: '2.x: the GetBaseReport request (GET /stations/{id}/requests/{requestId}); 1.6: null (GetConfiguration is answered at once)' },
          error: { type: ['string', 'null'] },
          waiting: { type: ['string', 'null'], enum: ['offline', null], description: 'offline: its turn came while it was not connected; it is asked when it connects' },
          updatedAt: { type: 'string' },
        },
      },
    },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
  },
} as const;

/** A report job as the API shows it: the campaign under report names. */
function view(c: FirmwareCampaign, withStations = true) {
  const { firmware: _f, currentWave: _w, driver: _d, stations: _s, progress: _p, ...base } = campaignView(c, false);
  const counts = progressOf(c);
  const progress: Record<string, number> = Object.fromEntries(REPORT_STATES.map((s) => [s, 0]));
  for (const [state, n] of Object.entries(counts)) {
    if (state === 'total' || state === 'offline') progress[state] = n;
    else progress[REPORT_STATE_OF[state as keyof typeof REPORT_STATE_OF]] = (progress[REPORT_STATE_OF[state as keyof typeof REPORT_STATE_OF]] ?? 0) + n;
  }
  return {
    ...base,
    reportBase: c.job?.reportBase,
    progress,
    ...(withStations
      ? { stations: c.stations.map((s) => ({ stationId: s.stationId, state: REPORT_STATE_OF[s.state], attempts: s.attempts, requestId: s.requestId, error: s.error, waiting: s.waiting, updatedAt: s.updatedAt })) }
      : {}),
  };
}

interface CreateBody {
  name?: string;
  reportBase?: CampaignJob['reportBase'];
  target: CampaignTarget;
  rollout?: Partial<Pick<CampaignRollout, 'concurrency' | 'maxAttempts' | 'retryDelaySec' | 'offlineRetrySec'>>;
}

const jobIdParams = { type: 'object', properties: { jobId: { type: 'string', minLength: 1, maxLength: 64 } }, required: ['jobId'] } as const;

/**
 * Bulk report jobs (issue #12): ask many stations for their configuration report at once. A job is
 * a campaign of kind `report` (core/firmware-campaign.ts): stored in `store.campaigns` and driven
 * by the campaign driver with the same concurrency, retries, offline handling and lease, so a job
 * survives a restart and is driven by one node of a cluster.
 */
export async function reportJobRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;
  const get = async (tenantId: string, jobId: string) => {
    const found = await deps.store.campaigns.get(tenantId, jobId);
    if (!found || found.job?.kind !== 'report') throw new ApiError('CAMPAIGN_NOT_FOUND', `Report job ${jobId} not found`);
    return found;
  };

  app.post<{ Body: CreateBody }>(
    '/reports',
    {
      schema: {
        tags: ['stations'],
        operationId: 'createReportJob',
        summary: 'Ask many stations for their configuration report (a job whose progress GET /reports/{jobId} shows)',
        description:
          'Each station the target names (`stationIds`, and/or `vendor`, `model`, `firmwareVersion` as reported at boot) is asked: 2.x ' +
          '`GetBaseReport { requestId, reportBase }` (the NotifyReport pages fill its device model and complete its request; a report that ' +
          'stops is failed after CSMS_REPORT_TIMEOUT_SEC), 1.6 `GetConfiguration {}` (the answer fills the device model). At most ' +
          '`rollout.concurrency` stations at once, up to `maxAttempts` tries `retryDelaySec` apart; a station offline when its turn comes ' +
          'is asked when it connects. Station states: pending → receiving → complete | failed (aborted). Progress is also published as ' +
          '`campaign.progress` (kind report).',
        body: {
          type: 'object',
          properties: {
            name: { type: 'string', maxLength: 200 },
            reportBase: { type: 'string', enum: ['ConfigurationInventory', 'FullInventory', 'SummaryInventory'], default: 'FullInventory' },
            target: {
              type: 'object',
              properties: {
                stationIds: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 48 }, minItems: 1, maxItems: 100_000 },
                vendor: { type: 'string', maxLength: 50 },
                model: { type: 'string', maxLength: 50 },
                firmwareVersion: { type: 'string', maxLength: 50 },
              },
              additionalProperties: false,
            },
            rollout: {
              type: 'object',
              properties: {
                concurrency: { type: 'integer', minimum: 1, maximum: 10_000, default: DEFAULT_ROLLOUT.concurrency },
                maxAttempts: { type: 'integer', minimum: 1, maximum: 100, default: DEFAULT_ROLLOUT.maxAttempts },
                retryDelaySec: { type: 'integer', minimum: 0, maximum: 604_800, default: DEFAULT_ROLLOUT.retryDelaySec },
                offlineRetrySec: { type: 'integer', minimum: 1, maximum: 604_800, default: DEFAULT_ROLLOUT.offlineRetrySec },
              },
              additionalProperties: false,
            },
          },
          required: ['target'],
          additionalProperties: false,
        },
        response: { 201: jobSchema, 400: errorBody, 401: errorBody },
      },
    },
    async (request, reply) => {
      const { tenantId } = request;
      const { name, reportBase = 'FullInventory', target, rollout } = request.body;
      const ids = await targetStations(deps, tenantId, target);
      // No canary: every station is in one wave.
      const job = newCampaign({ tenantId, id: randomUUID(), name, job: { kind: 'report', reportBase }, target, rollout: { ...rollout, waves: [], maxFailures: null } }, ids, new Date().toISOString());
      await deps.store.campaigns.create(job);
      deps.campaigns?.wake();
      return reply.code(201).send(view(job));
    },
  );

  app.get<{ Querystring: { limit: number; cursor?: string; status?: CampaignStatus } }>(
    '/reports',
    {
      schema: {
        tags: ['stations'],
        operationId: 'listReportJobs',
        summary: 'Report jobs, newest first (progress counts, without the station list)',
        description: 'Firmware campaigns share the store and are left out, so a page may hold fewer than `limit` items; follow `nextCursor`.',
        querystring: { ...pageQuery, properties: { ...pageQuery.properties, status: { type: 'string', enum: CAMPAIGN_STATUSES } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: jobSchema }, nextCursor: { type: ['string', 'null'] } } }, 400: errorBody },
      },
    },
    async (request) => {
      const page = await deps.store.campaigns.list(request.tenantId, request.query);
      return { items: page.items.filter((c) => c.job?.kind === 'report').map((c) => view(c, false)), nextCursor: page.nextCursor ?? null };
    },
  );

  app.get<{ Params: { jobId: string } }>(
    '/reports/:jobId',
    {
      schema: {
        tags: ['stations'],
        operationId: 'getReportJob',
        summary: 'A report job with the progress of every station',
        params: jobIdParams,
        response: { 200: jobSchema, 404: errorBody },
      },
    },
    async (request) => view(await get(request.tenantId, request.params.jobId)),
  );

  app.post<{ Params: { jobId: string } }>(
    '/reports/:jobId/abort',
    {
      schema: {
        tags: ['stations'],
        operationId: 'abortReportJob',
        summary: 'Abort a report job: stations not yet asked are marked aborted; reports under way are still followed',
        params: jobIdParams,
        response: { 200: jobSchema, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const found = await get(request.tenantId, request.params.jobId);
        const outcome = control(found, 'abort', new Date().toISOString());
        if ('error' in outcome) throw new ApiError('CAMPAIGN_STATE_CONFLICT', `Cannot abort: ${outcome.error}`, { status: found.status });
        const saved = await deps.store.campaigns.save(outcome.campaign, found.version);
        if (saved) {
          deps.campaigns?.announce(found, saved);
          return view(saved);
        }
      }
      throw new ApiError('SERVICE_UNAVAILABLE', 'The job kept changing; try again');
    },
  );
}
