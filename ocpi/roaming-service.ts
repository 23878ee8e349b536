import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { CsmsError } from '../core/errors.js';
import { credentialsTokenCandidates, partyKey, type CpoParty, type RoamingPartner } from '../core/ocpi/roaming.js';
import { OCPI_VERSION, type OcpiCredentials, type OcpiCredentialsRole, type OcpiVersion, type OcpiVersionDetails } from '../core/ocpi/types.js';
import type { OcpiStore } from '../core/ports/store/ocpi-store.js';
import { callPartner } from './client.js';
import type { OcpiConfig } from './config.js';
import { OcpiError, methodNotAllowed, unauthorized } from './status.js';

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
/** A credentials token: 256 random bits, base64url (printable, no whitespace: §7.3.1 string(64)). */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** The partner a request's credentials token belongs to, and whether it is still their token A. */
export interface Caller {
  partner: RoamingPartner;
  /** The token as presented (decoded): echoed by GET credentials. */
  token: string;
  tokenA: boolean;
}

/**
 * Parties, partners and the credentials module both ways (OCPI 2.2.1 §7): token A issued by an
 * invitation, versions/endpoints discovery, credentials exchange, token C; updates, rotation,
 * unregistration. Only token hashes are stored for the tokens partners present to us.
 */
export class RoamingService {
  constructor(
    private readonly store: OcpiStore,
    private readonly config: OcpiConfig,
    private readonly log: Pick<Logger, 'info' | 'warn'>,
  ) {}

  // ── our CPO parties ──────────────────────────────────────────────────────────────────────────

  async createParty(tenantId: string, input: { countryCode: string; partyId: string; name: string; website?: string }): Promise<CpoParty> {
    const key = partyKey(input.countryCode, input.partyId);
    // A party is one per tenant (lookup across tenants keeps it so: one CPO identity, one owner).
    if (await this.store.findDocByLookup('party', key)) throw new CsmsError('OCPI_PARTY_EXISTS', `OCPI party ${key} exists`);
    const party: CpoParty = {
      tenantId, countryCode: input.countryCode.toUpperCase(), partyId: input.partyId.toUpperCase(), name: input.name,
      ...(input.website !== undefined ? { website: input.website } : {}), createdAt: new Date().toISOString(),
    };
    await this.store.putDoc({ tenantId, kind: 'party', id: key, scope: '', lookup: key, lastUpdated: party.createdAt, body: party });
    return party;
  }

  async listParties(tenantId: string): Promise<CpoParty[]> {
    return (await this.store.listDocs<CpoParty>('party', tenantId, { offset: 0, limit: 1000 })).items.map((d) => d.body);
  }

  async party(tenantId: string, countryCode: string, partyId: string): Promise<CpoParty | undefined> {
    return (await this.store.getDoc<CpoParty>('party', tenantId, partyKey(countryCode, partyId)))?.body;
  }

  private async ourRoles(tenantId: string): Promise<OcpiCredentialsRole[]> {
    const parties = await this.listParties(tenantId);
    if (parties.length === 0) throw new CsmsError('OCPI_NO_PARTY', 'the tenant has no OCPI CPO party: create one first (POST /roaming/parties)');
    return parties.map((p) => ({
      role: 'CPO', party_id: p.partyId, country_code: p.countryCode,
      business_details: { name: p.name, ...(p.website !== undefined ? { website: p.website } : {}) },
    }));
  }

  // ── partners ─────────────────────────────────────────────────────────────────────────────────

  private async save(partner: RoamingPartner, ourToken: string | null | undefined): Promise<void> {
    const current = await this.store.getDoc<RoamingPartner>('partner', partner.tenantId, partner.id);
    const lookup = ourToken === undefined ? (current?.lookup ?? null) : ourToken === null ? null : hashToken(ourToken);
    partner.updatedAt = new Date().toISOString();
    await this.store.putDoc({ tenantId: partner.tenantId, kind: 'partner', id: partner.id, scope: '', lookup, lastUpdated: partner.updatedAt, body: partner });
  }

