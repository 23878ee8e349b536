import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { CsmsError } from '../core/errors.js';
import { OCPI_VERSION, type OcpiCredentials, type OcpiLocation } from '../core/ocpi/types.js';
import { pageParams, setPageHeaders } from './pagination.js';
import { tokensReceiver } from './tokens-receiver.js';
import type { Store } from '../core/ports/store/store.js';
import type { StationCommands } from '../actors/commands/station-commands.js';
import { commandsReceiver } from './commands-receiver.js';
import { chargingPreferencesReceiver } from './charging-preferences.js';
import { tariffsModule } from './tariffs.js';
import { chargingProfilesReceiver } from './chargingprofiles-receiver.js';
import { hubClientInfoReceiver } from './hubclientinfo-receiver.js';
import type { Caller } from './roaming-service.js';
import type { OcpiServices } from './services.js';
import type { LocationRecord } from './locations.js';
import { OCPI_STATUS, OcpiError, envelope, unauthorized, unknownObject } from './status.js';

declare module 'fastify' {
  interface FastifyRequest {
    ocpiCaller?: Caller;
  }
  interface FastifyContextConfig {
    /** The modules a partner may call with its token A (§4.1.2: versions and credentials only). */
    ocpiTokenA?: boolean;
  }
}

const hide = { hide: true } as const;

/** §7.3.1 Credentials, §7.4.1 CredentialsRole: what a partner POSTs/PUTs to our credentials endpoint. */
const credentialsBody = {
  type: 'object',
  required: ['token', 'url', 'roles'],
  properties: {
    token: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[\\x21-\\x7e]+$' },
    url: { type: 'string', minLength: 1, maxLength: 255, pattern: '^https?://' },
    roles: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', required: ['role', 'business_details', 'party_id', 'country_code'],
        properties: {
          role: { type: 'string', enum: ['CPO', 'EMSP', 'HUB', 'NAP', 'NSP', 'OTHER', 'SCSP'] },
          business_details: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 100 }, website: { type: 'string' } } },
          party_id: { type: 'string', minLength: 3, maxLength: 3 },
          country_code: { type: 'string', minLength: 2, maxLength: 2 },
        },
      },
    },
  },
} as const;

/** What partners see of a location: the OCPI object, without our OCPP mapping. */
const published = (record: LocationRecord): OcpiLocation => record.location;

/**
 * The OCPI 2.2.1 CPO server (issue #16), registered by api/server.ts under `/ocpi`: versions,
 * credentials (both roles of the handshake), locations (sender). Its own auth (`Authorization:
 * Token`, §4.1.2), envelope (§4.1.7), status codes (§5, ocpi/status.ts), pagination (§4.1.4.1)
 * and X-Request-ID / X-Correlation-ID echo (§4.1.3). Hidden from the OpenAPI document.
 */
