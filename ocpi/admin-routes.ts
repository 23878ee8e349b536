import type { FastifyInstance } from 'fastify';
import { CsmsError } from '../core/errors.js';
import type { RoamingPartner } from '../core/ocpi/roaming.js';
import type { OcpiDelivery } from '../core/ports/store/ocpi-store.js';
import { CAPABILITIES, CONNECTOR_FORMATS, CONNECTOR_TYPES, EVSE_STATUSES, FACILITIES, PARKING_TYPES, POWER_TYPES } from '../core/ocpi/types.js';
import type { LocationInput, LocationRecord } from './locations.js';
import type { OcpiServices } from './services.js';

const TAG = 'roaming';

const partnerSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, status: { type: 'string', enum: ['invited', 'registered', 'unregistered'] },
    roles: { type: 'array', items: { type: 'object', properties: { role: { type: 'string' }, countryCode: { type: 'string' }, partyId: { type: 'string' }, name: { type: 'string' } } } },
    versionsUrl: { type: ['string', 'null'] },
    endpoints: { type: 'array', items: { type: 'object', properties: { identifier: { type: 'string' }, role: { type: 'string' }, url: { type: 'string' } } } },
    hasTheirToken: { type: 'boolean' }, ourTokenIssuedAt: { type: 'string' }, createdAt: { type: 'string' }, updatedAt: { type: 'string' },
    pendingDeliveries: { type: 'integer' },
    outbox: {
      type: ['object', 'null'],
      description: 'The oldest pending delivery to this partner (deliveries leave in order): null when none is pending',
      properties: {
        module: { type: 'string' }, objectKey: { type: 'string' }, createdAt: { type: 'string' }, attempts: { type: 'integer' },
        nextAt: { type: 'string', description: 'Not tried again before this' }, lastError: { type: ['string', 'null'] },
      },
    },
  },
} as const;
const partySchema = { type: 'object', properties: { countryCode: { type: 'string' }, partyId: { type: 'string' }, name: { type: 'string' }, website: { type: 'string' }, createdAt: { type: 'string' } } } as const;
const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 36 } }, required: ['id'] } as const;

interface Outbox {
  pending: Map<string, number>;
  heads: Map<string, OcpiDelivery>;
}

/** Public view of a partner: never the token we present to them; with its outbox when known. */
function view(partner: RoamingPartner, outbox?: Outbox) {
  const { theirToken, tenantId: _tenant, ...rest } = partner;
  const key = `${partner.tenantId}|${partner.id}`;
  const head = outbox?.heads.get(key);
  return {
    ...rest,
    hasTheirToken: theirToken !== null,
    ...(outbox
      ? {
          pendingDeliveries: outbox.pending.get(key) ?? 0,
          outbox: head ? { module: head.module, objectKey: head.objectKey, createdAt: head.createdAt, attempts: head.attempts, nextAt: head.nextAt, lastError: head.lastError } : null,
        }
      : {}),
  };
}

