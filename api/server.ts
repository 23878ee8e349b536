import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { boolean } from '../core/config.js';
import { installAuth } from './auth.js';
import type { ApiDeps } from './deps.js';
import { installErrorHandler } from './error-handler.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { commandRoutes } from './routes/commands.js';
import { operatorCommandRoutes } from './routes/operator-commands.js';
import { messageRoutes } from './routes/messages.js';
import { asyncApiRoutes } from './routes/asyncapi.js';
import { healthRoutes } from './routes/health.js';
import { stationRoutes } from './routes/stations.js';
import { fleetStatsRoutes } from './routes/fleet-stats.js';
import { liveFrameRoutes } from './routes/live-frames.js';
import { stationSecurityRoutes } from './routes/station-security.js';
import { localListRoutes } from './routes/local-lists.js';
import { remoteTransactionRoutes } from './routes/remote-transactions.js';
import { requestRoutes } from './routes/requests.js';
import { deviceModelRoutes } from './routes/device-model.js';
import { chargingProfileRoutes } from './routes/charging-profiles.js';
import { configTemplateRoutes } from './routes/config-templates.js';
import { tariffRoutes } from './routes/tariffs.js';
import { costCorrectionRoutes } from './routes/cost-corrections.js';
import { reservationRoutes } from './routes/reservations.js';
import { displayMessageRoutes } from './routes/display-messages.js';
import { certificateRoutes } from './routes/certificates.js';
import { stationEventRoutes } from './routes/station-events.js';
import { connectorHistoryRoutes } from './routes/connector-history.js';
import { tokenRoutes } from './routes/tokens.js';
import { transactionRoutes } from './routes/transactions.js';
import { firmwareRoutes } from './routes/firmware.js';
import { logRoutes } from './routes/logs.js';
import { uploadRoutes } from './routes/uploads.js';
import { campaignRoutes } from './routes/campaigns.js';
import { authRoutes } from './routes/auth.js';
import { userRoutes } from './routes/users.js';
import { eventRoutes } from './routes/events.js';
import { uiRoutes } from './routes/ui.js';
import { ocppSchemaRoutes } from './routes/ocpp-schemas.js';
import { ocpiPlugin } from '../ocpi/plugin.js';
import { roamingAdminRoutes } from '../ocpi/admin-routes.js';
import { customerInformationRoutes } from './routes/customer-information.js';
import { reportJobRoutes } from './routes/report-jobs.js';
import { siteRoutes } from './routes/sites.js';
import { changeResult, isAuditedChange, redactSecrets } from '../core/audit.js';

export interface ApiOptions {
  /** One info line per request (method, url, status, ms, key id); default: CSMS_ACCESS_LOG. */
  accessLog?: boolean;
}

/**
 * Builds the REST API. Route schemas drive validation and the OpenAPI document (/openapi.json,
 * /docs). `logger` gets the operator lines: every command sent to a station (who, what, outcome)
 * and, with `accessLog`, every request.
 */
export async function buildApi(deps: ApiDeps, logger?: Logger, options: ApiOptions = {}): Promise<FastifyInstance> {
  const accessLog = options.accessLog ?? boolean(process.env, 'CSMS_ACCESS_LOG', false);
  // Request logging off: at station scale it would drown the logs; errors are logged by the handler.
  const app = Fastify({
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });
  installErrorHandler(app, logger);
  // Bearer API keys decide request.tenantId; every route reads and writes only that tenant.
  app.decorateRequest('tenantId', '');
  installAuth(app, { keys: deps.store.apiKeys, users: deps.store.users, publicMetrics: deps.security?.publicMetrics });
  app.decorateRequest('command', undefined);
  if (logger) installOperatorLog(app, logger, accessLog);
  installAuditLog(app, deps, logger);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Switchyard CSMS API', version: deps.info.version, description: 'REST API of the Switchyard OCPP CSMS' },
      tags: [
        { name: 'stations', description: 'Charging stations' },
        { name: 'commands', description: 'CSMS-initiated OCPP calls' },
        { name: 'operations', description: 'Health and metrics' },
        { name: 'transactions', description: 'Charging sessions, remote start/stop' },
        { name: 'tokens', description: 'Id tokens and local authorization lists' },
        { name: 'smart charging', description: 'Charging profiles set by the CSMS and reported by stations' },
        { name: 'sites', description: 'Site load management: capacity trees, attached stations, live allocation' },
        { name: 'configuration templates', description: 'Named settings per model or group, applied to stations and compared with what they report' },
        { name: 'reservations', description: 'Reservations (ReserveNow, CancelReservation; 1.6 and 2.x) and their life cycle' },
        { name: 'display messages', description: 'Messages shown on station screens (2.0.1 and 2.1)' },
        { name: 'firmware', description: 'Firmware updates, publishing and firmware campaigns' },
        { name: 'logs', description: 'Logs and diagnostics, with the built-in upload target' },
        { name: 'admin', description: 'API keys, users and the audit log (admins)' },
        { name: 'auth', description: 'Sessions of people using the operator UI (cookie + X-CSRF-Token)' },
        { name: 'roaming', description: 'OCPI 2.2.1 roaming: CPO parties, partners, locations (the OCPI server itself is at /ocpi)' },
      ],
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Switchyard API key (sy_…)' } },
      },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  // The same document as /docs/json, at the address OpenAPI tooling looks first.
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes, { deps });
  await app.register(stationRoutes, { deps });
  await app.register(fleetStatsRoutes, { deps });
  await app.register(liveFrameRoutes, { deps });
  await app.register(stationSecurityRoutes, { deps });
  await app.register(commandRoutes, { deps });
  await app.register(transactionRoutes, { deps });
  await app.register(tokenRoutes, { deps });
  await app.register(remoteTransactionRoutes, { deps });
  await app.register(localListRoutes, { deps });
  await app.register(operatorCommandRoutes, { deps });
  await app.register(messageRoutes, { deps });
  await app.register(requestRoutes, { deps });
  await app.register(deviceModelRoutes, { deps });
  await app.register(stationEventRoutes, { deps });
  await app.register(customerInformationRoutes, { deps });
  await app.register(reportJobRoutes, { deps });
  await app.register(connectorHistoryRoutes, { deps });
  await app.register(chargingProfileRoutes, { deps });
  await app.register(configTemplateRoutes, { deps });
  await app.register(reservationRoutes, { deps });
  await app.register(displayMessageRoutes, { deps });
  await app.register(certificateRoutes, { deps });
  await app.register(tariffRoutes, { deps });
  await app.register(costCorrectionRoutes, { deps });
  await app.register(firmwareRoutes, { deps });
  await app.register(campaignRoutes, { deps });
  await app.register(siteRoutes, { deps });
  await app.register(logRoutes, { deps });
  await app.register(uploadRoutes, { deps, logger });
  await app.register(apiKeyRoutes, { deps });
  await app.register(authRoutes, { deps, logger });
  await app.register(userRoutes, { deps });
  await app.register(eventRoutes, { deps });
  await app.register(ocppSchemaRoutes);
  await app.register(uiRoutes, { dir: deps.uiDir });
  await app.register(asyncApiRoutes);
  if (deps.ocpi) {
    await app.register(roamingAdminRoutes, { services: deps.ocpi });
    await app.register(ocpiPlugin, { prefix: '/ocpi', services: deps.ocpi, store: deps.store, commands: deps.commands, ...(logger ? { log: logger.child({ component: 'ocpi' }) } : {}) });
  }
  return app;
}