  /** A partner to be registered: token A is returned once (give it to them with our versions URL). */
  async invite(tenantId: string, name: string): Promise<{ partner: RoamingPartner; tokenA: string; versionsUrl: string }> {
    await this.ourRoles(tenantId);
    const now = new Date().toISOString();
    const partner: RoamingPartner = {
      tenantId, id: `p-${randomBytes(6).toString('hex')}`, name, status: 'invited', roles: [], versionsUrl: null, endpoints: [],
      theirToken: null, ourTokenIssuedAt: now, createdAt: now, updatedAt: now,
    };
    const tokenA = newToken();
    await this.save(partner, tokenA);
    this.log.info({ tenantId, partnerId: partner.id, name }, 'OCPI partner invited (token A issued)');
    return { partner, tokenA, versionsUrl: this.versionsUrl };
  }

  async partner(tenantId: string, id: string): Promise<RoamingPartner> {
    const doc = await this.store.getDoc<RoamingPartner>('partner', tenantId, id);
    if (!doc) throw new CsmsError('OCPI_PARTNER_NOT_FOUND', `no OCPI partner ${id}`);
    return doc.body;
  }

  async listPartners(tenantId: string): Promise<RoamingPartner[]> {
    return (await this.store.listDocs<RoamingPartner>('partner', tenantId, { offset: 0, limit: 10_000 })).items.map((d) => d.body);
  }

  /** Registered partners of a tenant with a receiver endpoint of `module` (where pushes go). */
  async receivers(tenantId: string, module: string): Promise<RoamingPartner[]> {
    return (await this.listPartners(tenantId)).filter((p) => p.status === 'registered' && p.endpoints.some((e) => e.identifier === module && e.role === 'RECEIVER'));
  }

  /** What a hub partner told us about the parties behind it (hubclientinfo, §15), by party. */
  async clientInfos<T>(tenantId: string, partnerId: string): Promise<T[]> {
    await this.partner(tenantId, partnerId);
    return (await this.store.listDocs<T>('clientinfo', tenantId, { scope: partnerId, offset: 0, limit: 10_000 })).items.map((d) => d.body);
  }

  async removePartner(tenantId: string, id: string): Promise<void> {
    await this.partner(tenantId, id);
    await this.store.deleteDoc('partner', tenantId, id);
    await this.store.dropDeliveries(tenantId, id);
  }

  get versionsUrl(): string {
    return `${this.config.baseUrl}/versions`;
  }

  // ── authentication (§4.1.2) ──────────────────────────────────────────────────────────────────

  async authenticate(header: string | undefined): Promise<Caller> {
    const candidates = credentialsTokenCandidates(header);
    if (candidates.length === 0) throw unauthorized('Authorization header missing or not of the form "Token <credentials token>"', 2001);
    for (const token of candidates) {
      const doc = await this.store.findDocByLookup<RoamingPartner>('partner', hashToken(token));
      if (doc) return { partner: doc.body, token, tokenA: doc.body.status !== 'registered' };
    }
    throw unauthorized('unknown credentials token');
  }

  // ── discovery of a partner's endpoints (§6) ──────────────────────────────────────────────────

  private async discover(versionsUrl: string, token: string): Promise<OcpiVersionDetails> {
    const versions = await callPartner('GET', versionsUrl, token, { timeoutMs: this.config.timeoutMs });
    if (!versions.ok || !Array.isArray(versions.body?.data)) throw new OcpiError(3001, `GET ${versionsUrl} failed: ${versions.error ?? 'no version list'}`, 400);
    const ours = (versions.body!.data as OcpiVersion[]).find((v) => v?.version === OCPI_VERSION);
    if (!ours || typeof ours.url !== 'string') throw new OcpiError(3002, `the partner offers no OCPI ${OCPI_VERSION}`);
    const details = await callPartner('GET', ours.url, token, { timeoutMs: this.config.timeoutMs });
    const data = details.body?.data as OcpiVersionDetails | undefined;
    if (!details.ok || !Array.isArray(data?.endpoints)) throw new OcpiError(3001, `GET ${ours.url} failed: ${details.error ?? 'no endpoints'}`, 400);
    if (!data!.endpoints.some((e) => e.identifier === 'credentials')) throw new OcpiError(3003, 'the partner has no credentials endpoint');
    return data!;
  }

