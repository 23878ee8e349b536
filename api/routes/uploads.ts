import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ApiError } from '../../core/errors.js';
import { hashUploadToken, isUploadToken, multipartFile, safeFileName } from '../../core/uploads.js';
import type { ApiDeps } from '../deps.js';
import { errorBody } from '../schemas.js';

class TooLarge extends Error {}

/** Counts bytes through and fails once they pass `max`, so a lying or absent Content-Length cannot fill the disk. */
function limit(max: number): Transform & { bytes: number } {
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      counter.bytes += chunk.length;
      if (counter.bytes > max) done(new TooLarge());
      else done(null, chunk);
    },
  }) as Transform & { bytes: number };
  counter.bytes = 0;
  return counter;
}

/**
 * The built-in upload target (issue #12): a station uploads the file of a GetLog / GetDiagnostics
 * request to the one-time URL it was sent, with PUT or POST (raw body or a multipart form), no API
 * key. The token is the credential: unknown or expired → 404 UPLOAD_TOKEN_INVALID, used → 409
 * UPLOAD_TOKEN_USED, larger than CSMS_UPLOAD_MAX_BYTES → 413 UPLOAD_TOO_LARGE; in each case nothing
 * is kept. Files go to `<data dir>/uploads/<tenant>/<station>/<requestId>-<name>`.
 */
export async function uploadRoutes(app: FastifyInstance, opts: { deps: ApiDeps; logger?: Logger }): Promise<void> {
  const { deps, logger } = opts;
  // This scope reads bodies itself, as streams, whatever their type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  const handler = async (request: FastifyRequest<{ Params: { token: string; fileName?: string } }>) => {
    const uploads = deps.uploads;
    if (!uploads) throw new ApiError('NOT_FOUND', 'This node has no upload target');
    const { token, fileName } = request.params;
    const tokenHash = isUploadToken(token) ? hashUploadToken(token) : undefined;
    const slot = tokenHash ? await deps.store.uploads.findByToken(tokenHash) : undefined;
    const now = new Date().toISOString();
    if (!slot || !tokenHash || slot.expiresAt <= now) throw new ApiError('UPLOAD_TOKEN_INVALID', 'Unknown or expired upload URL');
    if (slot.claimedAt !== null) throw new ApiError('UPLOAD_TOKEN_USED', 'This upload URL was used already');
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > uploads.maxBytes) {
      throw new ApiError('UPLOAD_TOO_LARGE', `Upload of ${declared} bytes is over the limit of ${uploads.maxBytes}`, { maxBytes: uploads.maxBytes });
    }
    if (!(await deps.store.uploads.claim(tokenHash, now))) throw new ApiError('UPLOAD_TOKEN_USED', 'This upload URL was used already');

    const folder = join(uploads.dir, slot.tenantId, slot.stationId);
    const temp = join(folder, `.${tokenHash.slice(0, 16)}.part`);
    const counter = limit(uploads.maxBytes);
    try {
      await mkdir(folder, { recursive: true });
      const body = (request.body ?? request.raw) as Readable;
      await pipeline(body, counter, createWriteStream(temp));
      let name = safeFileName(fileName, `${slot.action === 'GetDiagnostics' ? 'diagnostics' : 'log'}-${slot.requestId ?? 'unbound'}.bin`);
      let size = counter.bytes;
      const type = request.headers['content-type'] ?? '';
      if (/^multipart\/form-data/i.test(type)) {
        const part = multipartFile(await readFile(temp), type);
        if (part) {
          await writeFile(temp, part.data);
          size = part.data.length;
          if (part.fileName) name = safeFileName(part.fileName, name);
        }
      }
      const storedAs = join(slot.tenantId, slot.stationId, `${slot.requestId ?? 'unbound'}-${tokenHash.slice(0, 8)}-${name}`);
      await rename(temp, join(uploads.dir, storedAs));
      const uploadedAt = new Date().toISOString();
      await deps.store.uploads.complete(tokenHash, { fileName: name, size, storedAs, uploadedAt });
      logger?.info({ tenantId: slot.tenantId, stationId: slot.stationId, requestId: slot.requestId, action: slot.action, fileName: name, size }, 'upload stored');
      return { stationId: slot.stationId, requestId: slot.requestId, fileName: name, size };
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      await deps.store.uploads.release(tokenHash).catch(() => {});
      if (error instanceof TooLarge) {
        logger?.info({ tenantId: slot.tenantId, stationId: slot.stationId, requestId: slot.requestId, maxBytes: uploads.maxBytes }, 'upload refused: over the size limit');
        throw new ApiError('UPLOAD_TOO_LARGE', `Upload is over the limit of ${uploads.maxBytes} bytes`, { maxBytes: uploads.maxBytes });
      }
      throw error;
    }
  };

  const schema = {
    tags: ['logs'],
    summary: 'Upload target for stations (one-time URL from GetLog / GetDiagnostics; no API key)',
    description:
      'Raw body or multipart/form-data (its first file part). 201 with the stored file’s name and size; 404 UPLOAD_TOKEN_INVALID, 409 UPLOAD_TOKEN_USED, 413 UPLOAD_TOO_LARGE (nothing kept).',
    security: [],
    response: {
      201: { type: 'object', properties: { stationId: { type: 'string' }, requestId: { type: ['integer', 'null'] }, fileName: { type: 'string' }, size: { type: 'integer' } } },
      404: errorBody,
      409: errorBody,
      413: errorBody,
    },
  };
  for (const [url, method] of [['/uploads/:token', 'PUT'], ['/uploads/:token', 'POST'], ['/uploads/:token/:fileName', 'PUT'], ['/uploads/:token/:fileName', 'POST']] as const) {
    app.route<{ Params: { token: string; fileName?: string } }>({
      method,
      url,
      schema: {
        ...schema,
        operationId: `${method.toLowerCase()}${url.endsWith('fileName') ? 'UploadNamedFile' : 'UploadFile'}`,
        params: {
          type: 'object',
          properties: { token: { type: 'string', maxLength: 128 }, ...(url.endsWith('fileName') ? { fileName: { type: 'string', maxLength: 255 } } : {}) },
          required: ['token'],
        },
      },
      handler: async (request, reply) => {
        const stored = await handler(request);
        return reply.code(201).send(stored);
      },
    });
  }
}