/** After the answer is sent: the command line (api/station-call.ts notes it) and the access line. */
function installOperatorLog(app: FastifyInstance, logger: Logger, accessLog: boolean): void {
  app.addHook('onResponse', async (request, reply) => {
    const key = request.apiKey ? { keyId: request.apiKey.id, keyName: request.apiKey.name } : request.user ? { userId: request.user.id, username: request.user.username } : {};
    if (request.command) {
      logger.info({ ...key, tenantId: request.tenantId, ...request.command, httpStatus: reply.statusCode }, 'API command');
    }
    if (accessLog) {
      logger.info(
        { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, keyId: request.apiKey?.id ?? null },
        'API request',
      );
    }
  });
}

/** The largest request body kept in an audit record. */
const MAX_AUDIT_BODY = 8192;

/**
 * Every command a user sent (from the UI, or with its session by hand) becomes an audit record:
 * who, what, when, the station's answer (store.users.appendAudit), written before the answer goes
 * out, so an answer the user saw is always in the log.
 */
function installAuditLog(app: FastifyInstance, deps: ApiDeps, logger?: Logger): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (isAuditedChange(request.method, request.routeOptions.url) && (request.user || request.apiKey)) {
      // A change to users, API keys or id tokens: who (user or key), what (route and body, no
      // secrets), when, and whether it was done or refused with which code.
      const who = request.user ? { userId: request.user.id, username: request.user.username } : { userId: `key:${request.apiKey!.id}`, username: `API key ${request.apiKey!.name ?? request.apiKey!.prefix + '…'}` };
      const text = request.body === undefined ? undefined : JSON.stringify(redactSecrets(request.body));
      await deps.store.users
        .appendAudit({
          tenantId: request.tenantId, at: new Date().toISOString(), ...who,
          route: `${request.method} ${request.url.split('?', 1)[0]}`, stationId: null, action: null,
          result: changeResult(reply.statusCode, payload), httpStatus: reply.statusCode,
          request: text === undefined ? null : text.length > MAX_AUDIT_BODY ? { truncated: text.slice(0, MAX_AUDIT_BODY) } : JSON.parse(text),
        })
        .catch((error: unknown) => logger?.error({ err: error, route: request.url }, 'audit record failed'));
      return payload;
    }
    if (!request.user || !request.command) return payload;
    const text = request.body === undefined ? undefined : JSON.stringify(request.body);
    const body = text === undefined ? null : text.length > MAX_AUDIT_BODY ? { truncated: text.slice(0, MAX_AUDIT_BODY) } : request.body;
    await deps.store.users
      .appendAudit({
        tenantId: request.tenantId, at: new Date().toISOString(), userId: request.user.id, username: request.user.username,
        route: `${request.method} ${request.url.split('?', 1)[0]}`, stationId: request.command.stationId, action: request.command.action,
        result: request.command.result, httpStatus: reply.statusCode, request: body,
      })
      .catch((error: unknown) => logger?.error({ err: error, userId: request.user?.id }, 'audit record failed'));
    return payload;
  });
}
