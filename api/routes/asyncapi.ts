import { existsSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { CsmsError } from '../../core/errors.js';

/** docs/asyncapi.yaml, found from both the sources (tests) and dist/ (npm start). */
function loadAsyncApi(): string | undefined {
  for (const relative of ['../../docs/asyncapi.yaml', '../../../docs/asyncapi.yaml']) {
    const url = new URL(relative, import.meta.url);
    if (existsSync(url)) return readFileSync(url, 'utf8');
  }
  return undefined;
}

/** The AsyncAPI document of the NATS subjects, public like /docs. */
export async function asyncApiRoutes(app: FastifyInstance): Promise<void> {
  const document = loadAsyncApi();
  app.get(
    '/asyncapi.yaml',
    { schema: { tags: ['operations'], operationId: 'getAsyncApiDocument', summary: 'AsyncAPI document of the NATS events and commands', security: [] } },
    async (_request, reply) => {
      if (!document) throw new CsmsError('NOT_FOUND', 'docs/asyncapi.yaml is not installed');
      return reply.type('application/yaml').send(document);
    },
  );
}
