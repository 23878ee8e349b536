import type { FastifyInstance } from 'fastify';
import { updateFirmware } from '../../actors/commands/update-firmware.js';
import { publishFirmware, unpublishFirmware } from '../../actors/commands/publish-firmware.js';
import type { ApiDeps } from '../deps.js';
import { requireStationRequest } from '../station-lookup.js';
import { errorBody, stationIdParam, stationRequestIdParams } from '../schemas.js';
import { commandResult } from '../station-call.js';
import { requestCommandResultSchema, runRequestCommand } from '../typed-request.js';

const errors = { 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody, 429: errorBody, 502: errorBody, 504: errorBody };
const dateTime = { type: 'string', format: 'date-time' } as const;
const retries = { type: 'integer', minimum: 0, maximum: 1000 } as const;
const requestId = { type: 'integer', minimum: 0, maximum: 2147483647, description: 'Your own request id; absent: the CSMS allocates one' } as const;
const checksum = { type: 'string', pattern: '^[0-9a-fA-F]{32}$', description: 'MD5 of the firmware file, 32 hex digits' } as const;

export const firmwareBody = {
  type: 'object',
  properties: {
    location: { type: 'string', minLength: 1, maxLength: 512, description: 'URI the station downloads the firmware from' },
    retrieveDateTime: { ...dateTime, description: 'When the station may download it; default: now' },
    installDateTime: dateTime,
    signingCertificate: { type: 'string', maxLength: 5500, description: 'PEM certificate of the firmware signer (signed firmware)' },
    signature: { type: 'string', maxLength: 800, description: 'Base64 signature of the firmware file (signed firmware)' },
    retries,
    retryInterval: retries,
  },
  required: ['location'],
  additionalProperties: false,
} as const;

/**
 * Typed firmware commands (issue #12, block L): UpdateFirmware (1.6, 2.x), 1.6 SignedUpdateFirmware,
 * 2.x PublishFirmware / UnpublishFirmware; and each request's status history.
 */
export async function firmwareRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  app.post<{ Params: { id: string }; Body: Record<string, unknown> & { location: string } }>(
    '/stations/:id/firmware/update',
    {
      schema: {
        tags: ['firmware'],
        operationId: 'updateFirmware',
        summary: 'Install firmware on one station (UpdateFirmware / SignedUpdateFirmware)',
        description:
          '1.6 without signature: `UpdateFirmware { location, retrieveDate: retrieveDateTime ?? now, retries?, retryInterval? }` (no requestId on the wire: ' +
          'the CSMS records the request under its own id and FirmwareStatusNotification completes the newest). ' +
          '1.6 with `signingCertificate` and `signature`: `SignedUpdateFirmware { requestId, firmware: { location, retrieveDateTime, installDateTime?, signingCertificate, signature }, retries?, retryInterval? }` ' +
          '(security whitepaper; SignedFirmwareStatusNotification). 2.x: `UpdateFirmware { requestId, firmware: {…same…}, retries?, retryInterval? }` (FirmwareStatusNotification). ' +
          'Answers the station’s CALLRESULT and the recorded request; its status history is GET /stations/{id}/requests/{requestId}/statuses.',
        params: stationIdParam,
        body: { ...firmwareBody, properties: { ...firmwareBody.properties, requestId } },
        response: { 200: requestCommandResultSchema, ...errors },
      },
    },
    async (request) => runRequestCommand(deps, request, request.params.id, updateFirmware, request.body as never),
  );

  app.post<{ Params: { id: string }; Body: { location: string; checksum: string } }>(
    '/stations/:id/firmware/publish',
    {
      schema: {
        tags: ['firmware'],
        operationId: 'publishFirmware',
        summary: 'Have a Local Controller publish a firmware image (PublishFirmware, 2.x)',
        description:
          '2.x: `PublishFirmware { location, checksum, requestId, retries?, retryInterval? }` → PublishFirmwareStatusNotification (Published ends the request). ' +
          '1.6 stations answer 400 Wrong Protocol (1.6 has no Local Controller publishing).',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: { location: { type: 'string', minLength: 1, maxLength: 512 }, checksum, retries, retryInterval: retries, requestId },
          required: ['location', 'checksum'],
          additionalProperties: false,
        },
        response: { 200: requestCommandResultSchema, ...errors },
      },
    },
    async (request) => runRequestCommand(deps, request, request.params.id, publishFirmware, request.body),
  );

  app.post<{ Params: { id: string }; Body: { checksum: string } }>(
    '/stations/:id/firmware/unpublish',
    {
      schema: {
        tags: ['firmware'],
        operationId: 'unpublishFirmware',
        summary: 'Stop publishing a firmware image (UnpublishFirmware, 2.x)',
        description: '2.x: `UnpublishFirmware { checksum }`, answered Unpublished, NoFirmware or DownloadOngoing. 1.6 stations answer 400 Wrong Protocol.',
        params: stationIdParam,
        body: { type: 'object', properties: { checksum }, required: ['checksum'], additionalProperties: false },
        response: {
          200: { type: 'object', properties: { action: { type: 'string' }, protocol: { type: 'string' }, result: { type: 'object', additionalProperties: true } } },
          ...errors,
        },
      },
    },
    async (request) => {
      const run = await deps.commands.run(request.tenantId, request.params.id, unpublishFirmware, request.body);
      const { action, protocol, result } = await commandResult(deps, request, request.params.id, run);
      return { action, protocol, result };
    },
  );

  app.get<{ Params: { id: string; requestId: number } }>(
    '/stations/:id/requests/:requestId/statuses',
    {
      schema: {
        tags: ['firmware'],
        operationId: 'getRequestStatusHistory',
        summary: 'The statuses a station reported for one request, oldest first',
        description:
          'Firmware, signed-firmware, publish-firmware, diagnostics and log status notifications that belong to the request ' +
          '(2.x and 1.6 signed firmware / GetLog by requestId; 1.6 UpdateFirmware / GetDiagnostics: the newest request of the action when they arrived).',
        params: stationRequestIdParams,
        response: {
          200: {
            type: 'object',
            properties: {
              request: { type: 'object', additionalProperties: true },
              statuses: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { kind: { type: 'string' }, status: { type: 'string' }, at: { type: 'string' }, receivedAt: { type: 'string' }, payload: { type: 'object', additionalProperties: true } },
                },
              },
            },
          },
          400: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const { id, requestId } = request.params;
      const found = await requireStationRequest(deps.store, request.tenantId, id, requestId);
      const page = await deps.store.stationEvents.list(request.tenantId, id, { requestId, limit: 1000 });
      const statuses = page.items
        .filter((e) => e.kind.endsWith('-status'))
        .reverse()
        .map((e) => ({ kind: e.kind, status: e.type, at: e.at, receivedAt: e.receivedAt, payload: e.payload }));
      const { tenantId: _t, stationId: _s, ...view } = found;
      return { request: view, statuses };
    },
  );
}
