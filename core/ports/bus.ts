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
export interface Bus {
  readonly kind: string;
  publish(event: BusEvent): void;
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