  private static rolesOf(credentials: OcpiCredentials): RoamingPartner['roles'] {
    return credentials.roles.map((r) => ({ role: r.role, countryCode: r.country_code, partyId: r.party_id, name: r.business_details?.name ?? '' }));
  }

  // ── the credentials module, they call us (§7.2) ──────────────────────────────────────────────

  async ourCredentials(tenantId: string, token: string): Promise<OcpiCredentials> {
    return { token, url: this.versionsUrl, roles: await this.ourRoles(tenantId) };
  }

  /** POST (register, with token A) or PUT (update, registered): discover theirs, issue a new token C. */
  async acceptCredentials(caller: Caller, credentials: OcpiCredentials, method: 'POST' | 'PUT'): Promise<OcpiCredentials> {
    const { partner } = caller;
    if (method === 'POST' && partner.status === 'registered') throw methodNotAllowed('already registered: update with PUT or unregister with DELETE first');
    if (method === 'PUT' && partner.status !== 'registered') throw methodNotAllowed('not registered: register with POST');
    const details = await this.discover(credentials.url, credentials.token);
    const tokenC = newToken();
    const updated: RoamingPartner = {
      ...partner, status: 'registered', roles: RoamingService.rolesOf(credentials), versionsUrl: credentials.url, endpoints: details.endpoints,
      theirToken: credentials.token, ourTokenIssuedAt: new Date().toISOString(),
    };
    const answer = await this.ourCredentials(partner.tenantId, tokenC);
    await this.save(updated, tokenC);
    this.log.info({ tenantId: partner.tenantId, partnerId: partner.id, roles: updated.roles, method }, method === 'POST' ? 'OCPI partner registered with us (token C issued)' : 'OCPI partner updated its credentials (new token C issued)');
    return answer;
  }

  async deleteCredentials(caller: Caller): Promise<void> {
    if (caller.partner.status !== 'registered') throw methodNotAllowed('not registered');
    await this.save({ ...caller.partner, status: 'unregistered', theirToken: null }, null);
    this.log.info({ tenantId: caller.partner.tenantId, partnerId: caller.partner.id }, 'OCPI partner unregistered itself');
  }

  // ── the credentials module, we call them ─────────────────────────────────────────────────────

  /** We register with a partner that gave us their token A and versions URL. */
  async registerWith(tenantId: string, id: string, input: { versionsUrl: string; token: string }): Promise<RoamingPartner> {
    const partner = await this.partner(tenantId, id);
    if (partner.status === 'registered') throw new CsmsError('OCPI_PARTNER_STATE', 'already registered: rotate or unregister first');
    const details = await this.wrap(() => this.discover(input.versionsUrl, input.token));
    const credentialsUrl = details.endpoints.find((e) => e.identifier === 'credentials')!.url;
    // Token B: saved before the call, since they call our versions with it while answering.
    const tokenB = newToken();
    await this.save({ ...partner, ourTokenIssuedAt: new Date().toISOString() }, tokenB);
    const answer = await callPartner('POST', credentialsUrl, input.token, { body: await this.ourCredentials(tenantId, tokenB), timeoutMs: this.config.timeoutMs });
    const theirs = answer.body?.data as OcpiCredentials | undefined;
    if (!answer.ok || typeof theirs?.token !== 'string' || !Array.isArray(theirs.roles)) {
      await this.save(partner, undefined);
      throw new CsmsError('OCPI_PARTNER_FAILED', `POST ${credentialsUrl}: ${answer.error ?? 'no credentials in the answer'}`, { httpStatus: answer.httpStatus, body: answer.body });
    }
    const registered: RoamingPartner = {
      ...partner, status: 'registered', roles: RoamingService.rolesOf(theirs), versionsUrl: input.versionsUrl, endpoints: details.endpoints,
      theirToken: theirs.token, ourTokenIssuedAt: new Date().toISOString(),
    };
    await this.save(registered, undefined);
    this.log.info({ tenantId, partnerId: id, roles: registered.roles }, 'OCPI registered with partner (their token C received)');
    return registered;
  }

