import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import { summarizeFrame } from '../../core/live-frame.js';
import type { ApiDeps } from '../deps.js';
import { followedTenant } from './events.js';
import { errorBody, stationIdParam } from '../schemas.js';

/** A reader slower than this many buffered bytes is dropped (EventSource reconnects). */
const MAX_BUFFERED_BYTES = 1 << 20;
const KEEPALIVE_MS = 15_000;

/**
 * `GET /stations/{id}/frames/live`: the live message inspector. Every frame the station sends and
 * every frame sent to it, as Server-Sent Events (`event: frame`), as the gateway thread handles
 * them; the thread forwards a station's frames only while someone watches it. Each event:
 * `{ direction, at, frame, type, messageId, action, errorCode, errorDescription, schemaError }`;
 * `schemaError` marks a CALLERROR saying the frame it answers broke the schema (the gateway
 * refused it: the UI highlights both).
 */
export async function liveFrameRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;
  const streams = new Set<ServerResponse>();
  app.addHook('onClose', async () => {
    for (const raw of streams) raw.end();
    streams.clear();
  });

  app.get<{ Params: { id: string }; Querystring: { tenant?: string } }>(
    '/stations/:id/frames/live',
    {
      schema: {
        tags: ['stations'],
        operationId: 'streamStationFrames',
        summary: 'The station’s OCPP frames in and out as they happen (Server-Sent Events, the live message inspector)',
        description:
          'Frames of this node’s gateway threads (with NATS: only while the station is connected to the node serving the stream). ' +
          'Passwords in frames are redacted. Nothing is stored: the message log (GET /stations/{id}/messages) keeps the history.',
        params: stationIdParam,
        querystring: {
          type: 'object',
          properties: { tenant: { type: 'string', description: 'Cluster admins and admin keys: the station\'s tenant (EventSource cannot send X-Tenant-Id)' } },
          additionalProperties: false,
        },
        response: { 200: { description: 'text/event-stream', type: 'string' }, 400: errorBody, 403: errorBody, 404: errorBody, 503: errorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!deps.stations.watchFrames) throw new ApiError('SERVICE_UNAVAILABLE', 'This node runs no gateway threads (CSMS_ROLE=api)');
      const tenantId = followedTenant(request);
      if (!(await deps.store.stations.getStation(tenantId, id))) throw new ApiError('STATION_NOT_FOUND', `Station ${id} not found`);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      raw.write(`retry: 3000\n: station ${id}\n\n`);
      streams.add(raw);
      const stop = deps.stations.watchFrames(id, (f) => {
        if (f.tenantId !== tenantId) return;
        if (raw.writableLength > MAX_BUFFERED_BYTES) {
          raw.end();
          return;
        }
        raw.write(`event: frame\ndata: ${JSON.stringify({ direction: f.direction, at: f.at, frame: f.frame, ...summarizeFrame(f.frame) })}\n\n`);
      });
      const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
      keepalive.unref();
      raw.on('close', () => {
        clearInterval(keepalive);
        stop();
        streams.delete(raw);
      });
    },
  );
}
