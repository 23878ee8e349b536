import type { FastifyInstance } from 'fastify';
import { drift, matchesStation, templateProblems, type ConfigTemplate, type TemplateMatch, type TemplateSetting } from '../../core/config-template.js';
import type { DeviceModelEntry } from '../../core/device-model.js';
import { ApiError } from '../../core/errors.js';
import type { StationRecord } from '../../core/types.js';
import { applyConfigTemplate, type ApplyOutcome } from '../../actors/commands/apply-config-template.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, stationIdParam } from '../schemas.js';

const TAG = 'configuration templates';
/** Stations asked at once when a template goes to many: each is one call in flight on its own station. */
const APPLY_CONCURRENCY = 8;
/** A bulk apply answers within the request; beyond this many stations, apply in slices. */
const MAX_STATIONS_PER_APPLY = 1000;

const name = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' } as const;
const identifier = { type: 'string', minLength: 1, maxLength: 50 } as const;
const setting = {
  type: 'object',
  description: 'A 2.x device-model variable, or a 1.6 configuration key as component `OCPP16` with the key as `variable`.',
  properties: {
    component: identifier,
    componentInstance: identifier,
    evseId: { type: 'integer', minimum: 0 },
    connectorId: { type: 'integer', minimum: 0 },
    variable: identifier,
    variableInstance: identifier,
    attributeType: { type: 'string', enum: ['Actual', 'Target', 'MinSet', 'MaxSet'] },
    value: { type: 'string', maxLength: 2500 },
  },
  required: ['component', 'variable', 'value'],
  additionalProperties: false,
} as const;
const match = {
  type: 'object',
  description: 'Stations the template is for when applied without a list (from their BootNotification); all given fields must match.',
  properties: { vendor: { type: 'string', maxLength: 50 }, model: { type: 'string', maxLength: 50 } },
  additionalProperties: false,
} as const;
const templateBody = {
  type: 'object',
  properties: { description: { type: 'string', maxLength: 500 }, match, settings: { type: 'array', items: setting, minItems: 1, maxItems: 500 } },
  required: ['settings'],
  additionalProperties: false,
} as const;
const templateSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, description: { type: 'string' }, match, settings: { type: 'array', items: setting }, updatedAt: { type: 'string' } },
} as const;
const nameParams = { type: 'object', properties: { name }, required: ['name'] } as const;
const outcomeSchema = {
  type: 'object',
  properties: {
    stationId: { type: 'string' },
    protocol: { type: 'string' },
    status: { type: 'string', enum: ['applied', 'partial', 'rejected', 'nothing-to-apply', 'not-connected', 'failed'] },
    rebootRequired: { type: 'boolean' },
    items: { type: 'array', items: { type: 'object', properties: { setting, status: { type: 'string', description: 'The station’s answer (Accepted, Rejected, RebootRequired, NotSupported, UnknownVariable, …), or NotSent' } } } },
    error: { type: 'string' },
  },
} as const;

function publicTemplate(t: ConfigTemplate) {
  const { tenantId: _tenant, ...rest } = t;
  return rest;
}

