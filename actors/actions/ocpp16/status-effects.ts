import { statusEvent16 } from '../../../core/transaction-mapping-16.js';
import { evseFrom16 } from '../../../core/version-mapping.js';
import type { HandlerContext } from '../../handler-context.js';
import { transactionEvents, transactionPublication } from '../shared/transaction-events.js';

/**
 * What a 1.6 StatusNotification means for the transaction on that connector: its charging state
 * (Charging, SuspendedEV, …), from which time spent charging is computed as for 2.x.
 */
export async function applyStatusToTransaction(
  ctx: Pick<HandlerContext, 'session' | 'store' | 'events' | 'clock'> & Partial<Pick<HandlerContext, 'outbox'>>,
  req: { connectorId: number; status: string; timestamp?: string },
): Promise<void> {
  if (req.connectorId === 0) return;
  const { tenantId, stationId } = ctx.session;
  const { evseId } = evseFrom16(req.connectorId);
  const active = await ctx.store.transactions.findActiveTransaction(tenantId, stationId, evseId);
  if (!active || active.ocppTransactionId === null) return;
  const event = statusEvent16(active.ocppTransactionId, req.connectorId, req.status, req.timestamp ?? ctx.clock().toISOString());
  if (!event) return;
  const events = transactionPublication(ctx, (outcome) => transactionEvents('Updated', outcome, undefined, []));
  events.afterWrite(await ctx.store.transactions.applyTransactionEvent(tenantId, stationId, event, events.inWrite()), undefined);
}
