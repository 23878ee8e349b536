import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { OcpiStore } from '../core/ports/store/ocpi-store.js';
import { OcpiError, envelope, unknownObject } from './status.js';

/** §15.4 ConnectionStatus. */
export const CONNECTION_STATUSES = ['CONNECTED', 'OFFLINE', 'PLANNED', 'SUSPENDED'] as const;

/** §15.3 ClientInfo: a party connected to (or planned at) the hub, as the hub reports it. */
export interface OcpiClientInfo {
  party_id: string;
  country_code: string;
  role: string;
  status: (typeof CONNECTION_STATUSES)[number];
  last_updated: string;
}

/** Stored per partner (the hub): doc kind 'clientinfo', id `<partnerId>:<CC>*<PID>`, scope the partner. */
export const clientInfoDocId = (partnerId: string, countryCode: string, partyId: string) => `${partnerId}:${countryCode.toUpperCase()}*${partyId.toUpperCase()}`;

const str = (max: number, min = 1) => ({ type: 'string', minLength: min, maxLength: max }) as const;
/** §15.3 ClientInfo, every field required. */
const clientInfoBody = {
  type: 'object', required: ['party_id', 'country_code', 'role', 'status', 'last_updated'],
  properties: {
    party_id: str(3, 3), country_code: str(2, 2), role: { type: 'string', enum: ['CPO', 'EMSP', 'HUB', 'NAP', 'NSP', 'OTHER', 'SCSP'] },
    status: { type: 'string', enum: CONNECTION_STATUSES }, last_updated: { type: 'string', format: 'date-time' },
  },
} as const;
const params = { type: 'object', required: ['countryCode', 'partyId'], properties: { countryCode: str(2, 2), partyId: str(3, 3) } } as const;

/**
 * The hubclientinfo module, receiver interface (OCPI 2.2.1 §15): a hub we are connected to tells
 * us which parties are connected through it and their connection status (PUT), and may read
 * back what we have (GET). Kept per hub partner; only a partner registered with the HUB role may
 * push (others are refused, 403 with 2000). An older push (by last_updated) than the one we hold
 * is answered 1000 and ignored (duplicates, out of order). GET of a party we were never told
 * about: 404 with 2003.
 */
export async function hubClientInfoReceiver(app: FastifyInstance, options: { store: OcpiStore; base: string; log?: Pick<Logger, 'info'> }): Promise<void> {
  const { store } = options;
  const path = `${options.base}/:countryCode/:partyId`;

  function hub(request: FastifyRequest) {
    const { partner } = request.ocpiCaller!;
    if (!partner.roles.some((r) => r.role === 'HUB')) throw new OcpiError(2000, 'hubclientinfo is for hubs: your credentials have no HUB role', 403);
    return partner;
  }

  app.get(path, { schema: { hide: true, params } }, async (request) => {
    const partner = hub(request);
    const { countryCode, partyId } = request.params as { countryCode: string; partyId: string };
    const doc = await store.getDoc<OcpiClientInfo>('clientinfo', partner.tenantId, clientInfoDocId(partner.id, countryCode, partyId));
    if (!doc) throw unknownObject(`no ClientInfo of ${countryCode.toUpperCase()}*${partyId.toUpperCase()}`);
    return envelope(1000, doc.body);
  });

  app.put(path, { schema: { hide: true, params, body: clientInfoBody } }, async (request, reply) => {
    const partner = hub(request);
    const { countryCode, partyId } = request.params as { countryCode: string; partyId: string };
    const info = request.body as OcpiClientInfo;
    if (info.country_code.toUpperCase() !== countryCode.toUpperCase() || info.party_id.toUpperCase() !== partyId.toUpperCase()) {
      throw new OcpiError(2001, 'country_code and party_id must be those of the URL (§4.1.5.1)');
    }
    const id = clientInfoDocId(partner.id, countryCode, partyId);
    const lastUpdated = new Date(info.last_updated).toISOString();
    const stored = await store.getDoc<OcpiClientInfo>('clientinfo', partner.tenantId, id);
    if (stored && stored.body.last_updated > lastUpdated) return envelope(1000, undefined, 'older than the ClientInfo we have: ignored');
    const body: OcpiClientInfo = { party_id: info.party_id.toUpperCase(), country_code: info.country_code.toUpperCase(), role: info.role, status: info.status, last_updated: lastUpdated };
    await store.putDoc({ tenantId: partner.tenantId, kind: 'clientinfo', id, scope: partner.id, lookup: null, lastUpdated, body });
    options.log?.info({ tenantId: partner.tenantId, partnerId: partner.id, party: `${body.country_code}*${body.party_id}`, role: body.role, status: body.status }, 'OCPI hub client info');
    return reply.status(stored ? 200 : 201).send(envelope(1000));
  });
}
