import { meterEvent16, meterSamplesFrom16, type MeterValues16 } from '../../../core/transaction-mapping-16.js';
import { evseFrom16 } from '../../../core/version-mapping.js';
import type { HandlerContext } from '../../handler-context.js';
import { transactionEvents, transactionPublication } from '../shared/transaction-events.js';

export async function meterValues(ctx: Pick<HandlerContext, 'session' | 'store' | 'events'> & Partial<Pick<HandlerContext, 'outbox'>>, req: MeterValues16) {
  const { tenantId, stationId } = ctx.session;
  if (req.meterValue.length === 0) return {};
  if (req.transactionId !== undefined) {
    const event = meterEvent16({ ...req, transactionId: req.transactionId });
    const events = transactionPublication(ctx, (outcome) => transactionEvents('Updated', outcome, undefined, event.meterValues));
    events.afterWrite(await ctx.store.transactions.applyTransactionEvent(tenantId, stationId, event, events.inWrite()), undefined);
    return {};
  }
  const samples = meterSamplesFrom16(req.meterValue);
  const { evseId } = evseFrom16(req.connectorId);
  await ctx.store.transactions.recordStationMeterValues({ tenantId, stationId, evseId, samples });
  ctx.events.emit('meter.values', ctx.session, { transactionId: null, evseId, meterValue: samples });
  return {};
}

/**
 * Inside a transaction the samples are billing data, durable before the answer (the station
 * retries them until answered); outside one they are telemetry, answered at once.
 */
export function answerMeterValues(req: MeterValues16) {
  return req.transactionId === undefined ? {} : undefined;
}