  /** Token rotation from our side (§7.2.3 PUT to them): a new token for them, theirs in return. */
  async rotate(tenantId: string, id: string): Promise<RoamingPartner> {
    const partner = await this.partner(tenantId, id);
    if (partner.status !== 'registered' || !partner.theirToken) throw new CsmsError('OCPI_PARTNER_STATE', 'not registered');
    const credentialsUrl = partner.endpoints.find((e) => e.identifier === 'credentials')?.url;
    if (!credentialsUrl) throw new CsmsError('OCPI_PARTNER_STATE', 'the partner has no credentials endpoint');
    const before = await this.store.getDoc<RoamingPartner>('partner', tenantId, id);
    const token = newToken();
    await this.save({ ...partner, ourTokenIssuedAt: new Date().toISOString() }, token);
    const answer = await callPartner('PUT', credentialsUrl, partner.theirToken, { body: await this.ourCredentials(tenantId, token), timeoutMs: this.config.timeoutMs });
    const theirs = answer.body?.data as OcpiCredentials | undefined;
    if (!answer.ok || typeof theirs?.token !== 'string') {
      if (before) await this.store.putDoc(before);
      throw new CsmsError('OCPI_PARTNER_FAILED', `PUT ${credentialsUrl}: ${answer.error ?? 'no credentials in the answer'}`, { httpStatus: answer.httpStatus, body: answer.body });
    }
    const rotated: RoamingPartner = { ...partner, theirToken: theirs.token, roles: Array.isArray(theirs.roles) ? RoamingService.rolesOf(theirs) : partner.roles, ourTokenIssuedAt: new Date().toISOString() };
    await this.save(rotated, undefined);
    this.log.info({ tenantId, partnerId: id }, 'OCPI credentials rotated with partner');
    return rotated;
  }

  /** We unregister (§7.2.4 DELETE to them); our side forgets the tokens whatever they answer. */
  async unregister(tenantId: string, id: string): Promise<{ partner: RoamingPartner; theirAnswer: { ok: boolean; httpStatus: number | null; error: string | null } }> {
    const partner = await this.partner(tenantId, id);
    if (partner.status !== 'registered' || !partner.theirToken) throw new CsmsError('OCPI_PARTNER_STATE', 'not registered');
    const credentialsUrl = partner.endpoints.find((e) => e.identifier === 'credentials')?.url;
    const answer = credentialsUrl
      ? await callPartner('DELETE', credentialsUrl, partner.theirToken, { timeoutMs: this.config.timeoutMs })
      : { ok: false, httpStatus: null, error: 'no credentials endpoint' };
    const unregistered: RoamingPartner = { ...partner, status: 'unregistered', theirToken: null };
    await this.save(unregistered, null);
    this.log.info({ tenantId, partnerId: id, theirAnswer: answer.error ?? 'ok' }, 'OCPI unregistered from partner');
    return { partner: unregistered, theirAnswer: { ok: answer.ok, httpStatus: answer.httpStatus, error: answer.error } };
  }

  private async wrap<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof OcpiError) throw new CsmsError('OCPI_PARTNER_FAILED', error.message, { ocpiStatus: error.statusCode });
      throw error;
    }
  }
}
