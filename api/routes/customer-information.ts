import type { FastifyInstance } from 'fastify';
import { customerInformation, type CustomerInformationInput } from '../../actors/commands/customer-information.js';
import { customerInformationView } from '../../core/report-pages.js';
import type { ApiDeps } from '../deps.js';
import { requireStationRequest } from '../station-lookup.js';
import { errorBody, stationIdParam, stationRequestIdParams } from '../schemas.js';
import { requestCommandResultSchema, runRequestCommand } from '../typed-request.js';

const errors = { 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody, 429: errorBody, 502: errorBody, 504: errorBody };
const idToken = { type: 'object', properties: { idToken: { type: 'string', maxLength: 36 }, type: { type: 'string', maxLength: 20 } }, required: ['idToken', 'type'], additionalProperties: false } as const;
const certificate = {
  type: 'object',
  properties: {
    hashAlgorithm: { type: 'string', enum: ['SHA256', 'SHA384', 'SHA512'] },
    issuerNameHash: { type: 'string', maxLength: 128 },
    issuerKeyHash: { type: 'string', maxLength: 128 },
    serialNumber: { type: 'string', maxLength: 40 },
  },
  required: ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber'],
  additionalProperties: false,
} as const;

/**
 * Customer information (issue #12, block N, 2.x): ask a station to report and/or clear one
 * customer's data; read what it reported per request, and whether a clear was accepted.
 */
export async function customerInformationRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  app.post<{ Params: { id: string }; Body: CustomerInformationInput }>(
    '/stations/:id/customer-information',
    {
      schema: {
        tags: ['stations'],
        operationId: 'customerInformation',
        summary: 'Ask a station to report and/or clear a customer’s data (CustomerInformation, 2.x)',
        description:
          '2.x: `CustomerInformation { requestId, report, clear, customerIdentifier? | idToken? | customerCertificate? }`; without `requestId` the CSMS ' +
          'allocates one. The NotifyCustomerInformation pages are kept per request: GET /stations/{id}/customer-information/{requestId}. ' +
          'A `clear` the station accepted is recorded (an event of kind customer-information, type cleared; the identifier is not kept). ' +
          '1.6 stations answer 400 Wrong Protocol.',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: {
            requestId: { type: 'integer', minimum: 0, maximum: 2147483647 },
            report: { type: 'boolean' },
            clear: { type: 'boolean' },
            customerIdentifier: { type: 'string', minLength: 1, maxLength: 64 },
            idToken,
            customerCertificate: certificate,
          },
          required: ['report', 'clear'],
          additionalProperties: false,
        },
        response: { 200: requestCommandResultSchema, ...errors },
      },
    },
    async (request) => runRequestCommand(deps, request, request.params.id, customerInformation, request.body),
  );

  app.get<{ Params: { id: string; requestId: number } }>(
    '/stations/:id/customer-information/:requestId',
    {
      schema: {
        tags: ['stations'],
        operationId: 'getCustomerInformation',
        summary: 'What a station reported for one CustomerInformation request',
        description:
          'The request record, its NotifyCustomerInformation pages by seqNo (a repeated seqNo counted once, the first received kept; ' +
          'out-of-order pages sorted), `data` (the pages’ data joined in seqNo order), the seqNos `missing` before the last, and `cleared` ' +
          '(when the station accepted clearing the data, else null).',
        params: stationRequestIdParams,
        response: {
          200: {
            type: 'object',
            properties: {
              request: { type: 'object', additionalProperties: true },
              pages: {
                type: 'array',
                items: { type: 'object', properties: { seqNo: { type: 'integer' }, tbc: { type: 'boolean' }, data: { type: 'string' }, generatedAt: { type: 'string' }, receivedAt: { type: 'string' } } },
              },
              data: { type: 'string' },
              complete: { type: 'boolean' },
              missing: { type: 'array', items: { type: 'integer' } },
              duplicates: { type: 'integer', description: 'Pages received again with a seqNo already kept' },
              cleared: { type: ['object', 'null'], additionalProperties: true },
            },
          },
          400: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const { id, requestId } = request.params;
      const found = await requireStationRequest(deps.store, request.tenantId, id, requestId, 'CustomerInformation');
      const page = await deps.store.stationEvents.list(request.tenantId, id, { requestId, kind: 'customer-information', limit: 1000 });
      const { tenantId: _t, stationId: _s, ...view } = found;
      return { request: view, ...customerInformationView(page.items) };
    },
  );
}
