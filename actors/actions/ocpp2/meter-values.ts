import { meterSamplesFrom2, type MeterValue2 } from '../../../core/transaction-mapping-2.js';
import type { HandlerContext } from '../../handler-context.js';

/** 2.x MeterValues are outside transactions by definition (those travel in TransactionEvent). */
export async function meterValues(ctx: Pick<HandlerContext, 'session' | 'store' | 'events'>, req: { evseId: number; meterValue: MeterValue2[] }) {
  const samples = meterSamplesFrom2(req.meterValue);
  const { tenantId, stationId } = ctx.session;
  await ctx.store.transactions.recordStationMeterValues({ tenantId, stationId, evseId: req.evseId, samples });
  ctx.events.emit('meter.values', ctx.session, { transactionId: null, evseId: req.evseId, meterValue: samples });
  return {};
}

/** Telemetry outside transactions: stored in order, but not awaited by the answer. */
export function answerMeterValues() {
  return {};
}
