import type { FastifyInstance } from 'fastify';
import { isCsmsInitiated } from '../../core/actions.js';
import { ApiError } from '../../core/errors.js';
import { isOcppVersion, SUPPORTED_VERSIONS, type OcppVersion } from '../../core/protocols.js';
import { prepareSchemas, type PreparedSchema } from '../../core/schemas.js';
import { errorBody } from '../schemas.js';

/**
 * The official request schemas of the CSMS-initiated actions of each version (those the gateway
 * validates against, core/schemas.ts), for the UI's command console to build its forms from.
 * Loaded on first use and kept.
 */
export async function ocppSchemaRoutes(app: FastifyInstance): Promise<void> {
  const cache = new Map<OcppVersion, Map<string, PreparedSchema>>();
  const requests = (version: OcppVersion) => {
    let byAction = cache.get(version);
    if (!byAction) {
      const all = prepareSchemas(version);
      const known = new Set(all.map((s) => s.action));
      byAction = new Map(all.filter((s) => s.part === 'request' && isCsmsInitiated(version, s.action, known)).map((s) => [s.action, s]));
      cache.set(version, byAction);
    }
    return byAction;
  };
  const versionParam = { type: 'string', enum: [...SUPPORTED_VERSIONS] } as const;

  app.get<{ Params: { version: string } }>(
    '/ocpp/schemas/:version',
    {
      schema: {
        tags: ['commands'], operationId: 'listCsmsActions', summary: 'The CSMS-initiated actions of an OCPP version (official schema set)',
        params: { type: 'object', properties: { version: versionParam }, required: ['version'] },
        response: { 200: { type: 'object', properties: { version: { type: 'string' }, actions: { type: 'array', items: { type: 'string' } } } }, 400: errorBody, 401: errorBody },
      },
    },
    async (request) => {
      const version = request.params.version;
      if (!isOcppVersion(version)) throw new ApiError('BAD_REQUEST', `Unknown version ${version}`);
      return { version, actions: [...requests(version).keys()].sort() };
    },
  );

  app.get<{ Params: { version: string; action: string } }>(
    '/ocpp/schemas/:version/:action',
    {
      schema: {
        tags: ['commands'], operationId: 'getCsmsActionSchema', summary: 'The official JSON schema of a CSMS-initiated action\'s request',
        params: { type: 'object', properties: { version: versionParam, action: { type: 'string', pattern: '^[A-Za-z0-9]{1,64}$' } }, required: ['version', 'action'] },
        response: { 200: { type: 'object', additionalProperties: true }, 400: errorBody, 401: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const version = request.params.version;
      if (!isOcppVersion(version)) throw new ApiError('BAD_REQUEST', `Unknown version ${version}`);
      const found = requests(version).get(request.params.action);
      if (!found) throw new ApiError('NOT_FOUND', `${request.params.action} is no CSMS-initiated action of ${version}`);
      return found.schema;
    },
  );
}
