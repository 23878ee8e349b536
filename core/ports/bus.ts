import type { BusEvent } from '../types.js';

export type EventHandler = (event: BusEvent) => void;

export interface Subscription {
  unsubscribe(): void;
}

/**
 * Events out of the CSMS. Patterns match event types segment by segment, NATS style:
 * `*` matches one segment, `>` matches one or more trailing segments
 * (`station.*`, `connector.status`, `>`).
 */
/** What one confirmed publish achieved: the first `done` events are finished, `dropped` of them for good. */
export interface PublishOutcome {
  done: number;
  dropped: number;
}

export interface Bus {
  readonly kind: string;
  publish(event: BusEvent): void;
  /**
   * Publishes in order and resolves with how many events from the start the broker acknowledged
   * (or refused for good, counted in `dropped`); the rest are for the caller to retry. Only buses
   * with a broker worth an outbox have it (NATS); it never throws for a broker fault.
   */
  publishConfirmed?(events: BusEvent[]): Promise<PublishOutcome>;
  subscribe(pattern: string, handler: EventHandler): Subscription;
  close(): Promise<void>;
}

export function matchesPattern(pattern: string, type: string): boolean {
  const want = pattern.split('.');
  const have = type.split('.');
  for (let i = 0; i < want.length; i++) {
    const token = want[i];
    if (token === '>') return have.length > i;
    if (i >= have.length) return false;
    if (token !== '*' && token !== have[i]) return false;
  }
  return want.length === have.length;
}

/**
 * A bus's local subscribers, with the subscribers of each event type cached in subscription
 * order: a node has a few dozen subscriptions and a handful of event types, and matching every
 * pattern against every event cost the main thread ~7 µs per station message. The cache is
 * rebuilt lazily after a subscribe or unsubscribe.
 */
export class SubscriberTable {
  private readonly all = new Set<{ pattern: string; handler: EventHandler }>();
  private readonly byType = new Map<string, EventHandler[]>();

  /** Adds a subscriber; the returned function removes it (a second call does nothing). */
  add(pattern: string, handler: EventHandler): () => void {
    const sub = { pattern, handler };
    this.all.add(sub);
    this.byType.clear();
    return () => {
      if (this.all.delete(sub)) this.byType.clear();
    };
  }

  /** The handlers whose pattern matches `type`, in subscription order. */
  matching(type: string): EventHandler[] {
    let handlers = this.byType.get(type);
    if (!handlers) {
      handlers = [...this.all].filter((sub) => matchesPattern(sub.pattern, type)).map((sub) => sub.handler);
      this.byType.set(type, handlers);
    }
    return handlers;
  }

  clear(): void {
    this.all.clear();
    this.byType.clear();
  }
}
