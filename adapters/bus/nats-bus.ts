import type { NatsConnection, Subscription as NatsSubscription } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { BusEvent } from '../../core/types.js';
import type { LoggedFrame } from '../../core/ports/store/message-log-store.js';
import { SubscriberTable, type Bus, type EventHandler, type PublishOutcome, type Subscription } from '../../core/ports/bus.js';
import { BoundedOutbox } from './bounded-outbox.js';
import { ALL_EVENTS, DURABLE_EVENTS, eventSubject, frameSubject, isDurable } from './nats-subjects.js';

interface Outgoing {
  subject: string;
  data: string;
  durable: boolean;
}

export interface NatsBusOptions {
  /** Messages held while NATS is unreachable (CSMS_NATS_BUFFER); beyond that the oldest are dropped. */
  bufferSize: number;
  onHandlerError?: (error: unknown) => void;
  onPublishError?: (error: unknown) => void;
  /** How long a JetStream publish waits for its acknowledgement before it counts as not taken (ms). */
  ackTimeoutMs?: number;
}

export const EVENT_STREAM = 'CSMS_TRANSACTIONS';
/** Event ids remembered for de-duplication: far more than a retry's distance (a batch of 256). */
const RECENT_IDS = 16_384;
const DECODER = new TextDecoder();
const WEEK_NS = 7 * 24 * 3600 * 1e9;

/**
 * The bus over NATS. Events go to `csms.<tenant>.station.<stationId>.<event>` as versioned JSON
 * (the BusEvent itself). Transaction events go through JetStream (stream CSMS_TRANSACTIONS) so
 * an acknowledged publish is stored; everything else is core NATS. While the connection is down
 * messages wait in a bounded outbox and are sent in order on reconnect.
 */
export class NatsBus implements Bus {
  readonly kind = 'nats';
  private readonly js: JetStreamClient;
  private readonly outbox: BoundedOutbox<Outgoing>;
  private subscription: NatsSubscription | undefined;
  private readonly subscribers = new SubscriberTable();
  /** Ids of the events delivered lately (insertion order), to drop a retried publish's second copy. */
  private readonly recentIds = new Set<string>();
  private duplicates = 0;
  private connected = true;
  private closed = false;
  private publishFailures = 0;

  constructor(
    readonly connection: NatsConnection,
    private readonly options: NatsBusOptions,
  ) {
    this.js = jetstream(connection);
    this.outbox = new BoundedOutbox(options.bufferSize);
    void this.watchStatus();
  }

