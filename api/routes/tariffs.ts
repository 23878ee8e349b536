import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../core/errors.js';
import { RESOLUTION_ORDER, type TariffAssignment, type TariffRecord, type TariffTarget } from '../../core/tariff-assignment.js';
import { TariffError, validateTariff } from '../../core/tariff.js';
import { changeTransactionTariff } from '../../actors/commands/change-transaction-tariff.js';
import { clearTariffs } from '../../actors/commands/clear-tariffs.js';
import { getTariffs } from '../../actors/commands/get-tariffs.js';
import { setDefaultTariff } from '../../actors/commands/set-default-tariff.js';
import type { ApiDeps } from '../deps.js';
import { commandResult } from '../station-call.js';
import { errorBody, stationIdParam } from '../schemas.js';

const TAG = 'tariffs';
const failures = { 400: errorBody, 404: errorBody, 409: errorBody, 429: errorBody, 502: errorBody, 504: errorBody };
const statusAnswer = { type: 'object', properties: { status: { type: 'string' }, reason: { type: ['string', 'null'] } } } as const;
const id = { type: 'string', minLength: 1, maxLength: 60, pattern: '^[A-Za-z0-9._-]+$' } as const;
const decimal = { type: 'string', pattern: '^\\d{1,9}(\\.\\d{1,6})?$', description: 'Non-negative decimal string, at most 6 decimals (never a float)' } as const;
const hhmm = { type: 'string', pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$', description: 'Local time HH:MM (24:00 = midnight at the end of the day)' } as const;
const prices = {
  type: 'object',
  properties: {
    energy: { ...decimal, description: 'Per kWh delivered' },
    chargingTime: { ...decimal, description: 'Per hour spent charging (time over which the energy register rose)' },
    idleTime: { ...decimal, description: 'Per hour after charging ended (after idleGraceMinutes), until the transaction ends' },
  },
  additionalProperties: false,
} as const;
const period = {
  type: 'object',
  description: 'Prices for some weekdays and a time-of-day window (local time in timeZone); an omitted price is the tariff’s base price.',
  properties: {
    days: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 }, minItems: 1, maxItems: 7, uniqueItems: true, description: 'ISO weekdays, 1 = Monday' },
    start: hhmm,
    end: hhmm,
    ...prices.properties,
  },
  required: ['days', 'start', 'end'],
  additionalProperties: false,
} as const;
const tariffBody = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 100 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217' },
    minorDigits: { type: 'integer', minimum: 0, maximum: 6, default: 2, description: 'Digits of the minor unit (EUR 2, JPY 0)' },
    timeZone: { type: 'string', maxLength: 64, description: 'IANA time zone of the periods (default UTC)' },
    taxPercent: { ...decimal, description: 'Tax rate in percent ("21")' },
    sessionFee: { ...decimal, description: 'Once per transaction' },
    prices,
    periods: { type: 'array', items: period, maxItems: 100 },
    idleGraceMinutes: { type: 'integer', minimum: 0, maximum: 1440, description: 'Free minutes after charging ended before idle time is priced' },
    displayText: { type: 'string', maxLength: 512, description: 'Told to drivers (2.x idTokenInfo.personalMessage on Authorize and TransactionEvent)' },
    displayLanguage: { type: 'string', maxLength: 8 },
  },
  required: ['currency', 'taxPercent', 'prices'],
  additionalProperties: false,
} as const;
const tariffSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, ...tariffBody.properties, createdAt: { type: 'string' }, updatedAt: { type: 'string' } },
} as const;
const targetSchema = {
  type: 'object',
  description: 'Where a tariff applies. Resolution order: tokenGroup, evse, station, stationGroup, default.',
  properties: {
    kind: { type: 'string', enum: [...RESOLUTION_ORDER] },
    stationId: stationIdParam.properties.id,
    evseId: { type: 'integer', minimum: 0 },
    group: { ...id, description: 'stationGroup: its name' },
    stationIds: { type: 'array', items: stationIdParam.properties.id, minItems: 1, maxItems: 10000, uniqueItems: true, description: 'stationGroup: its stations' },
    groupId: { type: 'string', minLength: 1, maxLength: 255, description: 'tokenGroup: the id tokens’ groupId' },
  },
  required: ['kind'],
  additionalProperties: false,
} as const;
const assignmentSchema = {
  type: 'object',
  properties: { target: targetSchema, tariffId: { type: 'string' }, updatedAt: { type: 'string' } },
} as const;
const breakdownLine = { type: 'object', properties: { exclTax: { type: 'string' }, quantity: { type: 'number', description: 'kWh, hours, or 1 for the session fee' } } } as const;
/** A transaction's cost as the API and events show it (core/tariff-assignment.ts costSummary). */
export const costSchema = {
  type: 'object',
  description: 'Money as decimal strings in the tariff’s currency; each component rounded half-up to the minor unit once.',
  properties: {
    tariffId: { type: 'string' },
    assignedBy: { type: 'string', enum: [...RESOLUTION_ORDER, 'transaction'], description: 'The assignment that chose the tariff, or `transaction`: set by ChangeTransactionTariff, or the transactionInfo.tariffId a 2.1 station reported (one of the tenant’s tariffs)' },
    currency: { type: 'string' },
    final: { type: 'boolean', description: 'false: the running cost up to `until`' },
    until: { type: 'string' },
    breakdown: { type: 'object', properties: { energy: breakdownLine, chargingTime: breakdownLine, idleTime: breakdownLine, sessionFee: breakdownLine } },
    totalExclTax: { type: 'string' },
    tax: { type: 'string' },
    taxPercent: { type: 'string' },
    totalInclTax: { type: 'string' },
    stationReported: {
      type: 'object',
      description:
        '2.1: the station’s own cost as it last reported it (TransactionEvent costDetails, local cost calculation), kept beside the CSMS’s: ' +
        'amounts as the decimal strings it sent, usage in Wh and seconds.',
      properties: {
        currency: { type: 'string' },
        typeOfCost: { type: 'string', description: 'NormalCost, MinCost or MaxCost' },
        totalExclTax: { type: 'string' },
        totalInclTax: { type: 'string' },
        components: {
          type: 'object',
          description: 'fixed, energy, chargingTime, idleTime, reservationTime, reservationFixed, as the station gave them',
          additionalProperties: { type: 'object', properties: { exclTax: { type: 'string' }, inclTax: { type: 'string' } } },
        },
        usage: {
          type: 'object',
          properties: { energyWh: { type: 'number' }, chargingTimeSec: { type: 'number' }, idleTimeSec: { type: 'number' }, reservationTimeSec: { type: 'number' } },
        },
        tariffIds: { type: 'array', items: { type: 'string' } },
        failure: { type: 'string', description: 'failureToCalculate: the station could not compute it (its reason)' },
        reportedAt: { type: 'string' },
      },
    },
  },
} as const;

