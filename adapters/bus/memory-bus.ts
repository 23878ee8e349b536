import type { BusEvent } from '../../core/types.js';
import { SubscriberTable, type Bus, type EventHandler, type Subscription } from '../../core/ports/bus.js';

/**
 * The in-process bus: the default for a single node. Delivery is asynchronous (next microtask)
 * so a slow or throwing subscriber never runs inside, or breaks, the publisher's call.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory';
  private readonly subscribers = new SubscriberTable();
  private closed = false;

  constructor(private readonly onHandlerError: (error: unknown) => void = () => {}) {}

  publish(event: BusEvent): void {
    if (this.closed) return;
    for (const handler of this.subscribers.matching(event.type)) {
      queueMicrotask(() => {
        try {
          handler(event);
        } catch (error) {
          this.onHandlerError(error);
        }
      });
    }
  }

  subscribe(pattern: string, handler: EventHandler): Subscription {
    return { unsubscribe: this.subscribers.add(pattern, handler) };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribers.clear();
  }
}
