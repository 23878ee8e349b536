import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
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
import { localListRoutes } from './routes/local-lists.js';
import { remoteTransactionRoutes } from './routes/remote-transactions.js';
import { tokenRoutes } from './routes/tokens.js';
import { transactionRoutes } from './routes/transactions.js';

/** Builds the REST API. Route schemas drive validation and the OpenAPI document at /docs. */
export async function buildApi(deps: ApiDeps, logger?: Logger): Promise<FastifyInstance> {
  // Request logging off: at station scale it would drown the logs; errors are logged by the handler.
  const app = Fastify({
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });
  installErrorHandler(app, logger);
  // Bearer API keys decide request.tenantId; every route reads and writes only that tenant.
  app.decorateRequest('tenantId', '');
  installAuth(app, { keys: deps.store, publicMetrics: deps.security?.publicMetrics });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Switchyard CSMS API', version: deps.info.version, description: 'REST API of the Switchyard OCPP CSMS' },
      tags: [
        { name: 'stations', description: 'Charging stations' },
        { name: 'commands', description: 'CSMS-initiated OCPP calls' },
        { name: 'operations', description: 'Health and metrics' },
        { name: 'transactions', description: 'Charging sessions, remote start/stop' },
        { name: 'tokens', description: 'Id tokens and local authorization lists' },
        { name: 'admin', description: 'API keys (admin keys only)' },
      ],
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Switchyard API key (sy_…)' } },
      },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(healthRoutes, { deps });
  await app.register(stationRoutes, { deps });
  await app.register(commandRoutes, { deps });
  await app.register(transactionRoutes, { deps });
  await app.register(tokenRoutes, { deps });
  await app.register(remoteTransactionRoutes, { deps });
  await app.register(localListRoutes, { deps });
  await app.register(operatorCommandRoutes, { deps });
  await app.register(messageRoutes, { deps });
  await app.register(apiKeyRoutes, { deps });
  await app.register(asyncApiRoutes);
  return app;
}