type TariffBody = Omit<TariffRecord, 'tenantId' | 'id' | 'createdAt' | 'updatedAt'>;
type TargetBody = { kind: TariffTarget['kind']; stationId?: string; evseId?: number; group?: string; stationIds?: string[]; groupId?: string };

function publicTariff(t: TariffRecord) {
  const { tenantId: _tenant, ...rest } = t;
  return rest;
}

function publicAssignment(a: TariffAssignment) {
  const { tenantId: _tenant, ...rest } = a;
  return rest;
}

/** The target named by a body or query, with every field its kind needs (and no other). */
function targetOf(body: TargetBody): TariffTarget {
  const need = (field: keyof TargetBody) => {
    if (body[field] === undefined) throw new ApiError('VALIDATION_FAILED', `A ${body.kind} target needs ${field}`);
  };
  const allowed: Record<TariffTarget['kind'], Array<keyof TargetBody>> = {
    default: [],
    station: ['stationId'],
    evse: ['stationId', 'evseId'],
    stationGroup: ['group', 'stationIds'],
    tokenGroup: ['groupId'],
  };
  for (const field of Object.keys(body) as Array<keyof TargetBody>) {
    if (field !== 'kind' && !allowed[body.kind].includes(field)) throw new ApiError('VALIDATION_FAILED', `A ${body.kind} target takes no ${field}`);
  }
  allowed[body.kind].forEach(need);
  switch (body.kind) {
    case 'default':
      return { kind: 'default' };
    case 'station':
      return { kind: 'station', stationId: body.stationId! };
    case 'evse':
      return { kind: 'evse', stationId: body.stationId!, evseId: body.evseId! };
    case 'stationGroup':
      return { kind: 'stationGroup', group: body.group!, stationIds: body.stationIds! };
    case 'tokenGroup':
      return { kind: 'tokenGroup', groupId: body.groupId! };
  }
}

