import { busEvent, type BusEvent } from '../../../core/envelope.js';
import type { OutboxEventsOption } from '../../../core/ports/store/outbox-store.js';
import type { StationEventType } from '../../../core/types.js';
import type { HandlerContext } from '../../handler-context.js';

/** An event before it is stamped (id, time) and sent: what both publication paths share. */
export interface EventDraft {
  type: StationEventType;
  payload: Record<string, unknown>;
}

export type PublicationContext = Pick<HandlerContext, 'session' | 'events'> & Partial<Pick<HandlerContext, 'outbox'>>;

export interface Publication<O> {
  /** The write's events option: with the outbox, the store builds and keeps the events in the write's transaction. */
  inWrite(): OutboxEventsOption<O> | undefined;
  /** After the write: `kept` says the store kept them (then the drain is told); else they are emitted now. */
  afterWrite(kept: boolean, outcome: O): void;
}

/**
 * How the events of a write leave, with one builder for both paths. With the durable outbox
 * (`ctx.outbox`, NATS) the store calls `build` inside the write and keeps the events in the same
 * transaction as the data, preceded by the events the handler emitted before the write (e.g.
 * `authorization.requested`), so their order holds; nothing of them is collected afterwards.
 * Without the outbox, or with a store that cannot (MongoDB: `kept` false), they are emitted
 * after the write, as other handlers' events are.
 */
export function publication<O>(ctx: PublicationContext, build: (outcome: O) => EventDraft[]): Publication<O> {
  let earlier: BusEvent[] | undefined;
  let written = 0;
  return {
    inWrite() {
      const outbox = ctx.outbox;
      if (!outbox) return undefined;
      const { tenantId, stationId } = ctx.session;
      return {
        owner: outbox.owner,
        build: (outcome) => {
          // Taken once: a write run again (PostgreSQL, after another write of its batch failed) keeps them.
          earlier ??= outbox.take();
          const own = build(outcome).map((d) => busEvent(d.type, tenantId, stationId, d.payload));
          const events = earlier.length > 0 ? [...earlier, ...own] : own;
          written = events.length;
          return events;
        },
      };
    },
    afterWrite(kept, outcome) {
      if (kept && ctx.outbox) {
        if (written > 0) ctx.outbox.committed(written);
        return;
      }
      for (const draft of build(outcome)) ctx.events.emit(draft.type, ctx.session, draft.payload);
    },
  };
}