  /** Creates the JetStream stream for durable events (idempotent: same config on every node). */
  async ensureStreams(): Promise<void> {
    const jsm = await jetstreamManager(this.connection);
    try {
      await jsm.streams.info(EVENT_STREAM);
    } catch {
      await jsm.streams.add({ name: EVENT_STREAM, subjects: [DURABLE_EVENTS], max_age: WEEK_NS });
    }
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type === 'disconnect') this.connected = false;
      else if (status.type === 'reconnect') {
        // A server that lost its storage has no stream any more: recreate it before sending.
        // Until then new messages keep queueing behind the outbox, so order is kept.
        await this.ensureStreams().catch((error) => this.options.onPublishError?.(error));
        this.connected = true;
        for (const message of this.outbox.takeAll()) this.send(message);
      }
    }
  }

  publish(event: BusEvent): void {
    if (this.closed) return;
    this.enqueue({ subject: eventSubject(event), data: JSON.stringify(event), durable: isDurable(event.type) });
  }

  /**
   * The outbox's publish: durable (transaction) events go to JetStream with their event id as
   * `Nats-Msg-Id`, so a retry of an event the server stored but never acknowledged is dropped by
   * the stream's duplicate window; the others go to core NATS. Resolves with the acknowledged
   * prefix; an event larger than the server's max payload can never be sent and is dropped.
   */
  async publishConfirmed(events: BusEvent[]): Promise<PublishOutcome> {
    if (this.closed || !this.connected) return { done: 0, dropped: 0 };
    const maxPayload = this.connection.info?.max_payload ?? Number.POSITIVE_INFINITY;
    const attempts = events.map((event): Promise<'ok' | 'dropped'> => {
      const data = JSON.stringify(event);
      if (Buffer.byteLength(data) > maxPayload) return Promise.resolve('dropped');
      const subject = eventSubject(event);
      try {
        if (!isDurable(event.type)) {
          this.connection.publish(subject, data);
          return Promise.resolve('ok');
        }
        return this.js.publish(subject, data, { msgID: event.id, timeout: this.options.ackTimeoutMs ?? 5000 }).then(() => 'ok');
      } catch (error) {
        return Promise.reject(error);
      }
    });
    const settled = await Promise.allSettled(attempts);
    let done = 0;
    let dropped = 0;
    for (const outcome of settled) {
      if (outcome.status === 'rejected') {
        this.options.onPublishError?.(outcome.reason);
        break;
      }
      done++;
      if (outcome.value === 'dropped') dropped++;
    }
    return { done, dropped };
  }

  /** The optional raw frame mirror (CSMS_NATS_FRAME_MIRROR): csms.<tenant>.ocpp.<stationId>.<in|out>.<Action>. */
  mirrorFrames(frames: LoggedFrame[]): void {
    if (this.closed) return;
    for (const f of frames) {
      // The frame is already JSON text: splice it in rather than parse and re-serialise it.
      const { frame, ...meta } = f;
      const data = `${JSON.stringify({ v: 1, ...meta }).slice(0, -1)},"frame":${frame}}`;
      this.enqueue({ subject: frameSubject(f), data, durable: false });
    }
  }

  private enqueue(message: Outgoing): void {
    if (this.connected) this.send(message);
    else this.outbox.push(message);
  }

  private send(message: Outgoing): void {
    try {
      if (!message.durable) {
        this.connection.publish(message.subject, message.data);
        return;
      }
      this.js.publish(message.subject, message.data).catch((error) => {
        // Not acknowledged: keep it for the reconnect if the link is down, otherwise count it lost.
        if (!this.connected && !this.closed) this.outbox.push(message);
        else this.failed(error);
      });
    } catch (error) {
      this.failed(error);
    }
  }

  private failed(error: unknown): void {
    this.publishFailures++;
    this.options.onPublishError?.(error);
  }

  /**
   * One NATS subscription per bus, however many local subscribers: each event is parsed once and
   * handed to the subscribers of its type (a SubscriberTable, as in the memory bus), and an event
   * id seen lately is handed on only once. A publish the outbox retries (not acknowledged in
   * time, yet delivered) reaches core subscribers again: without this, a retried old status
   * could be applied after newer ones.
   */
  subscribe(pattern: string, handler: EventHandler): Subscription {
    if (this.closed) return { unsubscribe: () => {} };
    const unsubscribe = this.subscribers.add(pattern, handler);
    this.subscription ??= this.connection.subscribe(ALL_EVENTS, {
      callback: (error, msg) => {
        if (!error) this.deliver(msg.data);
      },
    });
    return { unsubscribe };
  }

  /** Events dropped because their id had been delivered lately (retried publishes). */
  get duplicatesDropped(): number {
    return this.duplicates;
  }

  private deliver(data: Uint8Array): void {
    let event: BusEvent;
    try {
      event = JSON.parse(DECODER.decode(data)) as BusEvent;
    } catch {
      return; // not ours: someone published garbage on our subjects
    }
    if (typeof event?.type !== 'string') return;
    if (typeof event.id === 'string') {
      if (this.recentIds.has(event.id)) {
        this.duplicates++;
        return;
      }
      this.recentIds.add(event.id);
      // A Set iterates in insertion order: the first is the oldest.
      if (this.recentIds.size > RECENT_IDS) this.recentIds.delete(this.recentIds.values().next().value!);
    }
    for (const handler of this.subscribers.matching(event.type)) {
      try {
        handler(event);
      } catch (handlerError) {
        this.options.onHandlerError?.(handlerError);
      }
    }
  }

  /** Resolves after a round trip to the server: subscriptions made so far are live. */
  async flush(): Promise<void> {
    if (!this.closed) await this.connection.flush();
  }

  stats(): { buffered: number; dropped: number; connected: boolean } {
    return { buffered: this.outbox.size, dropped: this.outbox.dropped + this.publishFailures, connected: this.connected };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscribers.clear();
    try {
      await this.connection.drain();
    } catch {
      await this.connection.close().catch(() => {});
    }
  }
}
