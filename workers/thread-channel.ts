/**
 * Request/reply and fire-and-forget messages between threads over a MessagePort or Worker.
 * Everything posted in one turn of the event loop travels as one batch: one structured clone
 * and one wake-up of the other thread (measured: ~22 µs per round trip alone, ~4 µs at 16 per
 * batch). The flush runs in the check phase (setImmediate), after every socket event of the
 * poll phase: a microtask flush would post once per uWS callback.
 */
export interface ThreadMessage {
  k: string;
  rid?: number;
  [field: string]: unknown;
}

interface Reply {
  k: 'reply';
  rid: number;
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string; code?: string; details?: unknown };
}

export interface PortLike {
  postMessage(value: unknown, transferList?: readonly unknown[]): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
}

export type MessageHandler<In = ThreadMessage> = (message: In) => unknown;

/** An error thrown on the other side of a channel, rebuilt on this side. */
export class RemoteError extends Error {
  constructor(
    name: string,
    message: string,
    readonly code?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = name;
  }
}

/** `In` is what this side receives, `Out` what it sends: both discriminated unions on `k`. */
export class ThreadChannel<In extends { k: string } = ThreadMessage, Out extends { k: string } = ThreadMessage> {
  private outbox: unknown[] = [];
  private flushScheduled = false;
  /** Messages nobody waits for, held up to `laterMs` so the other thread wakes less often. */
  private later: unknown[] = [];
  private laterTimer: NodeJS.Timeout | undefined;
  private nextRid = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();

  constructor(
    private readonly port: PortLike,
    private readonly handler: MessageHandler<In>,
  ) {
    port.on('message', (batch) => {
      for (const message of batch as Array<In | Reply>) this.dispatch(message);
    });
  }

  send(message: Out): void {
    this.push(message);
  }

  /**
   * Sends within `delayMs` (one batch per delay instead of one per turn). Order is kept: any
   * `send` or `request` takes what is held here along, ahead of itself.
   */
  sendLater(message: Out, delayMs: number): void {
    this.later.push(message);
    this.laterTimer ??= setTimeout(() => {
      this.laterTimer = undefined;
      this.takeLater();
      this.flush();
    }, delayMs);
  }

  /**
   * Posts at once, outside the batch, moving `transfer` (e.g. a MessagePort) to the other
   * thread. What was queued before goes first, so order is kept.
   */
  sendTransfer(message: Out, transfer: readonly unknown[]): void {
    this.flushAll();
    this.port.postMessage([message], transfer);
  }

  /** Resolves with what the other side's handler returned (or its promise resolved to). */
  request<T = unknown>(message: Out): Promise<T> {
    const rid = this.nextRid++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(rid, { resolve: resolve as (v: unknown) => void, reject });
      this.push({ ...message, rid });
    });
  }

  /** Rejects every request still waiting (the other thread died). */
  failPending(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }

  /** Sends everything queued, held messages included. */
  flushAll(): void {
    this.takeLater();
    this.flush();
  }

  private takeLater(): void {
    if (this.later.length === 0) return;
    if (this.laterTimer) clearTimeout(this.laterTimer);
    this.laterTimer = undefined;
    const held = this.later;
    this.later = [];
    this.outbox.push(...held);
  }

  flush(): void {
    this.flushScheduled = false;
    if (this.outbox.length === 0) return;
    const batch = this.outbox;
    this.outbox = [];
    this.port.postMessage(batch);
  }

  private push(message: unknown): void {
    this.takeLater();
    this.outbox.push(message);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private dispatch(message: In | Reply): void {
    if (message.k === 'reply') {
      const reply = message as Reply;
      const waiter = this.waiting.get(reply.rid);
      if (!waiter) return;
      this.waiting.delete(reply.rid);
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(new RemoteError(reply.error!.name, reply.error!.message, reply.error!.code, reply.error!.details));
      return;
    }
    const rid = (message as { rid?: number }).rid;
    let result: unknown;
    try {
      result = this.handler(message as In);
    } catch (error) {
      if (rid !== undefined) this.replyError(rid, error);
      return;
    }
    if (rid === undefined) return;
    if (result instanceof Promise) {
      result.then(
        (value) => this.push({ k: 'reply', rid, ok: true, value }),
        (error) => this.replyError(rid, error),
      );
    } else {
      this.push({ k: 'reply', rid, ok: true, value: result });
    }
  }

  private replyError(rid: number, error: unknown): void {
    const e = error as { name?: string; message?: string; code?: string; reason?: string; details?: unknown };
    this.push({
      k: 'reply',
      rid,
      ok: false,
      error: { name: e?.name ?? 'Error', message: e?.message ?? String(error), code: e?.code ?? e?.reason, details: e?.details },
    });
  }
}
