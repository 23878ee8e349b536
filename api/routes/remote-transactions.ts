import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import { IDTAG_TYPE_16 } from '../../core/transaction-mapping-16.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, stationIdParam } from '../schemas.js';
import { transactionSchema } from '../session-schemas.js';
import { callStation, findConnected } from '../station-call.js';

const failures = { 400: errorBody, 404: errorBody, 409: errorBody, 429: errorBody, 502: errorBody, 504: errorBody };

/**
 * Remote start/stop and transaction status, in the station's own protocol: 1.6
 * RemoteStart/RemoteStopTransaction, 2.x RequestStart/RequestStopTransaction, GetTransactionStatus.
 */
export async function remoteTransactionRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  app.post<{ Params: { id: string }; Body: { idToken: string; type?: string; evseId?: number } }>(
    '/stations/:id/transactions/start',
    {
      schema: {
        tags: ['transactions'],
        summary: 'Ask a station to start a transaction for an id token',
        description:
          'Answers the station’s status and the `remoteStartId` this request was given. The transaction it causes carries ' +
          'the same `remoteStartId` (2.x: sent by the station; 1.6: matched by station and idTag within 10 minutes), so ' +
          '`GET /transactions?remoteStartId=…` finds it.',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: {
            idToken: { type: 'string', minLength: 1, maxLength: 255 },
            type: { type: 'string', minLength: 1, maxLength: 20 },
            evseId: { type: 'integer', minimum: 1 },
          },
          required: ['idToken'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' }, remoteStartId: { type: 'integer' }, transactionId: { type: ['string', 'null'] } },
          },
          ...failures,
        },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      const { idToken, evseId } = request.body;
      const station = await findConnected(deps, tenantId, stationId);
      if (station.version === 'ocpp1.6' && idToken.length > 20) throw new ApiError('VALIDATION_FAILED', 'A 1.6 idTag has at most 20 characters');
      const remoteStartId = await deps.store.recordRemoteStart({ tenantId, stationId, idToken, evseId: evseId ?? null, at: new Date().toISOString() });
      const result =
        station.version === 'ocpp1.6'
          ? await callStation(deps, tenantId, stationId, 'RemoteStartTransaction', { idTag: idToken, ...(evseId ? { connectorId: evseId } : {}) })
          : await callStation(deps, tenantId, stationId, 'RequestStartTransaction', {
              idToken: { idToken, type: request.body.type ?? IDTAG_TYPE_16 },
              remoteStartId,
              ...(evseId ? { evseId } : {}),
            });
      return { status: result.status as string, remoteStartId, transactionId: (result.transactionId as string | undefined) ?? null };
    },
  );

  app.post<{ Params: { id: string }; Body: { transactionId: string } }>(
    '/stations/:id/transactions/stop',
    {
      schema: {
        tags: ['transactions'],
        summary: 'Ask a station to stop one of its transactions',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: { transactionId: { type: 'string', minLength: 1, maxLength: 36 } },
          required: ['transactionId'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } }, ...failures },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      const { transactionId } = request.body;
      const station = await findConnected(deps, tenantId, stationId);
      if (station.version !== 'ocpp1.6') {
        const result = await callStation(deps, tenantId, stationId, 'RequestStopTransaction', { transactionId });
        return { status: result.status as string };
      }
      const stored = await deps.store.getTransaction(tenantId, transactionId, stationId);
      const ocppId = stored?.ocppTransactionId ?? (/^\d{1,10}$/.test(transactionId) ? Number(transactionId) : undefined);
      if (ocppId === undefined) throw new ApiError('TRANSACTION_NOT_FOUND', `Transaction ${transactionId} not found on ${stationId}`);
      const result = await callStation(deps, tenantId, stationId, 'RemoteStopTransaction', { transactionId: ocppId });
      return { status: result.status as string };
    },
  );

  app.get<{ Params: { id: string; txId: string } }>(
    '/stations/:id/transactions/:txId/status',
    {
      schema: {
        tags: ['transactions'],
        summary: 'GetTransactionStatus (2.0.1/2.1): is it ongoing, are messages queued; plus what is stored',
        params: {
          type: 'object',
          properties: { id: stationIdParam.properties.id, txId: { type: 'string', minLength: 1, maxLength: 36 } },
          required: ['id', 'txId'],
        },
        response: {
          200: {
            type: 'object',
            properties: {
              ongoingIndicator: { type: ['boolean', 'null'] },
              messagesInQueue: { type: 'boolean' },
              transaction: { anyOf: [transactionSchema, { type: 'null' }] },
            },
          },
          ...failures,
        },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const { id: stationId, txId } = request.params;
      const station = await findConnected(deps, tenantId, stationId);
      if (station.version === 'ocpp1.6') throw new ApiError('WRONG_PROTOCOL', 'GetTransactionStatus exists only in OCPP 2.0.1 and 2.1');
      const result = await callStation(deps, tenantId, stationId, 'GetTransactionStatus', { transactionId: txId });
      const transaction = (await deps.store.getTransaction(tenantId, txId, stationId)) ?? null;
      return { ongoingIndicator: (result.ongoingIndicator as boolean | undefined) ?? null, messagesInQueue: result.messagesInQueue as boolean, transaction };
    },
  );
}
