import type { FastifyInstance } from 'fastify';
import {
  CAMPAIGN_STATUSES,
  DEFAULT_ROLLOUT,
  REPORT_STATE_OF,
  progressOf,
  type CampaignRollout,
  type CampaignTarget,
  type FirmwareCampaign,
  type ReportBase,
} from '../../core/firmware-campaign.js';
import type { ApiDeps } from '../deps.js';
import { campaignFamilyRoutes, targetSchema, view as campaignView, type CampaignFamily } from './campaigns.js';

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
    reportBase: c.kind === 'report' ? c.reportBase : undefined,
    progress,
    ...(withStations
      ? { stations: c.stations.map((s) => ({ stationId: s.stationId, state: REPORT_STATE_OF[s.state], attempts: s.attempts, requestId: s.requestId, error: s.error, waiting: s.waiting, updatedAt: s.updatedAt })) }
      : {}),
  };
}

interface CreateBody {
  name?: string;
  reportBase?: ReportBase;
  target: CampaignTarget;
  rollout?: Partial<Pick<CampaignRollout, 'concurrency' | 'maxAttempts' | 'retryDelaySec' | 'offlineRetrySec'>>;
}

/**
 * Bulk report jobs (issue #12): ask many stations for their configuration report at once. A job is
 * a campaign of kind `report` (core/firmware-campaign.ts): stored in `store.campaigns`, driven by
 * the campaign driver with the same concurrency, retries, offline handling and lease (so a job
 * survives a restart and is driven by one node of a cluster), and served by the same route
 * factory as firmware campaigns (campaigns.ts), under report names.
 */
const REPORT_JOBS: CampaignFamily<CreateBody> = {
  kind: 'report',
  shows: ['report'],
  path: '/reports',
  idParam: 'jobId',
  tag: 'stations',
  noun: 'report job',
  op: 'ReportJob',
  schema: jobSchema,
  view,
  create: {
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
        target: targetSchema,
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
    // No canary: every station is in one wave.
    input: ({ name, reportBase = 'FullInventory', target, rollout }) => ({ kind: 'report', name, reportBase, target, rollout: { ...rollout, waves: [], maxFailures: null } }),
  },
  list: { summary: 'Report jobs, newest first (progress counts, without the station list)' },
  commands: ['abort'],
  descriptions: { abort: 'Stations not yet asked are marked aborted; reports under way are still followed. 409 unless running or paused.' },
};

export async function reportJobRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  campaignFamilyRoutes(app, opts.deps, REPORT_JOBS);
}
