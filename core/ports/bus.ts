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