/** Configuration templates (issue #12): named settings per model or group, applied to stations, compared with what they report. */
export async function configTemplateRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  async function template(tenantId: string, templateName: string): Promise<ConfigTemplate> {
    const found = await deps.store.configTemplates.getTemplate(tenantId, templateName);
    if (!found) throw new ApiError('TEMPLATE_NOT_FOUND', `No configuration template ${templateName}`);
    return found;
  }

  async function station(tenantId: string, stationId: string): Promise<StationRecord> {
    const found = await deps.store.stations.getStation(tenantId, stationId);
    if (!found) throw new ApiError('STATION_NOT_FOUND', `Station ${stationId} not found`);
    return found;
  }

  app.get('/config-templates', {
    schema: { tags: [TAG], operationId: 'listConfigTemplates', summary: 'The tenant’s configuration templates, by name', response: { 200: { type: 'object', properties: { items: { type: 'array', items: templateSchema } } } } },
  }, async (request) => ({ items: (await deps.store.configTemplates.listTemplates(request.tenantId)).map(publicTemplate) }));

  app.get<{ Params: { name: string } }>('/config-templates/:name', {
    schema: { tags: [TAG], operationId: 'getConfigTemplate', summary: 'One configuration template', params: nameParams, response: { 200: templateSchema, 404: errorBody } },
  }, async (request) => publicTemplate(await template(request.tenantId, request.params.name)));

  app.put<{ Params: { name: string }; Body: { description?: string; match?: TemplateMatch; settings: TemplateSetting[] } }>('/config-templates/:name', {
    schema: {
      tags: [TAG],
      operationId: 'putConfigTemplate',
      summary: 'Create or replace a configuration template',
      description: 'One 400 (VALIDATION_FAILED, details.problems) names every problem: a variable set twice, a 1.6 key (component `OCPP16`) with an instance, EVSE or attribute type, a connector without its EVSE.',
      params: nameParams,
      body: templateBody,
      response: { 200: templateSchema, 201: templateSchema, 400: errorBody },
    },
  }, async (request, reply) => {
    const problems = templateProblems(request.body.settings);
    if (problems.length > 0) throw new ApiError('VALIDATION_FAILED', `The template has ${problems.length} problem(s): ${problems.join('; ')}`, { problems });
    const stored: ConfigTemplate = {
      tenantId: request.tenantId,
      name: request.params.name,
      ...(request.body.description !== undefined ? { description: request.body.description } : {}),
      match: request.body.match ?? {},
      settings: request.body.settings,
      updatedAt: new Date().toISOString(),
    };
    const created = await deps.store.configTemplates.putTemplate(stored);
    return reply.code(created ? 201 : 200).send(publicTemplate(stored));
  });

  app.delete<{ Params: { name: string } }>('/config-templates/:name', {
    schema: { tags: [TAG], operationId: 'deleteConfigTemplate', summary: 'Delete a configuration template (stations keep their values)', params: nameParams, response: { 204: { type: 'null' }, 404: errorBody } },
  }, async (request, reply) => {
    if (!(await deps.store.configTemplates.deleteTemplate(request.tenantId, request.params.name))) {
      throw new ApiError('TEMPLATE_NOT_FOUND', `No configuration template ${request.params.name}`);
    }
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string }; Querystring: { template: string } }>('/stations/:id/config-drift', {
    schema: {
      tags: [TAG],
      operationId: 'getConfigDrift',
      summary: 'Where a station’s reported configuration differs from a template',
      description: 'Compares the template’s settings for the station’s version with its stored device model (NotifyReport, GetVariables/SetVariables and 1.6 GetConfiguration/ChangeConfiguration results). `unknown`: the station never reported that variable; ask it (GetBaseReport, GetConfiguration) to know.',
      params: stationIdParam,
      querystring: { type: 'object', properties: { template: name }, required: ['template'], additionalProperties: false },
      response: {
        200: {
          type: 'object',
          properties: {
            template: { type: 'string' },
            protocol: { type: ['string', 'null'] },
            differs: { type: 'integer' },
            unknown: { type: 'integer' },
            items: { type: 'array', items: { type: 'object', properties: { setting, expected: { type: 'string' }, actual: { type: ['string', 'null'] }, status: { type: 'string', enum: ['ok', 'differs', 'unknown'] } } } },
          },
        },
        404: errorBody,
        409: errorBody,
      },
    },
  }, async (request) => {
    const { tenantId } = request;
    const found = await station(tenantId, request.params.id);
    const t = await template(tenantId, request.query.template);
    if (!found.protocol) throw new ApiError('STATION_NOT_CONNECTED', `Station ${found.id} never booted: its OCPP version, and so its configuration, is not known yet`);
    const model = await wholeDeviceModel(deps, tenantId, found.id);
    return { template: t.name, protocol: found.protocol, ...drift(found.protocol, t.settings, model) };
  });

  app.post<{ Params: { name: string }; Body: { stationIds?: string[] } }>('/config-templates/:name/apply', {
    schema: {
      tags: [TAG],
      operationId: 'applyConfigTemplate',
      summary: 'Apply a template to stations: SetVariables (2.x) or ChangeConfiguration per key (1.6)',
      description:
        `Without \`stationIds\`, every station of the tenant whose vendor/model match the template’s \`match\`. Up to ${MAX_STATIONS_PER_APPLY} stations per request, ${APPLY_CONCURRENCY} at a time; the answer lists each station’s outcome with the station’s status per setting. What a station took is recorded in its device model (as for any SetVariables/ChangeConfiguration), so the drift report follows.`,
      params: nameParams,
      body: { type: 'object', properties: { stationIds: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 48 }, minItems: 1, maxItems: MAX_STATIONS_PER_APPLY, uniqueItems: true } }, additionalProperties: false },
      response: {
        200: {
          type: 'object',
          properties: {
            template: { type: 'string' },
            summary: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Stations per outcome status' },
            results: { type: 'array', items: outcomeSchema },
          },
        },
        400: errorBody,
        404: errorBody,
      },
    },
  }, async (request) => {
    const { tenantId } = request;
    const t = await template(tenantId, request.params.name);
    const targets = request.body?.stationIds
      ? await Promise.all(request.body.stationIds.map((id) => station(tenantId, id)))
      : await matchingStations(deps, tenantId, t.match);
    if (targets.length > MAX_STATIONS_PER_APPLY) {
      throw new ApiError('BAD_REQUEST', `${targets.length} stations match; apply to at most ${MAX_STATIONS_PER_APPLY} per request (give stationIds)`);
    }
    const results = await inPool(targets, APPLY_CONCURRENCY, (s): Promise<ApplyOutcome> =>
      s.protocol
        ? applyConfigTemplate(deps.commands, tenantId, s.id, s.protocol, t.settings)
        : Promise.resolve({ stationId: s.id, status: 'not-connected', rebootRequired: false, items: [], error: 'never booted: its OCPP version is not known' }),
    );
    const summary: Record<string, number> = {};
    for (const r of results) summary[r.status] = (summary[r.status] ?? 0) + 1;
    request.log.info({ template: t.name, stations: results.length, summary }, 'configuration template applied');
    return { template: t.name, summary, results };
  });
}

async function wholeDeviceModel(deps: ApiDeps, tenantId: string, stationId: string): Promise<DeviceModelEntry[]> {
  const all: DeviceModelEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.deviceModel.listDeviceModel(tenantId, stationId, { limit: 1000, cursor });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

async function matchingStations(deps: ApiDeps, tenantId: string, wanted: TemplateMatch): Promise<StationRecord[]> {
  const found: StationRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.stations.listStations(tenantId, { limit: 500, cursor });
    found.push(...page.items.filter((s) => matchesStation(wanted, s)));
    cursor = page.nextCursor;
  } while (cursor && found.length <= MAX_STATIONS_PER_APPLY);
  return found;
}

/** Runs `task` over `items`, at most `size` at once, results in input order. */
async function inPool<T, R>(items: T[], size: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}