const business = { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 100 }, website: { type: 'string', maxLength: 255 } }, additionalProperties: false } as const;
const geo = {
  type: 'object', required: ['latitude', 'longitude'], additionalProperties: false,
  properties: { latitude: { type: 'string', pattern: '^-?[0-9]{1,2}\\.[0-9]{5,7}$' }, longitude: { type: 'string', pattern: '^-?[0-9]{1,3}\\.[0-9]{5,7}$' } },
} as const;
const period = { type: 'object', required: ['period_begin', 'period_end'], properties: { period_begin: { type: 'string' }, period_end: { type: 'string' } } } as const;
const connector = {
  type: 'object', required: ['id', 'standard', 'format', 'power_type', 'max_voltage', 'max_amperage'], additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 36 }, standard: { type: 'string', enum: CONNECTOR_TYPES }, format: { type: 'string', enum: CONNECTOR_FORMATS },
    power_type: { type: 'string', enum: POWER_TYPES }, max_voltage: { type: 'integer', minimum: 0 }, max_amperage: { type: 'integer', minimum: 0 },
    max_electric_power: { type: 'integer', minimum: 0 }, tariff_ids: { type: 'array', items: { type: 'string', maxLength: 36 } }, terms_and_conditions: { type: 'string' },
  },
} as const;
const evse = {
  type: 'object', required: ['uid', 'connectors', 'ocpp'], additionalProperties: false,
  properties: {
    uid: { type: 'string', minLength: 1, maxLength: 36 }, evse_id: { type: 'string', maxLength: 48 }, status: { type: 'string', enum: EVSE_STATUSES },
    capabilities: { type: 'array', items: { type: 'string', enum: CAPABILITIES } }, connectors: { type: 'array', minItems: 1, items: connector },
    floor_level: { type: 'string', maxLength: 4 }, coordinates: geo, physical_reference: { type: 'string', maxLength: 16 },
    ocpp: {
      type: 'object', required: ['stationId', 'evseId'], additionalProperties: false, description: 'The OCPP station and EVSE (1.6: connector number) this OCPI EVSE is',
      properties: { stationId: { type: 'string', minLength: 1, maxLength: 48 }, evseId: { type: 'integer', minimum: 1 } },
    },
  },
} as const;
/** OCPI 2.2.1 §8.3.1 Location (what Switchyard keeps of it), snake_case as partners receive it; EVSEs carry `ocpp`. */
const locationBody = {
  type: 'object', required: ['country_code', 'party_id', 'id', 'publish', 'address', 'city', 'country', 'coordinates', 'time_zone'], additionalProperties: false,
  properties: {
    country_code: { type: 'string', minLength: 2, maxLength: 2 }, party_id: { type: 'string', minLength: 3, maxLength: 3 }, id: { type: 'string', minLength: 1, maxLength: 36 },
    publish: { type: 'boolean' }, name: { type: 'string', maxLength: 255 }, address: { type: 'string', maxLength: 45 }, city: { type: 'string', maxLength: 45 },
    postal_code: { type: 'string', maxLength: 10 }, state: { type: 'string', maxLength: 20 }, country: { type: 'string', minLength: 3, maxLength: 3 }, coordinates: geo,
    parking_type: { type: 'string', enum: PARKING_TYPES }, evses: { type: 'array', items: evse }, operator: business, suboperator: business, owner: business,
    facilities: { type: 'array', items: { type: 'string', enum: FACILITIES } }, time_zone: { type: 'string', minLength: 1, maxLength: 255 },
    opening_times: {
      type: 'object', required: ['twentyfourseven'],
      properties: {
        twentyfourseven: { type: 'boolean' },
        regular_hours: { type: 'array', items: { type: 'object', required: ['weekday', 'period_begin', 'period_end'], properties: { weekday: { type: 'integer', minimum: 1, maximum: 7 }, period_begin: { type: 'string', pattern: '^([0-1][0-9]|2[0-3]):[0-5][0-9]$' }, period_end: { type: 'string', pattern: '^([0-1][0-9]|2[0-3]):[0-5][0-9]$' } } } },
        exceptional_openings: { type: 'array', items: period }, exceptional_closings: { type: 'array', items: period },
      },
    },
    charging_when_closed: { type: 'boolean' },
  },
} as const;
const locationView = (record: LocationRecord) => ({
  ...record.location,
  evses: (record.location.evses ?? []).map((e) => ({ ...e, ocpp: record.mapping[e.uid] ?? null })),
});

/**
 * The operator's side of roaming (API keys, tenant-scoped): our CPO parties, partners (invite with
 * token A, register with theirs, rotate, unregister, remove) and locations master data mapped to
 * OCPP stations/EVSEs. Registered by api/server.ts when OCPI is configured.
 */
