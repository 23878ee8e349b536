import type { BusEvent } from '../../core/types.js';
import { matchesPattern, type Bus, type EventHandler, type Subscription } from '../../core/ports/bus.js';

/**
 * The in-process bus: the default for a single node. Delivery is asynchronous (next microtask)
 * so a slow or throwing subscriber never runs inside, or breaks, the publisher's call.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory';
  private readonly subscribers = new Set<{ pattern: string; handler: EventHandler }>();
  private closed = false;

  constructor(private readonly onHandlerError: (error: unknown) => void = () => {}) {}

  publish(event: BusEvent): void {
    if (this.closed) return;
    for (const sub of this.subscribers) {
      if (!matchesPattern(sub.pattern, event.type)) continue;
      queueMicrotask(() => {
        try {
          sub.handler(event);
        } catch (error) {
          this.onHandlerError(error);
        }
      });
    }
  }

  subscribe(pattern: string, handler: EventHandler): Subscription {
    const sub = { pattern, handler };
    this.subscribers.add(sub);
    return { unsubscribe: () => this.subscribers.delete(sub) };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribers.clear();
  }
}
