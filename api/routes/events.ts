import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { isValidTenantId } from '../../core/api-keys.js';
import { ApiError } from '../../core/errors.js';
import { matchesPattern } from '../../core/ports/bus.js';
import type { BusEvent } from '../../core/types.js';
import type { ApiDeps } from '../deps.js';
import { errorBody } from '../schemas.js';

/** A client that reads slower than this many buffered bytes is dropped (it reconnects and reloads). */
const MAX_BUFFERED_BYTES = 1 << 20;
const KEEPALIVE_MS = 15_000;

/**
 * `GET /events`: the tenant's bus events as Server-Sent Events (`event: <type>`, `id: <event id>`,
 * `data: <the CloudEvents JSON>`), fed by the bus: with NATS every node's events, whichever node
 * serves the stream. Filter with `types` (comma-separated NATS-style patterns: `station.*`,
 * `connector.status`, `>`). EventSource cannot send headers, so a cluster admin names the tenant
 * with `?tenant=`. Documented in docs/nats-subjects.md.
 */
/**
 * The tenant an SSE stream follows: the caller's own, or with `?tenant=` another one, which only
 * a cluster admin (a principal without a tenant) may name. Shared by /events and the live frames.
 */
export function followedTenant(request: { tenantId: string; principal?: { tenantId: string | null }; query: { tenant?: string } }): string {
  const wanted = request.query.tenant;
  if (wanted === undefined) return request.tenantId;
  if (request.principal?.tenantId !== null) {
    if (wanted !== request.principal?.tenantId) throw new ApiError('FORBIDDEN', 'You cannot follow another tenant');
  } else if (!isValidTenantId(wanted)) throw new ApiError('BAD_REQUEST', `Invalid tenant '${wanted}'`);
  return wanted;
}

export async function eventRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const streams = new Set<ServerResponse>();
  app.addHook('onClose', async () => {
    for (const raw of streams) raw.end();
    streams.clear();
  });

  app.get<{ Querystring: { types?: string; tenant?: string } }>(
    '/events',
    {
      schema: {
        tags: ['operations'],
        operationId: 'streamEvents',
        summary: "The tenant's events as Server-Sent Events (text/event-stream), live from the bus",
        querystring: {
          type: 'object',
          properties: {
            types: { type: 'string', maxLength: 500, description: 'Comma-separated event type patterns (`station.*,connector.status`); default every event' },
            tenant: { type: 'string', description: 'Cluster admins and admin keys: the tenant to follow (default: the request\'s tenant)' },
          },
          additionalProperties: false,
        },
        response: { 200: { description: 'text/event-stream', type: 'string' }, 401: errorBody, 403: errorBody, 503: errorBody },
      },
    },
    async (request, reply) => {
      const bus = opts.deps.events;
      if (!bus) throw new ApiError('SERVICE_UNAVAILABLE', 'This node has no event bus');
      const tenantId = followedTenant(request);
      const patterns = (request.query.types ?? '>').split(',').map((p) => p.trim()).filter((p) => p !== '');
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      raw.write(`retry: 3000\n: tenant ${tenantId}\n\n`);
      streams.add(raw);
      const send = (event: BusEvent) => {
        if (event.tenantId !== tenantId || !patterns.some((p) => matchesPattern(p, event.type))) return;
        if (raw.writableLength > MAX_BUFFERED_BYTES) {
          raw.end();
          return;
        }
        raw.write(`event: ${event.type}\nid: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`);
      };
      const subscription = bus.subscribe('>', send);
      const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
      keepalive.unref();
      raw.on('close', () => {
        clearInterval(keepalive);
        subscription.unsubscribe();
        streams.delete(raw);
      });
    },
  );
}
