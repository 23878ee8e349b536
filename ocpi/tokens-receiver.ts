import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { TOKEN_TYPES, WHITELIST_TYPES, type OcpiToken } from '../core/ocpi/types.js';
import type { OcpiStore } from '../core/ports/store/ocpi-store.js';
import { OcpiError, envelope } from './status.js';
import { tokenDocId, type StoredToken } from './token-authorizer.js';

const str = (max: number, min = 1) => ({ type: 'string', minLength: min, maxLength: max }) as const;
/** §12.3.2 Token: what a partner PUTs (every required field). */
const tokenBody = {
  type: 'object',
  required: ['country_code', 'party_id', 'uid', 'type', 'contract_id', 'issuer', 'valid', 'whitelist', 'last_updated'],
  properties: {
    country_code: str(2, 2), party_id: str(3, 3), uid: str(36), type: { type: 'string', enum: TOKEN_TYPES }, contract_id: str(36), visual_number: str(64, 0),
    issuer: str(64), group_id: str(36), valid: { type: 'boolean' }, whitelist: { type: 'string', enum: WHITELIST_TYPES }, language: str(2, 2),
    default_profile_type: { type: 'string' }, energy_contract: { type: 'object' }, last_updated: { type: 'string', format: 'date-time' },
  },
} as const;
/** §4.1.4.3 PATCH: the fields to change, last_updated required. */
const tokenPatch = { ...tokenBody, required: ['last_updated'] } as const;
const params = { type: 'object', properties: { countryCode: str(2, 2), partyId: str(3, 3), uid: str(36) }, required: ['countryCode', 'partyId', 'uid'] } as const;
const typeQuery = { type: 'object', properties: { type: { type: 'string', enum: TOKEN_TYPES, default: 'RFID' } } } as const;

interface Params { countryCode: string; partyId: string; uid: string }

/**
 * The tokens module, receiver interface (OCPI 2.2.1 §12.2.2): partners push their tokens (PUT,
 * PATCH) and check them (GET). Kept per tenant by uid; an older push (by last_updated) than the
 * stored one changes nothing (duplicates and out-of-order PATCHes are answered 1000 and ignored).
 * A partner may only push tokens of its own parties (§4.1.5.1: 404 otherwise).
 */
export async function tokensReceiver(app: FastifyInstance, options: { store: OcpiStore; base: string; log?: Pick<Logger, 'info'> }): Promise<void> {
  const { store, base } = options;
  const path = `${base}/:countryCode/:partyId/:uid`;

  async function owned(request: FastifyRequest): Promise<{ tenantId: string; partnerId: string; params: Params; stored: StoredToken | undefined }> {
    const caller = request.ocpiCaller!;
    const p = request.params as Params;
    const cc = p.countryCode.toUpperCase();
    const pid = p.partyId.toUpperCase();
    if (!caller.partner.roles.some((r) => r.countryCode.toUpperCase() === cc && r.partyId.toUpperCase() === pid)) {
      throw new OcpiError(2000, `${cc}*${pid} is not one of your parties`, 404);
    }
    const doc = await store.getDoc<StoredToken>('token', caller.partner.tenantId, tokenDocId(p.uid));
    // Another partner's token of the same uid is not this one.
    const stored = doc && doc.body.partnerId === caller.partner.id ? doc.body : undefined;
    return { tenantId: caller.partner.tenantId, partnerId: caller.partner.id, params: p, stored };
  }

  async function save(tenantId: string, partnerId: string, token: OcpiToken): Promise<void> {
    await store.putDoc({ tenantId, kind: 'token', id: tokenDocId(token.uid), scope: partnerId, lookup: null, lastUpdated: token.last_updated, body: { partnerId, token } satisfies StoredToken });
  }

  app.get(path, { schema: { hide: true, params, querystring: typeQuery } }, async (request) => {
    const { stored, params: p } = await owned(request);
    if (!stored || stored.token.type !== (request.query as { type: string }).type) throw new OcpiError(2004, `unknown token ${p.uid}`, 404);
    return envelope(1000, stored.token);
  });

  app.put(path, { schema: { hide: true, params, querystring: typeQuery, body: tokenBody } }, async (request, reply) => {
    const { tenantId, partnerId, params: p, stored } = await owned(request);
    const token = request.body as OcpiToken;
    if (token.uid !== p.uid || token.country_code.toUpperCase() !== p.countryCode.toUpperCase() || token.party_id.toUpperCase() !== p.partyId.toUpperCase()) {
      throw new OcpiError(2001, 'uid, country_code and party_id must be those of the URL (§4.1.5.1)');
    }
    const lastUpdated = new Date(token.last_updated).toISOString();
    if (stored && stored.token.last_updated > lastUpdated) return envelope(1000, undefined, 'older than the token we have: ignored');
    await save(tenantId, partnerId, { ...token, last_updated: lastUpdated });
    options.log?.info({ tenantId, partnerId, uid: token.uid, whitelist: token.whitelist, valid: token.valid }, 'OCPI token pushed');
    return reply.status(stored ? 200 : 201).send(envelope(1000));
  });

  app.patch(path, { schema: { hide: true, params, querystring: typeQuery, body: tokenPatch } }, async (request) => {
    const { tenantId, partnerId, params: p, stored } = await owned(request);
    if (!stored) throw new OcpiError(2004, `unknown token ${p.uid}: PUT it first`, 404);
    const patch = request.body as Partial<OcpiToken> & { last_updated: string };
    if (patch.uid !== undefined && patch.uid !== p.uid) throw new OcpiError(2001, 'uid cannot change');
    const lastUpdated = new Date(patch.last_updated).toISOString();
    if (stored.token.last_updated > lastUpdated) return envelope(1000, undefined, 'older than the token we have: ignored');
    await save(tenantId, partnerId, { ...stored.token, ...patch, uid: stored.token.uid, last_updated: lastUpdated });
    return envelope(1000);
  });
}
