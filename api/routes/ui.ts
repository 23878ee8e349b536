import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/**
 * The operator UI (ui/, built by vite into dist/ui): `index.html` at `/` and its hashed files
 * under `/ui/`. Pages are hash routes (`/#/stations`), so no fallback route is needed and no API
 * path is ever shadowed. Without a built UI, `/` says how to build it.
 */
export async function uiRoutes(app: FastifyInstance, opts: { dir?: string }): Promise<void> {
  const dir = opts.dir;
  const index = dir ? join(dir, 'index.html') : undefined;
  if (!dir || !index || !existsSync(index)) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/plain').send('Switchyard: the operator UI is not built (npm run build). The API is documented at /docs.\n'),
    );
    return;
  }
  const html = readFileSync(index);
  const page = async (_request: unknown, reply: import('fastify').FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-frame-options', 'DENY')
      .header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'")
      .send(html);
  app.get('/', { schema: { hide: true } }, page);
  app.get('/index.html', { schema: { hide: true } }, page);
  await app.register(fastifyStatic, { root: dir, prefix: '/ui/', decorateReply: false, index: false, schemaHide: true, maxAge: '1y', immutable: true });
}
