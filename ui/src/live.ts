import { useEffect, useState } from 'preact/hooks';
import { chosenTenant } from './api.ts';
import { matchesPattern } from './format.ts';

/** A bus event as `GET /events` sends it (CloudEvents JSON). */
export interface LiveEvent {
  id: string;
  type: string;
  tenantId: string;
  stationId: string;
  time: string;
  payload: Record<string, any>;
}

type Handler = (event: LiveEvent) => void;

/**
 * One EventSource per page load for every component (`GET /events`, the tenant's bus events),
 * dispatched by NATS-style type pattern. It reconnects by itself; `connected` says whether it is up.
 */
class LiveFeed {
  private source: EventSource | undefined;
  private readonly handlers = new Map<Handler, string>();
  readonly status = new Set<(up: boolean) => void>();
  up = false;

  start(): void {
    this.stop();
    const tenant = chosenTenant();
    const source = new EventSource(tenant ? `/events?tenant=${encodeURIComponent(tenant)}` : '/events');
    this.source = source;
    source.onopen = () => this.setUp(true);
    source.onerror = () => this.setUp(false);
    source.onmessage = () => {};
    // Named events: listen to every type through one generic listener per type seen.
    const dispatch = (e: MessageEvent) => {
      const event = JSON.parse(e.data) as LiveEvent;
      for (const [handler, pattern] of this.handlers) if (matchesPattern(pattern, event.type)) handler(event);
    };
    for (const type of LIVE_TYPES) source.addEventListener(type, dispatch as EventListener);
  }

  stop(): void {
    this.source?.close();
    this.source = undefined;
    this.setUp(false);
  }

  on(pattern: string, handler: Handler): () => void {
    this.handlers.set(handler, pattern);
    return () => this.handlers.delete(handler);
  }

  private setUp(up: boolean): void {
    this.up = up;
    for (const s of this.status) s(up);
  }
}

/** Event types the UI follows (SSE needs a listener per event name). */
const LIVE_TYPES = [
  'station.connected', 'station.disconnected', 'station.booted', 'connector.status',
  'transaction.started', 'transaction.updated', 'transaction.ended', 'meter.values', 'alert.raised',
  'authorization.requested', 'security.event', 'firmware.status',
  'site.allocation', 'campaign.progress', 'certificate.signed', ...['created', 'accepted', 'rejected', 'cancelled', 'expired', 'removed', 'used'].map((s) => `reservation.${s}`),
];

export const live = new LiveFeed();

export function useLive(pattern: string, handler: Handler, deps: unknown[] = []): void {
  useEffect(() => live.on(pattern, handler), deps);
}

export function useLiveStatus(): boolean {
  const [up, setUp] = useState(live.up);
  useEffect(() => {
    live.status.add(setUp);
    return () => void live.status.delete(setUp);
  }, []);
  return up;
}
