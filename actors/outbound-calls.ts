import { callErrorReply, failedReply, resultReply, type StationReply } from '../core/envelope.js';
import type { CallErrorFrame, CallResultFrame, Payload } from '../core/frame.js';
import { serializeCall } from '../core/frame.js';

interface QueuedCall {
  id: string;
  action: string;
  payload: Payload;
  /** Every outcome resolves, failures included: a station's fault is a reply, not an exception. */
  resolve: (reply: StationReply) => void;
}

export interface OutboundCallsOptions {
  send: (text: string) => boolean;
  timeoutMs: number;
  maxQueued: number;
  /** Checks the station's CALLRESULT payload; returns a reason when it is invalid. */
  checkResponse: (action: string, payload: Payload) => string | undefined;
  /** Told after a CALL was written to the socket (message log). */
  onSent?: (id: string, action: string, text: string) => void;
  /** Told when a CALLRESULT was invalid, so 2.1 can answer with CALLRESULTERROR. */
  onInvalidResponse?: (id: string, reason: string) => void;
}

let sequence = 0;
/** Unique per process, so unique per direction per connection as OCPP requires. */
function nextMessageId(): string {
  sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
  return `sy${sequence.toString(36)}`;
}

/** CSMS→station calls for one station: at most one in flight (OCPP rule), the rest queued. */
export class OutboundCalls {
  private readonly queue: QueuedCall[] = [];
  private inFlight: QueuedCall | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: OutboundCallsOptions) {}

  call(action: string, payload: Payload): Promise<StationReply> {
    if (this.closed) return Promise.resolve(failedReply('disconnected', 'Station is not connected'));
    if (this.queue.length >= this.options.maxQueued) {
      return Promise.resolve(failedReply('queue-full', `More than ${this.options.maxQueued} calls queued for this station`));
    }
    return new Promise((resolve) => {
      this.queue.push({ id: nextMessageId(), action, payload, resolve });
      this.pump();
    });
  }

  get pending(): number {
    return this.queue.length + (this.inFlight ? 1 : 0);
  }

  /** The action of the call in flight with this id, so an answer can be logged with it. */
  actionOf(id: string): string | undefined {
    return this.inFlight?.id === id ? this.inFlight.action : undefined;
  }

  /** Returns false when the id matches no call in flight (a stray or late answer). */
  onResult(frame: CallResultFrame): boolean {
    const call = this.take(frame.id);
    if (!call) return false;
    const problem = this.options.checkResponse(call.action, frame.payload);
    if (problem) {
      this.options.onInvalidResponse?.(frame.id, problem);
      call.resolve(failedReply('invalid-response', `Station answered ${call.action} with an invalid payload: ${problem}`));
    } else {
      call.resolve(resultReply(frame.payload));
    }
    this.pump();
    return true;
  }

  onError(frame: CallErrorFrame): boolean {
    const call = this.take(frame.id);
    if (!call) return false;
    call.resolve(callErrorReply(frame.code, frame.description, frame.details));
    this.pump();
    return true;
  }

  /** Fails everything pending; later calls are refused. */
  close(): void {
    this.closed = true;
    const failure = failedReply('disconnected', 'Station disconnected');
    const all = this.inFlight ? [this.inFlight, ...this.queue] : [...this.queue];
    this.inFlight = undefined;
    this.queue.length = 0;
    this.clearTimer();
    for (const call of all) call.resolve(failure);
  }

  private take(id: string): QueuedCall | undefined {
    if (!this.inFlight || this.inFlight.id !== id) return undefined;
    const call = this.inFlight;
    this.inFlight = undefined;
    this.clearTimer();
    return call;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pump(): void {
    while (!this.inFlight && !this.closed) {
      const next = this.queue.shift();
      if (!next) return;
      const text = serializeCall(next.id, next.action, next.payload);
      if (!this.options.send(text)) {
        next.resolve(failedReply('send-failed', 'Could not write to the station socket'));
        continue;
      }
      this.inFlight = next;
      this.options.onSent?.(next.id, next.action, text);
      this.timer = setTimeout(() => {
        if (this.inFlight !== next) return;
        this.inFlight = undefined;
        this.timer = undefined;
        next.resolve(failedReply('timeout', `Station did not answer ${next.action} within ${this.options.timeoutMs} ms`));
        this.pump();
      }, this.options.timeoutMs);
    }
  }
}
