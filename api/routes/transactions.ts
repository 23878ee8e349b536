import type { FastifyInstance } from 'fastify';
import { AmbiguousTransactionError, type TransactionQuery, type TransactionSort } from '../../core/ports/store/transaction-store.js';
import { ApiError, InvalidCursorError } from '../../core/errors.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, stationIdParam } from '../schemas.js';
import { meterValueSchema, transactionSchema } from '../session-schemas.js';
import { costSummary } from '../../core/tariff-assignment.js';
import type { TransactionRecord } from '../../core/transaction-types.js';
import { costSchema } from './tariffs.js';

/** A transaction as the API shows it: with its cost (running or final) when a tariff applied, else null. */
const transactionWithCost = {
  type: 'object',
  properties: { ...transactionSchema.properties, cost: { anyOf: [costSchema, { type: 'null' }], description: 'Its cost under its tariff (issue #13): running while active, final once ended; null when no tariff applied' } },
} as const;

/** The store's query as the route receives it: the schema's default fills `sort`. */
type ListQuery = TransactionQuery & { sort: TransactionSort };

/** Charging sessions of the caller's tenant, whatever protocol the station speaks. */
export async function transactionRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;
  const withCost = async (tx: TransactionRecord) => {
    const cost = await deps.store.tariffs.getCost(tx.tenantId, tx.stationId, tx.id);
    return { ...tx, cost: cost ? costSummary(cost) : null };
  };

  app.get<{ Querystring: ListQuery }>(
    '/transactions',
    {
      schema: {
        tags: ['transactions'],
        operationId: 'listTransactions',
        summary: 'List transactions (filters, sorting, cursor pagination)',
        description: '`from`/`to` bound `startedAt` (inclusive/exclusive). Default sort: newest start first.',
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            cursor: { type: 'string', maxLength: 1024 },
            stationId: stationIdParam.properties.id,
            active: { type: 'boolean' },
            idToken: { type: 'string', maxLength: 255 },
            remoteStartId: { type: 'integer' },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            sort: { type: 'string', enum: ['startedAt', '-startedAt', 'updatedAt', '-updatedAt'], default: '-startedAt' },
          },
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: transactionWithCost }, nextCursor: { type: ['string', 'null'] } } },
          400: errorBody,
        },
      },
    },
    async (request) => {
      const q = request.query;
      let page;
      try {
        page = await deps.store.transactions.listTransactions(request.tenantId, {
          ...q,
          // Stored times are canonical UTC ISO; compare like with like.
          from: q.from === undefined ? undefined : new Date(q.from).toISOString(),
          to: q.to === undefined ? undefined : new Date(q.to).toISOString(),
        });
      } catch (error) {
        // The cursor decoded but does not hold a transaction key (transaction-cursor.ts).
        if (q.cursor && error instanceof SyntaxError) throw new InvalidCursorError();
        throw error;
      }
      return { items: await Promise.all(page.items.map(withCost)), nextCursor: page.nextCursor ?? null };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { stationId?: string; meterValues: number } }>(
    '/transactions/:id',
    {
      schema: {
        tags: ['transactions'],
        operationId: 'getTransaction',
        summary: 'One transaction with its meter values (in time order)',
        description:
          'Two stations may use the same 2.x transactionId: the unique address of a transaction is its id plus `stationId`. ' +
          'Without `stationId`, an id used by several stations answers 409 TRANSACTION_AMBIGUOUS with `details.stationIds`; it never picks one.',
        params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 36 } }, required: ['id'] },
        querystring: {
          type: 'object',
          properties: {
            stationId: stationIdParam.properties.id,
            meterValues: { type: 'integer', minimum: 0, maximum: 100000, default: 10000 },
          },
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', properties: { ...transactionWithCost.properties, meterValues: { type: 'array', items: meterValueSchema } } },
          404: errorBody,
          409: errorBody,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      let tx;
      try {
        tx = await deps.store.transactions.getTransaction(request.tenantId, id, request.query.stationId);
      } catch (error) {
        if (!(error instanceof AmbiguousTransactionError)) throw error;
        throw new ApiError('TRANSACTION_AMBIGUOUS', `${error.message}; add ?stationId=`, { stationIds: error.stationIds });
      }
      if (!tx) throw new ApiError('TRANSACTION_NOT_FOUND', `Transaction ${id} not found`);
      const limit = request.query.meterValues;
      const meterValues = limit === 0 ? [] : await deps.store.transactions.listMeterValues(request.tenantId, tx.stationId, tx.id, limit);
      // A 1.6 SignedData row without a readable value beside it has no value to show.
      return { ...(await withCost(tx)), meterValues: meterValues.map((m) => (m.signedMeterValue?.valueless ? { ...m, value: null } : m)) };
    },
  );
}