/** Tariffs and where they apply (issue #13, block I); a transaction's cost is on the transaction (GET /transactions/{id}). */
export async function tariffRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  app.get('/tariffs', {
    schema: { tags: [TAG], operationId: 'listTariffs', summary: 'The tenant’s tariffs, by id', response: { 200: { type: 'object', properties: { items: { type: 'array', items: tariffSchema } } } } },
  }, async (request) => ({ items: (await deps.store.tariffs.listTariffs(request.tenantId)).map(publicTariff) }));

  app.get<{ Params: { id: string } }>('/tariffs/:id', {
    schema: { tags: [TAG], operationId: 'getTariff', summary: 'One tariff', params: { type: 'object', properties: { id }, required: ['id'] }, response: { 200: tariffSchema, 404: errorBody } },
  }, async (request) => {
    const found = await deps.store.tariffs.getTariff(request.tenantId, request.params.id);
    if (!found) throw new ApiError('TARIFF_NOT_FOUND', `No tariff ${request.params.id}`);
    return publicTariff(found);
  });

  app.put<{ Params: { id: string }; Body: TariffBody }>('/tariffs/:id', {
    schema: {
      tags: [TAG],
      operationId: 'putTariff',
      summary: 'Create or replace a tariff',
      description:
        'Prices are decimal strings. Periods are time-of-day windows on weekdays in the tariff’s time zone; a period may not cross midnight (split it in two). ' +
        '**Overlapping periods** (two periods covering the same minute of the same weekday) are refused with 400 TARIFF_INVALID naming both. ' +
        '**Gaps** between periods are allowed and documented: time outside every period is priced with the tariff’s base `prices`. ' +
        'A transaction keeps the tariff it was first costed with: replacing a tariff reprices only transactions that start afterwards.',
      params: { type: 'object', properties: { id }, required: ['id'] },
      body: tariffBody,
      response: { 200: tariffSchema, 201: tariffSchema, 400: errorBody },
    },
  }, async (request, reply) => {
    const { tenantId } = request;
    const now = new Date().toISOString();
    const existing = await deps.store.tariffs.getTariff(tenantId, request.params.id);
    const tariff: TariffRecord = { ...request.body, tenantId, id: request.params.id, createdAt: existing?.createdAt ?? now, updatedAt: now };
    try {
      validateTariff(tariff);
    } catch (error) {
      if (!(error instanceof TariffError)) throw error;
      throw new ApiError('TARIFF_INVALID', error.message, { problem: error.message });
    }
    const created = await deps.store.tariffs.putTariff(tariff);
    request.log.info({ tenantId, tariffId: tariff.id, created }, 'tariff stored');
    await roaming(deps, request, (ocpi) => ocpi.changed(tenantId, tariff.id));
    return reply.code(created ? 201 : 200).send(publicTariff(tariff));
  });

  app.delete<{ Params: { id: string } }>('/tariffs/:id', {
    schema: {
      tags: [TAG],
      operationId: 'deleteTariff',
      summary: 'Delete a tariff that no assignment names (409 TARIFF_IN_USE otherwise); costed transactions keep their copy',
      params: { type: 'object', properties: { id }, required: ['id'] },
      response: { 204: { type: 'null' }, 404: errorBody, 409: errorBody },
    },
  }, async (request, reply) => {
    const { tenantId } = request;
    const users = (await deps.store.tariffs.listAssignments(tenantId)).filter((a) => a.tariffId === request.params.id);
    if (users.length > 0) throw new ApiError('TARIFF_IN_USE', `Tariff ${request.params.id} is assigned (${users.length} assignment(s)); remove them first`, { assignments: users.map(publicAssignment) });
    if (!(await deps.store.tariffs.deleteTariff(tenantId, request.params.id))) throw new ApiError('TARIFF_NOT_FOUND', `No tariff ${request.params.id}`);
    await roaming(deps, request, (ocpi) => ocpi.changed(tenantId, request.params.id));
    return reply.code(204).send();
  });

  app.get('/tariff-assignments', {
    schema: { tags: [TAG], operationId: 'listTariffAssignments', summary: 'Where each tariff applies', response: { 200: { type: 'object', properties: { items: { type: 'array', items: assignmentSchema } } } } },
  }, async (request) => ({ items: (await deps.store.tariffs.listAssignments(request.tenantId)).map(publicAssignment) }));

  app.put<{ Body: { target: TargetBody; tariffId: string } }>('/tariff-assignments', {
    schema: {
      tags: [TAG],
      operationId: 'putTariffAssignment',
      summary: 'Assign a tariff to the tenant (default), a station, an EVSE, a station group or a token group',
      description:
        'One assignment per target (a second replaces the first). The tariff of a transaction is resolved in this order: ' +
        '`tokenGroup` (the groupId of its id token), `evse`, `station`, `stationGroup` (the first group by name that lists the station), `default`. ' +
        'No assignment applies: the transaction has no cost.',
      body: { type: 'object', properties: { target: targetSchema, tariffId: id }, required: ['target', 'tariffId'], additionalProperties: false },
      response: { 200: assignmentSchema, 201: assignmentSchema, 400: errorBody, 404: errorBody },
    },
  }, async (request, reply) => {
    const { tenantId } = request;
    const target = targetOf(request.body.target);
    if (!(await deps.store.tariffs.getTariff(tenantId, request.body.tariffId))) throw new ApiError('TARIFF_NOT_FOUND', `No tariff ${request.body.tariffId}`);
    const assignment: TariffAssignment = { tenantId, target, tariffId: request.body.tariffId, updatedAt: new Date().toISOString() };
    const created = await deps.store.tariffs.putAssignment(assignment);
    request.log.info({ tenantId, target, tariffId: assignment.tariffId }, 'tariff assigned');
    await roaming(deps, request, (ocpi) => ocpi.assignmentsChanged(tenantId));
    return reply.code(created ? 201 : 200).send(publicAssignment(assignment));
  });

  app.delete<{ Querystring: TargetBody }>('/tariff-assignments', {
    schema: {
      tags: [TAG],
      operationId: 'deleteTariffAssignment',
      summary: 'Remove the assignment of one target (named by the query: kind and its fields)',
      querystring: {
        type: 'object',
        properties: { kind: targetSchema.properties.kind, stationId: targetSchema.properties.stationId, evseId: targetSchema.properties.evseId, group: targetSchema.properties.group, groupId: targetSchema.properties.groupId },
        required: ['kind'],
        additionalProperties: false,
      },
      response: { 204: { type: 'null' }, 400: errorBody, 404: errorBody },
    },
  }, async (request, reply) => {
    const query = request.query;
    // A station group is named by its name alone here.
    const target = query.kind === 'stationGroup' ? targetOf({ kind: 'stationGroup', group: query.group, stationIds: [] }) : targetOf(query);
    if (!(await deps.store.tariffs.deleteAssignment(request.tenantId, target))) throw new ApiError('TARIFF_ASSIGNMENT_NOT_FOUND', `No tariff assignment for that ${query.kind} target`);
    await roaming(deps, request, (ocpi) => ocpi.assignmentsChanged(request.tenantId));
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string }; Querystring: { evseId?: number; idToken?: string } }>('/stations/:id/tariff', {
    schema: {
      tags: [TAG],
      operationId: 'getEffectiveTariff',
      summary: 'The tariff that applies at a station (optionally for an EVSE and a driver’s id token), and which assignment chose it',
      params: stationIdParam,
      querystring: { type: 'object', properties: { evseId: { type: 'integer', minimum: 0 }, idToken: { type: 'string', minLength: 1, maxLength: 255 } }, additionalProperties: false },
      response: { 200: { type: 'object', properties: { assignedBy: { type: 'string', enum: [...RESOLUTION_ORDER] }, tariff: tariffSchema } }, 404: errorBody },
    },
  }, async (request) => {
    const { tenantId } = request;
    const station = await deps.store.stations.getStation(tenantId, request.params.id);
    if (!station) throw new ApiError('STATION_NOT_FOUND', `Station ${request.params.id} not found`);
    const token = request.query.idToken ? await deps.store.tokens.matchIdToken(tenantId, request.query.idToken) : undefined;
    const found = await deps.store.tariffs.resolveTariff(tenantId, { stationId: station.id, evseId: request.query.evseId ?? null, tokenGroupId: token?.groupId ?? null });
    if (!found) throw new ApiError('TARIFF_NOT_FOUND', `No tariff applies at station ${station.id}`);
    return { assignedBy: found.assignedBy, tariff: publicTariff(found.tariff) };
  });

  // OCPP 2.1 tariff messages: our tariffs, mapped to 2.1's TariffType (core/tariff-ocpp21.ts).
  app.post<{ Params: { id: string }; Body: { tariffId: string; evseId?: number } }>('/stations/:id/tariffs/default', {
    schema: {
      tags: [TAG],
      operationId: 'setDefaultTariff',
      summary: 'SetDefaultTariff (2.1): one of the tenant’s tariffs becomes the station’s (evseId 0 or absent) or an EVSE’s default',
      description: 'Accepted: the CSMS assigns the same tariff to that station or EVSE (PUT /tariff-assignments), so what the station shows is what is billed. 1.6/2.0.1: 400 WRONG_PROTOCOL.',
      params: stationIdParam,
      body: { type: 'object', properties: { tariffId: id, evseId: { type: 'integer', minimum: 0 } }, required: ['tariffId'], additionalProperties: false },
      response: { 200: statusAnswer, ...failures },
    },
  }, async (request) => {
    const run = await deps.commands.run(request.tenantId, request.params.id, setDefaultTariff, request.body);
    const { protocol, result } = await commandResult(deps, request, request.params.id, run);
    return setDefaultTariff.fromOcpp(protocol, result);
  });

  app.get<{ Params: { id: string }; Querystring: { evseId?: number } }>('/stations/:id/tariffs/held', {
    schema: {
      tags: [TAG],
      operationId: 'getStationTariffs',
      summary: 'GetTariffs (2.1): which tariffs the station holds (evseId 0 or absent: every EVSE)',
      params: stationIdParam,
      querystring: { type: 'object', properties: { evseId: { type: 'integer', minimum: 0 } }, additionalProperties: false },
      response: {
        200: {
          type: 'object',
          properties: {
            status: { type: 'string' },
            tariffAssignments: { type: 'array', items: { type: 'object', properties: { tariffId: { type: 'string' }, tariffKind: { type: 'string' }, validFrom: { type: 'string' }, evseIds: { type: 'array', items: { type: 'integer' } }, idTokens: { type: 'array', items: { type: 'string' } } } } },
          },
        },
        ...failures,
      },
    },
  }, async (request) => {
    const run = await deps.commands.run(request.tenantId, request.params.id, getTariffs, request.query);
    const { protocol, result } = await commandResult(deps, request, request.params.id, run);
    return getTariffs.fromOcpp(protocol, result);
  });

  app.post<{ Params: { id: string }; Body: { tariffIds?: string[]; evseId?: number } }>('/stations/:id/tariffs/clear', {
    schema: {
      tags: [TAG],
      operationId: 'clearStationTariffs',
      summary: 'ClearTariffs (2.1): clear tariffs the station holds (all, or those named; at one EVSE or everywhere)',
      description: 'A tariff the station cleared is no longer assigned to that station or EVSE in the CSMS either.',
      params: stationIdParam,
      body: { type: 'object', properties: { tariffIds: { type: 'array', items: id, minItems: 1, uniqueItems: true }, evseId: { type: 'integer', minimum: 0 } }, additionalProperties: false },
      response: { 200: { type: 'object', properties: { results: { type: 'array', items: { type: 'object', properties: { tariffId: { type: ['string', 'null'] }, status: { type: 'string' }, reason: { type: ['string', 'null'] } } } } } }, ...failures },
    },
  }, async (request) => {
    const run = await deps.commands.run(request.tenantId, request.params.id, clearTariffs, request.body ?? {});
    const { protocol, result } = await commandResult(deps, request, request.params.id, run);
    return clearTariffs.fromOcpp(protocol, result);
  });

  app.post<{ Params: { id: string; txId: string }; Body: { tariffId: string } }>('/stations/:id/transactions/:txId/tariff', {
    schema: {
      tags: [TAG],
      operationId: 'changeTransactionTariff',
      summary: 'ChangeTransactionTariff (2.1): a running transaction continues under another of the tenant’s tariffs',
      description: 'Accepted: the CSMS prices the transaction with that tariff (its cost’s `assignedBy` becomes `transaction`; the whole transaction is repriced with it).',
      params: { type: 'object', properties: { id: stationIdParam.properties.id, txId: { type: 'string', minLength: 1, maxLength: 36 } }, required: ['id', 'txId'] },
      body: { type: 'object', properties: { tariffId: id }, required: ['tariffId'], additionalProperties: false },
      response: { 200: statusAnswer, ...failures },
    },
  }, async (request) => {
    const run = await deps.commands.run(request.tenantId, request.params.id, changeTransactionTariff, { transactionId: request.params.txId, tariffId: request.body.tariffId });
    const { protocol, result } = await commandResult(deps, request, request.params.id, run);
    return changeTransactionTariff.fromOcpp(protocol, result);
  });
}

/** OCPI partners hear of tariff changes (ocpi/tariffs.ts); a failure to queue is logged, the change stands. */
async function roaming(deps: ApiDeps, request: FastifyRequest, run: (tariffs: NonNullable<NonNullable<ApiDeps['ocpi']>['tariffs']>) => Promise<unknown>): Promise<void> {
  const tariffs = deps.ocpi?.tariffs;
  if (!tariffs) return;
  await run(tariffs).catch((error: unknown) => request.log.warn({ err: error, tenantId: request.tenantId }, 'OCPI: tariff change not queued for partners (the reconciliation sweep queues it later)'));
}
