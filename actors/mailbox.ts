import { asyncDispatcher, type Dispatcher } from './dispatcher.js';

export interface MailboxOptions<M> {
  /** Handles one message; the next one starts only after the returned promise settles. */
  invoke: (message: M) => void | Promise<void>;
  /** Bounded: a station that floods us must not grow memory without limit. */
  capacity: number;
  /** A failing message is escalated here; the mailbox carries on with the next one. */
  onFailure: (error: unknown, message: M) => void;
  dispatcher?: Dispatcher;
}

/**
 * A bounded, strictly ordered mailbox. System messages (e.g. stop) jump the queue; user
 * messages are handled one at a time, in arrival order, including across async handlers.
 */
export class Mailbox<M> {
  private readonly user: M[] = [];
  private readonly system: M[] = [];
  private running = false;
  private readonly dispatcher: Dispatcher;

  constructor(private readonly options: MailboxOptions<M>) {
    this.dispatcher = options.dispatcher ?? asyncDispatcher;
  }

  /** Queues a user message; false when the mailbox is full (the caller decides how to refuse). */
  post(message: M): boolean {
    if (this.user.length >= this.options.capacity) return false;
    this.user.push(message);
    this.wake();
    return true;
  }

  postSystem(message: M): void {
    this.system.push(message);
    this.wake();
  }

  get size(): number {
    return this.user.length + this.system.length;
  }

  get busy(): boolean {
    return this.running;
  }

  /**
   * An idle mailbox starts at once, inside the socket callback that posted: scheduling every
   * wake-up (setImmediate) cost a loop turn per message. Only a mailbox that used up its
   * throughput yields through the dispatcher, so one busy station cannot starve the others.
   */
  private wake(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    let processed = 0;
    for (;;) {
      const message = this.system.length > 0 ? this.system.shift()! : this.user.shift();
      if (message === undefined) {
        this.running = false;
        return;
      }
      try {
        const pending = this.options.invoke(message);
        if (pending) await pending;
      } catch (error) {
        try {
          this.options.onFailure(error, message);
        } catch {
          // A failing failure handler must not wedge the mailbox in the running state.
        }
      }
      if (++processed >= this.dispatcher.throughput && this.size > 0) {
        this.dispatcher.schedule(() => void this.run());
        return;
      }
    }
  }
}
