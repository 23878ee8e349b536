import { busEvent, type BusEvent } from '../../../core/envelope.js';
import type { TransactionOutcome, TransactionWriteOptions } from '../../../core/ports/store/transaction-store.js';
import type { TransactionCost } from '../../../core/tariff-assignment.js';
import type { MeterSample } from '../../../core/transaction-types.js';
import type { StationEventType } from '../../../core/types.js';
import type { HandlerContext } from '../../handler-context.js';
import { transactionSummary } from '../../../core/transaction-summary.js';
import { costEventPayload, endedCostFields } from './transaction-cost.js';

export { transactionSummary };

const TYPE = { Started: 'transaction.started', Updated: 'transaction.updated', Ended: 'transaction.ended' } as const;

/** An event before it is stamped (id, time) and sent: what both publication paths share. */
export interface EventDraft {
  type: StationEventType;
  payload: Record<string, unknown>;
}

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

export type PublicationContext = Pick<HandlerContext, 'session' | 'events'> & Partial<Pick<HandlerContext, 'outbox'>>;

export interface TransactionPublication {
  /** The write's `events` option: with the outbox, the write builds and stores its events itself. */
  inWrite(): Pick<TransactionWriteOptions, 'events'>;
  /** After the write and the cost step: publishes what the write did not store. */
  afterWrite(outcome: TransactionOutcome, cost: TransactionCost | undefined): void;
}

/**
 * How a transaction message's events leave, with one builder for both paths. With the durable
 * outbox (`ctx.outbox`, NATS) the store calls `build` inside the message's write and keeps the
 * events in the same transaction as the data (TransactionWriteOptions.events), preceded by the
 * events the handler emitted before the write (e.g. `authorization.requested`), so their order
 * holds; nothing of them is collected afterwards. Without the outbox, or with a store that does
 * not write events in its writes (no `outcome.eventsWritten`), they are emitted after the write,
 * as the other handlers' events are.
 */
export function transactionPublication(ctx: PublicationContext, build: TransactionEventsOf): TransactionPublication {
  let earlier: BusEvent[] | undefined;
  let written = 0;
  return {
    inWrite() {
      const outbox = ctx.outbox;
      if (!outbox) return {};
      const { tenantId, stationId } = ctx.session;
      return {
        events: {
          owner: outbox.owner,
          build: (outcome) => {
            // Taken once: a write run again (PostgreSQL, after another write of its batch failed) keeps them.
            earlier ??= outbox.take();
            const own = build(outcome, outcome.costed ? outcome.cost : undefined).map((d) => busEvent(d.type, tenantId, stationId, d.payload));
            const events = earlier.length > 0 ? [...earlier, ...own] : own;
            written = events.length;
            return events;
          },
        },
      };
    },
    afterWrite(outcome, cost) {
      if (outcome.eventsWritten && ctx.outbox) {
        if (written > 0) ctx.outbox.committed(written);
        // Not priced in the write (pricing failed there) but after it: that running cost still goes out.
        if (!outcome.costed && !outcome.duplicate && cost && !cost.final) ctx.events.emit('cost.updated', ctx.session, costEventPayload(cost));
        return;
      }
      for (const draft of build(outcome, cost)) ctx.events.emit(draft.type, ctx.session, draft.payload);
    },
  };
}
