import type { TransactionOutcome, TransactionWriteOptions } from '../../../core/ports/store/transaction-store.js';
import type { TransactionCost } from '../../../core/tariff-assignment.js';
import type { MeterSample } from '../../../core/transaction-types.js';
import { transactionSummary } from '../../../core/transaction-summary.js';
import { costEventPayload, endedCostFields } from './transaction-cost.js';
import { publication, type EventDraft, type PublicationContext } from './outbox-publication.js';

export { transactionSummary };

const TYPE = { Started: 'transaction.started', Updated: 'transaction.updated', Ended: 'transaction.ended' } as const;

/**
 * What a stored transaction message changed, as events: a pure function of the write's outcome,
 * its cost and what the handler knew before the write (`extra`). A redelivered message changed
 * nothing, so it has none: subscribers see each fact once. In order: the running cost
 * (`cost.updated`; the final one goes into `transaction.ended`), the ghosts a Started closed
 * (ended like any other end, flagged), the message's own event, its meter values.
 */
export function transactionEvents(
  eventType: keyof typeof TYPE,
  outcome: TransactionOutcome,
  cost: TransactionCost | undefined,
  samples: MeterSample[],
  extra: Record<string, unknown> = {},
): EventDraft[] {
  if (outcome.duplicate) return [];
  const drafts: EventDraft[] = [];
  if (cost && !cost.final) drafts.push({ type: 'cost.updated', payload: costEventPayload(cost) });
  for (const ghost of outcome.closed ?? []) {
    drafts.push({
      type: 'transaction.ended',
      payload: { ...transactionSummary(ghost), closedBy: 'superseded-by-new-transaction', supersededBy: outcome.transaction.id, outOfOrder: false },
    });
  }
  const ended = eventType === 'Ended' ? endedCostFields(cost) : {};
  drafts.push({ type: TYPE[eventType], payload: { ...transactionSummary(outcome.transaction), ...extra, ...ended, outOfOrder: outcome.outOfOrder } });
  if (samples.length > 0) {
    drafts.push({ type: 'meter.values', payload: { transactionId: outcome.transaction.id, evseId: outcome.transaction.evseId, meterValue: samples } });
  }
  return drafts;
}

/** The events of one transaction message, given its outcome and cost (see `transactionEvents`). */
export type TransactionEventsOf = (outcome: TransactionOutcome, cost: TransactionCost | undefined) => EventDraft[];

export interface TransactionPublication {
  /** The write's `events` option: with the outbox, the write builds and stores its events itself. */
  inWrite(): Pick<TransactionWriteOptions, 'events'>;
  /** After the write and the cost step: publishes what the write did not store. */
  afterWrite(outcome: TransactionOutcome, cost: TransactionCost | undefined): void;
}

/**
 * A transaction message's events (`publication`): inside the write they are built with the cost
 * the write computed; after it (no outbox, or a store that does not write events) with the cost
 * step's. A cost the write could not compute but the cost step did still has its `cost.updated`.
 */
export function transactionPublication(ctx: PublicationContext, build: TransactionEventsOf): TransactionPublication {
  const events = publication(ctx, ({ outcome, cost }: { outcome: TransactionOutcome; cost: TransactionCost | undefined }) => build(outcome, cost));
  return {
    inWrite() {
      const option = events.inWrite();
      return option ? { events: { owner: option.owner, build: (outcome) => option.build({ outcome, cost: outcome.costed ? outcome.cost : undefined }) } } : {};
    },
    afterWrite(outcome, cost) {
      const kept = Boolean(outcome.eventsWritten);
      events.afterWrite(kept, { outcome, cost });
      // Not priced in the write (pricing failed there) but after it: that running cost still goes out.
      if (kept && ctx.outbox && !outcome.costed && !outcome.duplicate && cost && !cost.final) ctx.events.emit('cost.updated', ctx.session, costEventPayload(cost));
    },
  };
}