export async function roamingAdminRoutes(app: FastifyInstance, options: { services: OcpiServices }): Promise<void> {
  const { roaming, locations } = options.services;

  app.post('/roaming/parties', {
    schema: {
      tags: [TAG], summary: 'Create one of the tenant’s OCPI CPO parties (country code + party id)',
      body: { type: 'object', required: ['countryCode', 'partyId', 'name'], additionalProperties: false, properties: { countryCode: { type: 'string', pattern: '^[A-Za-z]{2}$' }, partyId: { type: 'string', pattern: '^[A-Za-z0-9]{3}$' }, name: { type: 'string', minLength: 1, maxLength: 100 }, website: { type: 'string', maxLength: 255 } } },
      response: { 201: partySchema },
    },
  }, async (request, reply) => reply.status(201).send(await roaming.createParty(request.tenantId, request.body as { countryCode: string; partyId: string; name: string; website?: string })));
  app.get('/roaming/parties', { schema: { tags: [TAG], summary: 'The tenant’s OCPI CPO parties', response: { 200: { type: 'object', properties: { items: { type: 'array', items: partySchema } } } } } },
    async (request) => ({ items: await roaming.listParties(request.tenantId) }));

  app.post('/roaming/partners', {
    schema: {
      tags: [TAG], summary: 'Invite a roaming partner: issues token A (shown once) to give them with our versions URL',
      body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 100 } } },
      response: { 201: { type: 'object', properties: { partner: partnerSchema, tokenA: { type: 'string' }, versionsUrl: { type: 'string' } } } },
    },
  }, async (request, reply) => {
    const { partner, tokenA, versionsUrl } = await roaming.invite(request.tenantId, (request.body as { name: string }).name);
    return reply.status(201).send({ partner: view(partner), tokenA, versionsUrl });
  });
  app.get('/roaming/partners', { schema: { tags: [TAG], summary: 'Roaming partners, with their delivery outboxes', response: { 200: { type: 'object', properties: { items: { type: 'array', items: partnerSchema } } } } } }, async (request) => {
    const outbox = await outboxOf(options.services);
    return { items: (await roaming.listPartners(request.tenantId)).map((p) => view(p, outbox)) };
  });
  app.get('/roaming/partners/:id', { schema: { tags: [TAG], summary: 'A roaming partner, with its delivery outbox', params: idParams, response: { 200: partnerSchema } } }, async (request) => {
    const partner = await roaming.partner(request.tenantId, (request.params as { id: string }).id);
    return view(partner, await outboxOf(options.services));
  });
  app.get('/roaming/partners/:id/clients', {
    schema: {
      tags: [TAG], summary: 'What a hub partner reported about the parties connected through it (OCPI hubclientinfo ClientInfo objects)', params: idParams,
      response: {
        200: {
          type: 'object',
          properties: {
            items: {
              type: 'array',
              items: { type: 'object', properties: { country_code: { type: 'string' }, party_id: { type: 'string' }, role: { type: 'string' }, status: { type: 'string', enum: ['CONNECTED', 'OFFLINE', 'PLANNED', 'SUSPENDED'] }, last_updated: { type: 'string' } } },
            },
          },
        },
      },
    },
  }, async (request) => ({ items: await roaming.clientInfos(request.tenantId, (request.params as { id: string }).id) }));
  app.post('/roaming/partners/:id/register', {
    schema: {
      tags: [TAG], summary: 'Register with a partner that gave us their token A and versions URL (we fetch their endpoints and exchange credentials)', params: idParams,
      body: { type: 'object', required: ['versionsUrl', 'token'], additionalProperties: false, properties: { versionsUrl: { type: 'string', pattern: '^https?://' }, token: { type: 'string', minLength: 1, maxLength: 64 } } },
      response: { 200: partnerSchema },
    },
  }, async (request) => view(await roaming.registerWith(request.tenantId, (request.params as { id: string }).id, request.body as { versionsUrl: string; token: string })));
  app.post('/roaming/partners/:id/rotate', { schema: { tags: [TAG], summary: 'Rotate credentials tokens with a registered partner (PUT to their credentials)', params: idParams, response: { 200: partnerSchema } } },
    async (request) => view(await roaming.rotate(request.tenantId, (request.params as { id: string }).id)));
  app.post('/roaming/partners/:id/unregister', { schema: { tags: [TAG], summary: 'Unregister from a partner (DELETE to their credentials); our tokens stop working', params: idParams } },
    async (request) => {
      const { partner, theirAnswer } = await roaming.unregister(request.tenantId, (request.params as { id: string }).id);
      return { partner: view(partner), theirAnswer };
    });
  app.delete('/roaming/partners/:id', { schema: { tags: [TAG], summary: 'Forget a partner and its pending deliveries', params: idParams } }, async (request, reply) => {
    await roaming.removePartner(request.tenantId, (request.params as { id: string }).id);
    return reply.status(204).send();
  });

  app.put('/locations/:id', {
    schema: { tags: [TAG], summary: 'Create or replace a location (OCPI 2.2.1 §8.3.1 fields) with its EVSEs mapped to OCPP stations; pushed to partners', params: idParams, body: locationBody },
  }, async (request, reply) => {
    const input = request.body as LocationInput;
    if (input.id !== (request.params as { id: string }).id) throw new CsmsError('VALIDATION_FAILED', 'the body id must be the id in the path');
    const { created, record } = await locations.put(request.tenantId, input);
    return reply.status(created ? 201 : 200).send(locationView(record));
  });
  app.get('/locations', {
    schema: { tags: [TAG], summary: 'Locations of the tenant', querystring: { type: 'object', properties: { offset: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } } },
  }, async (request) => {
    const { offset, limit } = request.query as { offset: number; limit: number };
    const page = await locations.listAll(request.tenantId, { offset, limit });
    return { items: page.items.map((d) => locationView(d.body)), total: page.total };
  });
  app.get('/locations/:id', { schema: { tags: [TAG], summary: 'A location with its OCPP mapping', params: idParams } },
    async (request) => locationView(await locations.require(request.tenantId, (request.params as { id: string }).id)));
  app.delete('/locations/:id', { schema: { tags: [TAG], summary: 'Remove a location: its EVSEs become REMOVED for partners (OCPI keeps locations), then it is unpublished', params: idParams } },
    async (request, reply) => {
      await locations.remove(request.tenantId, (request.params as { id: string }).id);
      return reply.status(204).send();
    });
}

async function outboxOf(services: OcpiServices): Promise<Outbox> {
  const [pending, heads] = await Promise.all([services.delivery.pendingCounts(), services.delivery.heads()]);
  return { pending, heads };
}
