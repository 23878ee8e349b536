import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import { DEFAULT_MIN_A } from '../../core/load-allocation.js';
import { DEFAULT_SITE_MAX_A, DEFAULT_SITE_VOLTAGE, safeShares, attachmentKey, siteTree, validateSite, type Site, type SiteAttachment, type SiteNode } from '../../core/sites.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, pageQuery } from '../schemas.js';

const phaseAmps = {
  type: 'object',
  properties: { L1: { type: 'number', minimum: 0 }, L2: { type: 'number', minimum: 0 }, L3: { type: 'number', minimum: 0 } },
  required: ['L1', 'L2', 'L3'],
  additionalProperties: false,
} as const;

const nodeBody = {
  type: 'object',
  description: 'A capacity node: the grid connection (parentId null, exactly one) or a sub-feeder. Give `limitA` (A per phase: one number for all three, or per phase) or `limitKw` (three-phase at the site’s nominal `voltage` per phase, default 230 V).',
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 64 },
    parentId: { type: ['string', 'null'], maxLength: 64 },
    name: { type: 'string', maxLength: 200 },
    limitA: { oneOf: [{ type: 'number', minimum: 0 }, phaseAmps] },
    limitKw: { type: 'number', minimum: 0 },
  },
  required: ['id', 'parentId'],
  additionalProperties: false,
} as const;

const attachmentBody = {
  type: 'object',
  properties: {
    stationId: { type: 'string', minLength: 1, maxLength: 48 },
    evseId: { type: 'integer', minimum: 0, default: 0, description: '0: the whole station counts as one charging point (one TxDefaultProfile on EVSE 0); per EVSE otherwise' },
    nodeId: { type: 'string', minLength: 1, maxLength: 64 },
    maxA: { type: 'number', minimum: 0, description: 'Rating of the EVSE (A per phase); the site’s defaultMaxA when left out' },
    phases: { type: 'integer', enum: [1, 3], default: 3 },
    phase: { type: 'string', enum: ['L1', 'L2', 'L3'], description: 'The phase of a single-phase EVSE (default L1)' },
    priority: { type: 'integer', minimum: -1000, maximum: 1000, default: 0, description: 'Higher is served first (admission at the minimum and filling); a session whose id token (or group) has a priority of its own is served by that one' },
    chargingRateUnit: {
      type: 'string',
      enum: ['A', 'W'],
      description: 'The unit the station’s profiles must be in; absent: what the station reported (SmartChargingCtrlr.RateUnit, 1.6 ChargingScheduleAllowedChargingRateUnit), else A. The allocator converts at the site’s nominal voltage × phases. DC sessions are always sent in W.',
    },
  },
  required: ['stationId', 'nodeId'],
  additionalProperties: false,
} as const;

const sessionSchema = {
  type: 'object',
  properties: { stationId: { type: 'string' }, evseId: { type: 'integer' }, transactionId: { type: 'string' }, limitA: { type: 'number' }, paused: { type: 'boolean' } },
} as const;

const amps = { type: 'object', properties: { L1: { type: 'number' }, L2: { type: 'number' }, L3: { type: 'number' } } } as const;

const treeNodeSchema = {
  type: 'object',
  description: 'A capacity node with its limit, the load the newest allocation gives the sessions below it and what is left (A per phase), its attachments and its children (same shape).',
  properties: {
    id: { type: 'string' },
    name: { type: ['string', 'null'] },
    parentId: { type: ['string', 'null'] },
    limitA: amps,
    limitKw: { type: ['number', 'null'] },
    allocatedA: amps,
    headroomA: amps,
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          ...attachmentBody.properties,
          attachedAt: { type: 'string' },
          safeShareA: { type: 'number', description: 'Its TxDefaultProfile limit: the share that keeps every node within its limit if every station falls back to its default at once' },
          sessions: { type: 'array', items: sessionSchema },
        },
      },
    },
    children: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;

const siteSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    minA: { type: 'number' },
    defaultMaxA: { type: 'number' },
    voltage: { type: 'number', description: 'Nominal line-to-neutral voltage (V) for kW limits and W profiles' },
    nodes: { type: 'array', items: { type: 'object', additionalProperties: true } },
    attachments: { type: 'array', items: { type: 'object', additionalProperties: true } },
    tree: { ...treeNodeSchema, type: ['object', 'null'] },
    allocation: {
      type: ['object', 'null'],
      properties: { at: { type: 'string' }, sessions: { type: 'array', items: sessionSchema }, nodeLoad: { type: 'object', additionalProperties: amps } },
    },
    driver: { type: ['object', 'null'], additionalProperties: true, description: 'The node running the site’s allocation and until when (its lease)' },
    version: { type: 'integer' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const siteIdParams = { type: 'object', properties: { siteId: { type: 'string', minLength: 1, maxLength: 64 } }, required: ['siteId'] } as const;

function view(site: Site, withTree = true) {
  return {
    id: site.id,
    name: site.name,
    minA: site.minA,
    defaultMaxA: site.defaultMaxA,
    voltage: site.voltage ?? DEFAULT_SITE_VOLTAGE,
    nodes: site.nodes,
    attachments: site.attachments,
    ...(withTree ? { tree: siteTree(site) } : {}),
    allocation: site.allocation,
    driver: site.lease,
    version: site.version,
    createdAt: site.createdAt,
    updatedAt: site.updatedAt,
  };
}

function checked(site: Site): Site {
  const problems = validateSite(site);
  if (problems.length > 0) throw new ApiError('SITE_INVALID', `The site is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { problems });
  return site;
}

interface SiteBody {
  id?: string;
  name?: string;
  minA?: number;
  defaultMaxA?: number;
  voltage?: number;
  nodes: SiteNode[];
}

type AttachBody = Omit<SiteAttachment, 'attachedAt'>;

/**
 * Sites for load management (issue #13): a tree of capacity nodes per site, stations / EVSEs
 * attached to its nodes; `GET /sites/{id}` shows the tree with the load the newest allocation
 * gives each node. Every change is a compare-and-set on the site's version (the allocator writes
 * the site too) and wakes this node's allocator, which sends the safe TxDefaultProfiles and
 * re-allocates (actors/commands/site-allocator.ts).
 */
export async function siteRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  /** Read, change, compare-and-set; again when the allocator wrote meanwhile. */
  async function update(tenantId: string, siteId: string, change: (site: Site) => Site): Promise<Site> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const found = await deps.store.sites.get(tenantId, siteId);
      if (!found) throw new ApiError('SITE_NOT_FOUND', `Site ${siteId} not found`);
      const next = checked({ ...change(found), updatedAt: new Date().toISOString() });
      const saved = await deps.store.sites.save(next, found.version);
      if (saved) {
        deps.sites?.siteChanged(tenantId, siteId);
        return saved;
      }
    }
    throw new ApiError('SITE_CONFLICT', 'The site kept changing; try again');
  }

  app.post<{ Body: SiteBody }>(
    '/sites',
    {
      schema: {
        tags: ['sites'],
        operationId: 'createSite',
        summary: 'Create a site with its tree of capacity limits',
        description:
          'A site is a tree of capacity nodes: exactly one root (the grid connection, `parentId` null) and optional sub-feeders, each with a limit in A per phase or in kW. ' +
          'Stations / EVSEs are attached to nodes with `POST /sites/{id}/attachments`. The allocator divides each node’s capacity among the active sessions below it ' +
          '(admission at `minA` by priority and start time, then max-min fair up to each EVSE’s rating) and sends TxProfiles; sessions that do not fit at `minA` are paused (0 A).',
        body: {
          type: 'object',
          properties: {
            id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' },
            name: { type: 'string', maxLength: 200 },
            minA: { type: 'number', exclusiveMinimum: 0, maximum: 1000, default: DEFAULT_MIN_A },
            defaultMaxA: { type: 'number', exclusiveMinimum: 0, maximum: 1000, default: DEFAULT_SITE_MAX_A },
            voltage: { type: 'number', minimum: 50, maximum: 1000, default: DEFAULT_SITE_VOLTAGE, description: 'Nominal line-to-neutral voltage (V): kW limits and W profiles are converted at it' },
            nodes: { type: 'array', items: nodeBody, minItems: 1, maxItems: 1000 },
          },
          required: ['nodes'],
          additionalProperties: false,
        },
        response: { 201: siteSchema, 400: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      const { tenantId } = request;
      const now = new Date().toISOString();
      const body = request.body;
      const site = checked({
        tenantId,
        id: body.id ?? randomUUID(),
        name: body.name ?? body.id ?? 'site',
        minA: body.minA ?? DEFAULT_MIN_A,
        defaultMaxA: body.defaultMaxA ?? DEFAULT_SITE_MAX_A,
        ...(body.voltage !== undefined ? { voltage: body.voltage } : {}),
        nodes: body.nodes,
        attachments: [],
        lease: null,
        allocation: null,
        version: 0,
        createdAt: now,
        updatedAt: now,
      });
      if (!(await deps.store.sites.create(site))) throw new ApiError('SITE_EXISTS', `Site ${site.id} exists`);
      request.log.info({ tenantId, siteId: site.id, nodes: site.nodes.length }, 'site created');
      return reply.code(201).send(view(site));
    },
  );

  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/sites',
    {
      schema: {
        tags: ['sites'],
        operationId: 'listSites',
        summary: 'Sites, oldest first (without the tree)',
        querystring: pageQuery,
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: siteSchema }, nextCursor: { type: ['string', 'null'] } } }, 400: errorBody },
      },
    },
    async (request) => {
      const page = await deps.store.sites.list(request.tenantId, request.query);
      return { items: page.items.map((s) => view(s, false)), nextCursor: page.nextCursor ?? null };
    },
  );

  app.get<{ Params: { siteId: string } }>(
    '/sites/:siteId',
    {
      schema: {
        tags: ['sites'],
        operationId: 'getSite',
        summary: 'A site with its tree and the live allocated load per node',
        params: siteIdParams,
        response: { 200: siteSchema, 404: errorBody },
      },
    },
    async (request) => {
      const site = await deps.store.sites.get(request.tenantId, request.params.siteId);
      if (!site) throw new ApiError('SITE_NOT_FOUND', `Site ${request.params.siteId} not found`);
      return view(site);
    },
  );

  app.put<{ Params: { siteId: string }; Body: Omit<SiteBody, 'id'> }>(
    '/sites/:siteId',
    {
      schema: {
        tags: ['sites'],
        operationId: 'updateSite',
        summary: 'Change a site’s name, minimum, default rating or tree',
        description: 'Nodes with attachments cannot be removed (400 SITE_INVALID). The safe defaults and the allocation follow at once.',
        params: siteIdParams,
        body: {
          type: 'object',
          properties: {
            name: { type: 'string', maxLength: 200 },
            minA: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
            defaultMaxA: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
            voltage: { type: 'number', minimum: 50, maximum: 1000 },
            nodes: { type: 'array', items: nodeBody, minItems: 1, maxItems: 1000 },
          },
          additionalProperties: false,
        },
        response: { 200: siteSchema, 400: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => {
      const { name, minA, defaultMaxA, voltage, nodes } = request.body;
      const saved = await update(request.tenantId, request.params.siteId, (s) => ({
        ...s,
        ...(name !== undefined ? { name } : {}),
        ...(minA !== undefined ? { minA } : {}),
        ...(defaultMaxA !== undefined ? { defaultMaxA } : {}),
        ...(voltage !== undefined ? { voltage } : {}),
        ...(nodes !== undefined ? { nodes } : {}),
      }));
      return view(saved);
    },
  );

  app.delete<{ Params: { siteId: string } }>(
    '/sites/:siteId',
    {
      schema: {
        tags: ['sites'],
        operationId: 'deleteSite',
        summary: 'Delete a site (the profiles its stations hold stay until cleared or replaced)',
        params: siteIdParams,
        response: { 204: { type: 'null' }, 404: errorBody },
      },
    },
    async (request, reply) => {
      if (!(await deps.store.sites.delete(request.tenantId, request.params.siteId))) throw new ApiError('SITE_NOT_FOUND', `Site ${request.params.siteId} not found`);
      request.log.info({ tenantId: request.tenantId, siteId: request.params.siteId }, 'site deleted');
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { siteId: string }; Body: AttachBody }>(
    '/sites/:siteId/attachments',
    {
      schema: {
        tags: ['sites'],
        operationId: 'attachToSite',
        summary: 'Attach a station or one of its EVSEs to a node of the site',
        description:
          'A station belongs to one site. On attach every attachment of the site gets a TxDefaultProfile at its safe share (sent at once to connected stations, ' +
          'again when a station boots), so a station that stops hearing from the CSMS stays within the limits; then the site is allocated again. ' +
          'Attaching the same EVSE again replaces its attachment (node, rating, phases, priority).',
        params: siteIdParams,
        body: attachmentBody,
        response: { 201: siteSchema, 400: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      const { tenantId } = request;
      const { siteId } = request.params;
      const body = { ...request.body, evseId: request.body.evseId ?? 0 };
      if (!(await deps.store.stations.getStation(tenantId, body.stationId))) throw new ApiError('STATION_NOT_FOUND', `Station ${body.stationId} not found`);
      const other = await deps.store.sites.findByStation(tenantId, body.stationId);
      if (other && other.id !== siteId) throw new ApiError('SITE_STATION_ATTACHED', `Station ${body.stationId} is attached to site ${other.id}`, { siteId: other.id });
      const saved = await update(tenantId, siteId, (s) => ({
        ...s,
        attachments: [...s.attachments.filter((a) => !(a.stationId === body.stationId && a.evseId === body.evseId)), { ...body, attachedAt: new Date().toISOString() }],
      }));
      request.log.info({ tenantId, siteId, stationId: body.stationId, evseId: body.evseId, nodeId: body.nodeId, safeShareA: safeShares(saved).get(attachmentKey(body.stationId, body.evseId)) }, 'station attached to site');
      return reply.code(201).send(view(saved));
    },
  );

  app.delete<{ Params: { siteId: string; stationId: string }; Querystring: { evseId?: number } }>(
    '/sites/:siteId/attachments/:stationId',
    {
      schema: {
        tags: ['sites'],
        operationId: 'detachFromSite',
        summary: 'Detach a station (every EVSE, or the one given) from the site',
        description: 'The remaining attachments’ safe shares and the allocation follow. The detached station keeps the profiles it holds until they are cleared or replaced.',
        params: { type: 'object', properties: { siteId: { type: 'string' }, stationId: { type: 'string' } }, required: ['siteId', 'stationId'] },
        querystring: { type: 'object', properties: { evseId: { type: 'integer', minimum: 0 } }, additionalProperties: false },
        response: { 200: siteSchema, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const { siteId, stationId } = request.params;
      const { evseId } = request.query;
      const matches = (a: SiteAttachment) => a.stationId === stationId && (evseId === undefined || a.evseId === evseId);
      const saved = await update(tenantId, siteId, (s) => {
        if (!s.attachments.some(matches)) throw new ApiError('SITE_ATTACHMENT_NOT_FOUND', `Station ${stationId}${evseId !== undefined ? ` EVSE ${evseId}` : ''} is not attached to site ${siteId}`);
        return { ...s, attachments: s.attachments.filter((a) => !matches(a)) };
      });
      request.log.info({ tenantId, siteId, stationId, evseId: evseId ?? null }, 'station detached from site');
      return view(saved);
    },
  );
}
