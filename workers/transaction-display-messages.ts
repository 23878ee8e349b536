import type { Logger } from 'pino';
import type { Bus, Subscription } from '../core/ports/bus.js';
import { busEvent } from '../core/envelope.js';
import type { Store } from '../core/ports/store/store.js';

/**
 * Messages per transaction (2.x MessageInfoType.transactionId): the station shows such a message
 * only during that transaction and removes it once the transaction has ended, so the CSMS forgets
 * its stored copies (set and reported) then too, and says so with `display-message.cleared`
 * (`reason: transaction-ended`). Off the hot path: the node holding the station does it on main,
 * after `transaction.ended` (a station's own end or one the CSMS made), with one indexed read
 * (messages by transaction) and a removal only when there are any.
 */
export function forgetTransactionDisplayMessages(
  bus: Bus,
  store: Pick<Store, 'displayMessages'>,
  holds: (stationId: string) => boolean,
  log: Pick<Logger, 'info' | 'warn'>,
  clock: () => Date = () => new Date(),
): Subscription {
  return bus.subscribe('transaction.ended', (event) => {
    const transactionId = (event.payload as { transactionId?: unknown }).transactionId;
    if (typeof transactionId !== 'string' || !holds(event.stationId)) return;
    const { tenantId, stationId } = event;
    void (async () => {
      const shown = await store.displayMessages.list(tenantId, { stationId, transactionId });
      const ids = [...new Set(shown.map((r) => r.message.id))];
      for (const id of ids) {
        const removed = await store.displayMessages.remove(tenantId, stationId, id, ['csms', 'station']);
        bus.publish(busEvent('display-message.cleared', tenantId, stationId, { id, status: 'TransactionEnded', removed, reason: 'transaction-ended', transactionId }, clock()));
      }
      if (ids.length > 0) log.info({ tenantId, stationId, transactionId, messageIds: ids }, 'display messages of an ended transaction forgotten');
    })().catch((error: unknown) => log.warn({ tenantId, stationId, transactionId, err: String(error) }, 'display messages of an ended transaction not forgotten'));
  });
}
