import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { DEFAULT_TENANT } from '../core/types.js';
import type { ApiDeps } from './deps.js';
import { installErrorHandler } from './error-handler.js';
import { commandRoutes } from './routes/commands.js';
import { healthRoutes } from './routes/health.js';
import { stationRoutes } from './routes/stations.js';

/** Builds the REST API. Route schemas drive validation and the OpenAPI document at /docs. */
export async function buildApi(deps: ApiDeps, logger?: Logger): Promise<FastifyInstance> {
  // Request logging off: at station scale it would drown the logs; errors are logged by the handler.
  const app = Fastify({
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });
  installErrorHandler(app, logger);
  // Until API keys arrive (multi-tenancy issue) every request acts in the default tenant.
  app.decorateRequest('tenantId', '');
  app.addHook('onRequest', async (request) => {
    request.tenantId = DEFAULT_TENANT;
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Switchyard CSMS API', version: deps.info.version, description: 'REST API of the Switchyard OCPP CSMS' },
      tags: [
        { name: 'stations', description: 'Charging stations' },
        { name: 'commands', description: 'CSMS-initiated OCPP calls' },
        { name: 'operations', description: 'Health and metrics' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(healthRoutes, { deps });
  await app.register(stationRoutes, { deps });
  await app.register(commandRoutes, { deps });
  return app;
}
