import type { FastifyInstance } from 'fastify';
import { remoteStart } from '../../actors/commands/remote-start.js';
import { remoteStop } from '../../actors/commands/remote-stop.js';
import { transactionStatus } from '../../actors/commands/transaction-status.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, stationIdParam } from '../schemas.js';
import { transactionSchema } from '../session-schemas.js';
import { commandResult } from '../station-call.js';

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
        operationId: 'remoteStartTransaction',
        summary: 'Ask a station to start a transaction for an id token',
        description:
          'Answers the station’s status and the `remoteStartId` this request was given. The transaction it causes carries ' +
          'the same `remoteStartId` (2.x: sent by the station; 1.6: matched by station and idTag within 10 minutes), so ' +
          '`GET /transactions?remoteStartId=…` finds it. A token other than a reservation’s (or outside its group) on an EVSE ' +
          'the station holds for that reservation (or, without `evseId`, when its reservations leave no EVSE free) is ' +
          '409 `EVSE_RESERVED` and nothing is sent.',
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
      const run = await deps.commands.run(tenantId, stationId, remoteStart, request.body);
      const { result, facts } = await commandResult(deps, request, stationId, run);
      return { status: result.status as string, remoteStartId: facts.remoteStartId as number, transactionId: (result.transactionId as string | undefined) ?? null };
    },
  );

  app.post<{ Params: { id: string }; Body: { transactionId: string } }>(
    '/stations/:id/transactions/stop',
    {
      schema: {
        tags: ['transactions'],
        operationId: 'remoteStopTransaction',
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
      const run = await deps.commands.run(tenantId, stationId, remoteStop, request.body);
      const { result } = await commandResult(deps, request, stationId, run);
      return { status: result.status as string };
    },
  );

  app.get<{ Params: { id: string; txId: string } }>(
    '/stations/:id/transactions/:txId/status',
    {
      schema: {
        tags: ['transactions'],
        operationId: 'getTransactionStatus',
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
      const run = await deps.commands.run(tenantId, stationId, transactionStatus, { transactionId: txId });
      const { protocol, result } = await commandResult(deps, request, stationId, run);
      const transaction = (await deps.store.transactions.getTransaction(tenantId, txId, stationId)) ?? null;
      return { ...transactionStatus.fromOcpp(protocol, result), transaction };
    },
  );
}
