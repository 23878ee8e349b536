import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../core/errors.js';
import { costSummary, transactionCost, type TariffRecord } from '../../core/tariff-assignment.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, stationIdParam } from '../schemas.js';
import { costSchema } from './tariffs.js';

/** Meter values read to price one transaction (as the cost step reads them). */
const MAX_METER_VALUES = 100_000;

/**
 * An operator corrects the final cost of an ended transaction (issue #16: CDRs are never changed,
 * a correction is a credit CDR plus a new one): the transaction is repriced from its stored meter
 * values under the tariff named (or its own tariff as it is now, e.g. after a price was fixed),
 * the final cost is replaced, and when the transaction was a roaming session with a CDR, the
 * partner gets a credit CDR of the last CDR and a new CDR (ocpi/sessions.ts correctCdr).
 */
export async function costCorrectionRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;
  app.post<{ Params: { id: string; txId: string }; Body: { tariffId?: string; reason: string } }>('/stations/:id/transactions/:txId/cost-correction', {
    schema: {
      tags: ['tariffs'],
      operationId: 'correctTransactionCost',
      summary: 'Correct the final cost of an ended transaction (reprice it); a roaming session’s CDR is credited and re-sent',
      description:
        'Reprices the transaction from its stored meter values under `tariffId` (a tariff of the tenant) or, without it, under the current version of the tariff it was costed with. ' +
        'The final cost is replaced (its `assignedBy` becomes `transaction`). When OCPI sent a CDR for it, the partner receives a credit CDR (`credit: true`, `credit_reference_id`, amounts negated) and a new CDR; sent CDRs never change. ' +
        '409 TRANSACTION_ACTIVE while the transaction runs.',
      params: { type: 'object', properties: { id: stationIdParam.properties.id, txId: { type: 'string', minLength: 1, maxLength: 36 } }, required: ['id', 'txId'] },
      body: {
        type: 'object',
        properties: { tariffId: { type: 'string', minLength: 1, maxLength: 60 }, reason: { type: 'string', minLength: 1, maxLength: 200, description: 'Why (kept in the log and in the new CDR’s remark)' } },
        required: ['reason'],
        additionalProperties: false,
      },
      response: {
        200: {
          type: 'object',
          properties: {
            cost: costSchema,
            previousTotalInclTax: { type: ['string', 'null'] },
            ocpi: { anyOf: [{ type: 'object', properties: { creditCdrId: { type: 'string' }, cdrId: { type: 'string' } } }, { type: 'null' }], description: 'The credit CDR and the new CDR sent, null when the transaction had no CDR' },
          },
        },
        404: errorBody,
        409: errorBody,
      },
    },
  }, async (request) => {
    const { tenantId } = request;
    const { id: stationId, txId } = request.params;
    const record = await deps.store.transactions.getTransaction(tenantId, txId, stationId);
    if (!record) throw new ApiError('TRANSACTION_NOT_FOUND', `No transaction ${txId} of station ${stationId}`);
    if (record.isActive || !record.endedAt) throw new ApiError('TRANSACTION_ACTIVE', `Transaction ${txId} has not ended: its cost is not final yet`);
    const previous = await deps.store.tariffs.getCost(tenantId, stationId, txId);
    const tariffId = request.body.tariffId ?? previous?.tariff.id;
    const tariff: TariffRecord | undefined = tariffId ? await deps.store.tariffs.getTariff(tenantId, tariffId) : undefined;
    if (!tariff) throw new ApiError('TARIFF_NOT_FOUND', tariffId ? `No tariff ${tariffId}` : `Transaction ${txId} has no tariff: name one (tariffId)`);
    const meterValues = await deps.store.transactions.listMeterValues(tenantId, stationId, txId, MAX_METER_VALUES);
    const now = new Date().toISOString();
    const cost = transactionCost(tariff, 'transaction', record, meterValues, record.endedAt, now);
    await deps.store.tariffs.putCost(cost);
    request.log.info({ tenantId, stationId, transactionId: txId, tariffId: tariff.id, previousTotalInclTax: previous?.totalInclTax ?? null, totalInclTax: cost.totalInclTax, reason: request.body.reason }, 'transaction cost corrected');
    const sent = await deps.ocpi?.sessions.correctCdr(tenantId, stationId, txId, request.body.reason);
    return { cost: costSummary(cost), previousTotalInclTax: previous?.totalInclTax ?? null, ocpi: sent ? { creditCdrId: sent.creditId, cdrId: sent.cdrId } : null };
  });
}
