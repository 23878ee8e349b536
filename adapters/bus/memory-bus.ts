import type { BusEvent } from '../../core/types.js';
import { matchesPattern, type Bus, type EventHandler, type Subscription } from '../../core/ports/bus.js';

/**
 * The in-process bus: the default for a single node. Delivery is asynchronous (next microtask)
 * so a slow or throwing subscriber never runs inside, or breaks, the publisher's call.
 */
interface Subscriber {
  pattern: string;
  handler: EventHandler;
}

export class MemoryBus implements Bus {
  readonly kind = 'memory';
  private readonly subscribers = new Set<Subscriber>();
  /**
   * The subscribers of each event type, in subscription order: a node has a few dozen
   * subscriptions and a handful of event types, and matching every pattern against every event
   * cost the main thread ~7 µs per station message. Rebuilt lazily after (un)subscribing.
   */
  private readonly byType = new Map<string, Subscriber[]>();
  private closed = false;

  constructor(private readonly onHandlerError: (error: unknown) => void = () => {}) {}

  publish(event: BusEvent): void {
    if (this.closed) return;
    let matching = this.byType.get(event.type);
    if (!matching) {
      matching = [...this.subscribers].filter((sub) => matchesPattern(sub.pattern, event.type));
      this.byType.set(event.type, matching);
    }
    for (const sub of matching) {
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
    this.byType.clear();
    return {
      unsubscribe: () => {
        this.subscribers.delete(sub);
        this.byType.clear();
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribers.clear();
    this.byType.clear();
  }
}
