import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { getDiagnostics } from '../../actors/commands/get-diagnostics.js';
import { getLog } from '../../actors/commands/get-log.js';
import type { StationCommand } from '../../actors/commands/command.js';
import { ApiError } from '../../core/errors.js';
import { hashUploadToken, newUploadToken, uploadUrl } from '../../core/uploads.js';
import type { ApiDeps } from '../deps.js';
import { requireStation } from '../station-lookup.js';
import { errorBody, stationIdParam, stationRequestIdParams } from '../schemas.js';
import type { CommandRequest } from '../station-call.js';
import { requestCommandResultSchema, runRequestCommand, type RequestCommandResult } from '../typed-request.js';

const errors = { 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody, 429: errorBody, 502: errorBody, 504: errorBody };
const dateTime = { type: 'string', format: 'date-time' } as const;
const retries = { type: 'integer', minimum: 0, maximum: 1000 } as const;
const url = { type: 'string', minLength: 1, maxLength: 512 } as const;

const logResult = {
  ...requestCommandResultSchema,
  properties: {
    ...requestCommandResultSchema.properties,
    uploadUrl: { type: ['string', 'null'], description: 'The built-in upload URL sent to the station (one-time); null when you gave a location' },
    fileUrl: { type: ['string', 'null'], description: 'Where to download the file once uploaded (API path)' },
  },
} as const;

/**
 * Logs and diagnostics (issue #12, block N): GetLog (2.x, 1.6 security whitepaper) and 1.6
 * GetDiagnostics with the built-in upload target, and the download of what was uploaded.
 */
export async function logRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  /**
   * Sends the command with the caller's location, or with a one-time upload URL of this API: the
   * slot is stored before the call goes out (a fast station may upload at once) and bound to the
   * request the station accepted.
   */
  async function withUploadTarget<In>(
    request: CommandRequest,
    stationId: string,
    command: StationCommand<In, unknown>,
    given: string | undefined,
    input: (location: string) => In,
  ): Promise<RequestCommandResult & { uploadUrl: string | null; fileUrl: string | null }> {
    if (given !== undefined) return { ...(await runRequestCommand(deps, request, stationId, command, input(given))), uploadUrl: null, fileUrl: null };
    const uploads = deps.uploads;
    if (!uploads) throw new ApiError('VALIDATION_FAILED', 'No built-in upload target on this node: give the upload location');
    const token = newUploadToken();
    const tokenHash = hashUploadToken(token);
    const now = new Date();
    await deps.store.uploads.create({
      tokenHash,
      tenantId: request.tenantId,
      stationId,
      requestId: null,
      action: command.name,
      expiresAt: new Date(now.getTime() + uploads.tokenHours * 3_600_000).toISOString(),
      createdAt: now.toISOString(),
    });
    const target = uploadUrl(uploads.baseUrl, token);
    const answer = await runRequestCommand(deps, request, stationId, command, input(target));
    if (answer.requestId !== null) await deps.store.uploads.bind(tokenHash, answer.requestId);
    const fileUrl = answer.requestId === null ? null : `/stations/${encodeURIComponent(stationId)}/logs/${answer.requestId}/file`;
    return { ...answer, uploadUrl: target, fileUrl };
  }

  app.post<{ Params: { id: string }; Body: { logType?: 'DiagnosticsLog' | 'SecurityLog'; remoteLocation?: string; [key: string]: unknown } }>(
    '/stations/:id/logs',
    {
      schema: {
        tags: ['logs'],
        operationId: 'getLog',
        summary: 'Ask a station to upload a log (GetLog)',
        description:
          '2.x and 1.6 (security whitepaper): `GetLog { logType, requestId, log: { remoteLocation, oldestTimestamp?, latestTimestamp? }, retries?, retryInterval? }` → LogStatusNotification. ' +
          'Without `remoteLocation` the station gets a one-time URL of this API (`<CSMS_UPLOAD_BASE_URL>/uploads/<token>`, PUT or POST, no API key; ' +
          'at most CSMS_UPLOAD_MAX_BYTES) and the file is then at `fileUrl`. For 1.6 stations without the security whitepaper use POST /stations/{id}/diagnostics.',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: {
            logType: { type: 'string', enum: ['DiagnosticsLog', 'SecurityLog'], default: 'DiagnosticsLog' },
            remoteLocation: url,
            oldestTimestamp: dateTime,
            latestTimestamp: dateTime,
            retries,
            retryInterval: retries,
            requestId: { type: 'integer', minimum: 0, maximum: 2147483647 },
          },
          additionalProperties: false,
        },
        response: { 200: logResult, ...errors },
      },
    },
    async (request) => {
      const { remoteLocation, logType, ...rest } = request.body ?? {};
      return withUploadTarget(request, request.params.id, getLog, remoteLocation, (location) => ({ ...rest, logType: logType ?? 'DiagnosticsLog', remoteLocation: location }));
    },
  );

  app.post<{ Params: { id: string }; Body: { location?: string; [key: string]: unknown } }>(
    '/stations/:id/diagnostics',
    {
      schema: {
        tags: ['logs'],
        operationId: 'getDiagnostics',
        summary: 'Ask a 1.6 station to upload its diagnostics (GetDiagnostics)',
        description:
          '1.6: `GetDiagnostics { location, startTime?, stopTime?, retries?, retryInterval? }` → DiagnosticsStatusNotification (no requestId on the wire: ' +
          'the CSMS records the request under its own id). Without `location` the station gets a one-time upload URL of this API, as for GetLog. ' +
          '2.x stations answer 400 Wrong Protocol: use POST /stations/{id}/logs.',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: { location: url, startTime: dateTime, stopTime: dateTime, retries, retryInterval: retries },
          additionalProperties: false,
        },
        response: { 200: logResult, ...errors },
      },
    },
    async (request) => {
      const { location, ...rest } = request.body ?? {};
      return withUploadTarget(request, request.params.id, getDiagnostics, location, (l) => ({ ...rest, location: l }));
    },
  );

  app.get<{ Params: { id: string; requestId: number } }>(
    '/stations/:id/logs/:requestId/file',
    {
      schema: {
        tags: ['logs'],
        operationId: 'downloadLogFile',
        summary: 'Download the file a station uploaded for a GetLog / GetDiagnostics request',
        description: 'The bytes as uploaded (a multipart form upload: its file part). 404 LOG_FILE_NOT_FOUND before the upload, after the retention (CSMS_UPLOAD_RETENTION_DAYS), or on another node’s disk.',
        params: stationRequestIdParams,
        response: { 200: { type: 'string', format: 'binary' }, 400: errorBody, 404: errorBody },
      },
    },
    async (request, reply) => {
      const { id, requestId } = request.params;
      await requireStation(deps.store, request.tenantId, id);
      const slot = await deps.store.uploads.getForRequest(request.tenantId, id, requestId);
      if (!slot?.storedAs || !deps.uploads) throw new ApiError('LOG_FILE_NOT_FOUND', `No file uploaded for request ${requestId} of station ${id}`);
      const path = join(deps.uploads.dir, slot.storedAs);
      const info = await stat(path).catch(() => undefined);
      if (!info) throw new ApiError('LOG_FILE_NOT_FOUND', `The file of request ${requestId} of station ${id} is no longer kept (retention) or is on another node`);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(info.size))
        .header('content-disposition', `attachment; filename="${slot.fileName ?? 'upload.bin'}"`)
        .send(createReadStream(path));
    },
  );
}
