/**
 * Request/reply and fire-and-forget messages between threads over a MessagePort or Worker.
 * Messages posted in one turn of the event loop travel as one batch: one structured clone
 * and one wake-up of the other thread, instead of one per message.
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
  postMessage(value: unknown): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
}

export type MessageHandler = (message: ThreadMessage) => unknown;

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

export class ThreadChannel {
  private outbox: unknown[] = [];
  private flushScheduled = false;
  private nextRid = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();

  constructor(
    private readonly port: PortLike,
    private readonly handler: MessageHandler,
  ) {
    port.on('message', (batch) => {
      for (const message of batch as ThreadMessage[]) this.dispatch(message);
    });
  }

  send(message: ThreadMessage): void {
    this.outbox.push(message);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  request<T = unknown>(message: ThreadMessage): Promise<T> {
    const rid = this.nextRid++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(rid, { resolve: resolve as (v: unknown) => void, reject });
      this.send({ ...message, rid });
    });
  }

  /** Rejects every request still waiting (the other thread died). */
  failPending(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }

  flush(): void {
    this.flushScheduled = false;
    if (this.outbox.length === 0) return;
    const batch = this.outbox;
    this.outbox = [];
    this.port.postMessage(batch);
  }

  private dispatch(message: ThreadMessage): void {
    if (message.k === 'reply') {
      const reply = message as unknown as Reply;
      const waiter = this.waiting.get(reply.rid);
      if (!waiter) return;
      this.waiting.delete(reply.rid);
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(new RemoteError(reply.error!.name, reply.error!.message, reply.error!.code, reply.error!.details));
      return;
    }
    const rid = message.rid;
    let result: unknown;
    try {
      result = this.handler(message);
    } catch (error) {
      if (rid !== undefined) this.replyError(rid, error);
      return;
    }
    if (rid === undefined) return;
    if (result instanceof Promise) {
      result.then(
        (value) => this.send({ k: 'reply', rid, ok: true, value }),
        (error) => this.replyError(rid, error),
      );
    } else {
      this.send({ k: 'reply', rid, ok: true, value: result });
    }
  }

  private replyError(rid: number, error: unknown): void {
    const e = error as { name?: string; message?: string; code?: string; reason?: string; details?: unknown };
    this.send({
      k: 'reply',
      rid,
      ok: false,
      error: { name: e?.name ?? 'Error', message: e?.message ?? String(error), code: e?.code ?? e?.reason, details: e?.details },
    });
  }
}