export async function ocpiPlugin(app: FastifyInstance, options: { services: OcpiServices; store: Pick<Store, 'ocpi' | 'transactions'>; commands?: StationCommands; log?: Logger }): Promise<void> {
  const { services } = options;
  const { roaming, locations, config } = services;
  const versionUrl = `${config.baseUrl}/${OCPI_VERSION}`;

  app.addHook('onRequest', async (request, reply) => {
    const requestId = header(request, 'x-request-id') ?? randomUUID();
    reply.header('x-request-id', requestId);
    reply.header('x-correlation-id', header(request, 'x-correlation-id') ?? requestId);
  });
  // Authenticated before the body is parsed or checked: a caller without a valid token learns
  // nothing from validation errors (401 first, then 400/2001).
  app.addHook('onRequest', async (request) => {
    const caller = await roaming.authenticate(request.headers.authorization);
    if (caller.tokenA && request.routeOptions.config.ocpiTokenA !== true) throw unauthorized('token A may only be used for the versions and credentials modules');
    request.ocpiCaller = caller;
  });

  app.setErrorHandler((err: FastifyError | OcpiError | CsmsError, request, reply) => {
    if (err instanceof OcpiError) {
      if (err.http === 401) options.log?.warn({ url: request.url, method: request.method }, `OCPI request refused: ${err.message}`);
      return reply.status(err.http).send(envelope(err.statusCode, undefined, err.message));
    }
    if ((err as FastifyError).validation) {
      const first = (err as FastifyError).validation![0];
      const field = first ? `${(err as FastifyError).validationContext ?? 'body'}${first.instancePath || ''}${first.params && 'missingProperty' in first.params ? `/${String(first.params.missingProperty)}` : ''}` : 'body';
      return reply.status(400).send(envelope(2001, undefined, `${field}: ${first?.message ?? 'invalid'}`));
    }
    if (err instanceof CsmsError) return reply.status(err.statusCode >= 500 ? 500 : 400).send(envelope(err.statusCode >= 500 ? 3000 : 2000, undefined, err.message));
    const status = (err as FastifyError).statusCode ?? 500;
    if (status < 500) return reply.status(status).send(envelope(2001, undefined, err.message));
    options.log?.error({ err, url: request.url, method: request.method }, 'OCPI request failed');
    return reply.status(500).send(envelope(3000, undefined, 'internal error'));
  });
  app.setNotFoundHandler(async (request, reply) => {
    // Still authenticated: an unknown path says nothing to a caller without a token.
    await roaming.authenticate(request.headers.authorization);
    return reply.status(404).send(envelope(2000, undefined, `no OCPI endpoint ${request.method} ${request.url}`));
  });

  // ── versions (§6) ──────────────────────────────────────────────────────────────────────────
  app.get('/versions', { schema: hide, config: { ocpiTokenA: true } }, async () => envelope(1000, [{ version: OCPI_VERSION, url: versionUrl }]));
  app.get(`/${OCPI_VERSION}`, { schema: hide, config: { ocpiTokenA: true } }, async () =>
    envelope(1000, {
      version: OCPI_VERSION,
      endpoints: [
        { identifier: 'credentials', role: 'SENDER', url: `${versionUrl}/credentials` },
        { identifier: 'credentials', role: 'RECEIVER', url: `${versionUrl}/credentials` },
        { identifier: 'locations', role: 'SENDER', url: `${versionUrl}/locations` },
        { identifier: 'tokens', role: 'RECEIVER', url: `${versionUrl}/tokens` },
        { identifier: 'sessions', role: 'SENDER', url: `${versionUrl}/sessions` },
        { identifier: 'cdrs', role: 'SENDER', url: `${versionUrl}/cdrs` },
        ...(services.tariffs ? [{ identifier: 'tariffs', role: 'SENDER', url: `${versionUrl}/tariffs` }] : []),
        ...(options.commands ? [{ identifier: 'commands', role: 'RECEIVER', url: `${versionUrl}/commands` }] : []),
        ...(options.commands ? [{ identifier: 'chargingprofiles', role: 'RECEIVER', url: `${versionUrl}/chargingprofiles` }] : []),
        { identifier: 'hubclientinfo', role: 'RECEIVER', url: `${versionUrl}/hubclientinfo` },
      ],
    }),
  );

  // ── credentials (§7) ───────────────────────────────────────────────────────────────────────
  const credentials = `/${OCPI_VERSION}/credentials`;
  app.get(credentials, { schema: hide, config: { ocpiTokenA: true } }, async (request) => {
    const caller = request.ocpiCaller!;
    return envelope(1000, await roaming.ourCredentials(caller.partner.tenantId, caller.token));
  });
  for (const method of ['POST', 'PUT'] as const) {
    app.route({
      method, url: credentials, schema: { ...hide, body: credentialsBody }, config: { ocpiTokenA: true },
      handler: async (request) => envelope(1000, await roaming.acceptCredentials(request.ocpiCaller!, request.body as OcpiCredentials, method)),
    });
  }
  app.delete(credentials, { schema: hide, config: { ocpiTokenA: true } }, async (request) => {
    await roaming.deleteCredentials(request.ocpiCaller!);
    return envelope(1000);
  });

  // ── locations, sender (§8.2.1) ─────────────────────────────────────────────────────────────
  const base = `/${OCPI_VERSION}/locations`;
  app.get(base, { schema: hide }, async (request: FastifyRequest, reply: FastifyReply) => {
    const query = request.query as Record<string, unknown>;
    const page = pageParams(query, config.pageLimit);
    const tenantId = request.ocpiCaller!.partner.tenantId;
    const result = await locations.listPublished(tenantId, page);
    setPageHeaders(reply, `${config.baseUrl}${base}`, page, result.total, query);
    return envelope(1000, result.items.map((d) => published(d.body)));
  });
  app.get(`${base}/:locationId`, { schema: hide }, async (request) => {
    const { locationId } = request.params as { locationId: string };
    return envelope(1000, published(await publishedRecord(request, locationId)));
  });
  app.get(`${base}/:locationId/:evseUid`, { schema: hide }, async (request) => {
    const { locationId, evseUid } = request.params as { locationId: string; evseUid: string };
    const evse = (await publishedRecord(request, locationId)).location.evses?.find((e) => e.uid === evseUid);
    if (!evse) throw unknownObject(`no EVSE ${evseUid} at location ${locationId}`);
    return envelope(1000, evse);
  });
  app.get(`${base}/:locationId/:evseUid/:connectorId`, { schema: hide }, async (request) => {
    const { locationId, evseUid, connectorId } = request.params as { locationId: string; evseUid: string; connectorId: string };
    const connector = (await publishedRecord(request, locationId)).location.evses?.find((e) => e.uid === evseUid)?.connectors.find((c) => c.id === connectorId);
    if (!connector) throw unknownObject(`no connector ${connectorId} of EVSE ${evseUid} at location ${locationId}`);
    return envelope(1000, connector);
  });

  // ── sessions and cdrs, sender (§9.2.1, §10.2.1): the partner's own, paginated ────────────────
  for (const kind of ['session', 'cdr'] as const) {
    const path = `/${OCPI_VERSION}/${kind}s`;
    app.get(path, { schema: hide }, async (request: FastifyRequest, reply: FastifyReply) => {
      const query = request.query as Record<string, unknown>;
      const page = pageParams(query, config.pageLimit);
      const { partner } = request.ocpiCaller!;
      const result = await options.store.ocpi.listDocs(kind, partner.tenantId, { scope: partner.id, ...page });
      setPageHeaders(reply, `${config.baseUrl}${path}`, page, result.total, query);
      return envelope(1000, result.items.map((d) => d.body));
    });
  }

  // ── sessions: charging preferences, receiver (§9.2.1.2) ─────────────────────────────────────
  await app.register(chargingPreferencesReceiver, { base: `/${OCPI_VERSION}/sessions`, store: options.store.ocpi, locations, ...(options.log ? { log: options.log } : {}) });

  // ── tariffs, sender (§11.2.1) ──────────────────────────────────────────────────────────────
  if (services.tariffs) await app.register(tariffsModule, { base: `/${OCPI_VERSION}/tariffs`, baseUrl: config.baseUrl, pageLimit: config.pageLimit, tariffs: services.tariffs });

  // ── tokens, receiver (§12.2.2) ─────────────────────────────────────────────────────────────
  await app.register(tokensReceiver, { store: options.store.ocpi, base: `/${OCPI_VERSION}/tokens`, ...(options.log ? { log: options.log } : {}) });

  // ── commands, receiver (§13.2.2) ───────────────────────────────────────────────────────────
  if (options.commands) {
    await app.register(commandsReceiver, {
      base: `/${OCPI_VERSION}/commands`, store: options.store, ocpi: options.store.ocpi, commands: options.commands, locations, delivery: services.delivery, ...(options.log ? { log: options.log } : {}),
    });
  }

  // ── chargingprofiles, receiver (§14.2.1) ───────────────────────────────────────────────────
  if (options.commands) {
    await app.register(chargingProfilesReceiver, {
      base: `/${OCPI_VERSION}/chargingprofiles`, store: options.store, ocpi: options.store.ocpi, commands: options.commands, delivery: services.delivery, ...(options.log ? { log: options.log } : {}),
    });
  }

  // ── hubclientinfo, receiver (§15.2.2) ──────────────────────────────────────────────────────
  await app.register(hubClientInfoReceiver, { store: options.store.ocpi, base: `/${OCPI_VERSION}/hubclientinfo`, ...(options.log ? { log: options.log } : {}) });

  async function publishedRecord(request: FastifyRequest, locationId: string): Promise<LocationRecord> {
    const doc = await locations.get(request.ocpiCaller!.partner.tenantId, locationId);
    if (!doc || !doc.body.location.publish) throw unknownObject(`no location ${locationId}`);
    return doc.body;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 255 ? value : undefined;
}

export { OCPI_STATUS };
