import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { retryDelayMs, type RoamingPartner } from '../core/ocpi/roaming.js';
import type { NewOcpiDelivery, OcpiDelivery, OcpiStore } from '../core/ports/store/ocpi-store.js';
import { callPartner } from './client.js';
import type { OcpiConfig } from './config.js';
import type { LocationPusher, PartnerRequest } from './locations.js';
import type { RoamingService } from './roaming-service.js';

/** A lease in the shared store (store.certificates.takeLease / releaseLease): one holder per job at a time. */
export interface DeliveryLease {
  nodeId: string;
  take(job: string, nodeId: string, now: string, until: string): Promise<boolean>;
  release(job: string, nodeId: string): Promise<void>;
}

/**
 * Pushes and callbacks to partners through the durable outbox (store.ocpi deliveries): one
 * request in flight per partner, in queue (seq) order per partner, so per object too (in a
 * cluster, a delivery another node committed late goes as soon as it is visible); a
 * failure (network, timeout, HTTP 5xx or 408/429) holds that partner's queue with back-off and
 * never blocks OCPP handling or other partners. A refusal the partner will repeat (other 4xx, an
 * OCPI 2xxx status) is logged and dropped, so one bad object cannot stop the queue for ever.
 * Runs on the main thread of every node with the API. In a cluster the nodes share the store's
 * queue, and a partner's queue is drained by one node at a time: the node holds the partner's
 * lease (`lease`, store.certificates' job leases, renewed before each request and longer than a
 * request may take), so each request is sent once. Only a node that dies between the partner's
 * answer and the completion can make a request go twice (then the next holder re-sends it).
 */
export class OcpiDeliveryLoop implements LocationPusher {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly inFlight = new Set<string>();
  private readonly pendingGauge: Gauge | undefined;
  private readonly failures: Counter | undefined;
  private readonly latency: Histogram | undefined;
  private readonly active = new Set<Promise<void>>();
  /** Partners (`tenantId|partnerId`) whose lease this node holds, until when (epoch ms). */
  private readonly held = new Map<string, number>();
  /**
   * The seqs this node completed lately per partner (the newest last): a head read before its
   * completion committed is not sent again. Exact seqs, not "up to the newest": in a cluster a
   * delivery another node enqueued can commit after a later seq was sent, and must still go.
   */
  private readonly done = new Map<string, number[]>();

  constructor(
    private readonly store: OcpiStore,
    private readonly roaming: RoamingService,
    private readonly config: OcpiConfig,
    private readonly log: Pick<Logger, 'info' | 'warn'>,
    registry?: Registry,
    private readonly lease?: DeliveryLease,
  ) {
    if (registry) {
      const store = this.store;
      this.pendingGauge = new Gauge({
        name: 'ocpi_partner_deliveries_pending', help: 'OCPI pushes and callbacks waiting per partner', labelNames: ['tenant', 'partner'], registers: [registry],
        async collect() {
          this.reset();
          for (const [key, n] of await store.countDeliveries()) {
            const [tenant, partner] = key.split('|');
            this.set({ tenant: tenant!, partner: partner! }, n);
          }
        },
      });
      this.failures = new Counter({ name: 'ocpi_partner_delivery_failures_total', help: 'Failed OCPI requests to partners (retried or dropped)', labelNames: ['tenant', 'partner', 'outcome'], registers: [registry] });
      this.latency = new Histogram({ name: 'ocpi_partner_delivery_seconds', help: 'Time of an OCPI request to a partner', labelNames: ['tenant', 'partner'], buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10], registers: [registry] });
    }
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.config.tickMs);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.active]);
    // Hand the partners back, so another node drains them at once.
    const lease = this.lease;
    if (lease) await Promise.allSettled([...this.held.keys()].map((key) => lease.release(leaseJob(key), lease.nodeId)));
    this.held.clear();
  }

  /** One request per registered partner with a receiver endpoint of `module`: for a write that enqueues them itself. */
  async deliveriesFor(tenantId: string, deliveries: PartnerRequest[], module: string): Promise<NewOcpiDelivery[]> {
    const partners = await this.roaming.receivers(tenantId, module);
    const createdAt = new Date().toISOString();
    return partners.flatMap((p) => deliveries.map((d) => ({ tenantId, partnerId: p.id, module, createdAt, ...d })));
  }

  /** The requests to one partner (the token's eMSP: sessions, CDRs), when it has a receiver of `module`: for a write that enqueues them itself. */
  async deliveriesTo(tenantId: string, partnerId: string, module: string, deliveries: PartnerRequest[]): Promise<NewOcpiDelivery[]> {
    return (await this.deliveriesFor(tenantId, deliveries, module)).filter((d) => d.partnerId === partnerId);
  }

  /** A request to one partner at a full URL (e.g. a CommandResult to its response_url). */
  async sendTo(tenantId: string, partnerId: string, delivery: UrlRequest): Promise<void> {
    await this.store.enqueueDeliveries([urlDelivery(tenantId, partnerId, delivery)]);
    this.wake();
  }

  /** Pending deliveries per `tenantId|partnerId`. */
  pendingCounts(): Promise<Map<string, number>> {
    return this.store.countDeliveries();
  }

  /** The oldest pending delivery of each partner (`tenantId|partnerId`): how its outbox is doing (attempts, next try, last error). */
  async heads(): Promise<Map<string, OcpiDelivery>> {
    return new Map((await this.store.deliveryHeads(10_000)).map((h) => [`${h.tenantId}|${h.partnerId}`, h]));
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.round()
      .catch((error: unknown) => this.log.warn({ err: error }, 'OCPI delivery round failed'))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async round(): Promise<void> {
    const now = new Date().toISOString();
    for (const head of await this.store.deliveryHeads(1000)) {
      const key = `${head.tenantId}|${head.partnerId}`;
      if (head.nextAt > now || this.inFlight.has(key)) continue;
      this.inFlight.add(key);
      const job = this.deliverIfOwner(key, head)
        .catch((error: unknown) => this.log.warn({ err: error, tenantId: head.tenantId, partnerId: head.partnerId }, 'OCPI delivery failed unexpectedly'))
        .finally(() => {
          this.inFlight.delete(key);
          this.active.delete(job);
        });
      this.active.add(job);
    }
  }

  /**
   * Sends the partner's head when this node holds the partner's lease (taking or renewing it). A
   * lease just taken (not held without a break) means another node may have sent heads since this
   * one was read, so the head is read again.
   */
  private async deliverIfOwner(key: string, head: OcpiDelivery): Promise<void> {
    let current: OcpiDelivery | undefined = head;
    if (this.lease) {
      const now = Date.now();
      const until = this.held.get(key);
      if (until === undefined || until - now < this.config.leaseMs / 2) {
        const taken = await this.lease.take(leaseJob(key), this.lease.nodeId, new Date(now).toISOString(), new Date(now + this.config.leaseMs).toISOString());
        if (!taken) {
          this.held.delete(key);
          return;
        }
        this.held.set(key, now + this.config.leaseMs);
        if (until === undefined || until <= now) {
          current = (await this.store.deliveryHeads(1000)).find((h) => h.tenantId === head.tenantId && h.partnerId === head.partnerId);
          if (!current || current.nextAt > new Date().toISOString()) return;
        }
      }
    }
    if (this.done.get(key)?.includes(current.seq)) return;
    await this.deliver(current);
  }

  private async deliver(head: OcpiDelivery): Promise<void> {
    const fields = { tenantId: head.tenantId, partnerId: head.partnerId, seq: head.seq, method: head.method, module: head.module, objectKey: head.objectKey };
    const doc = await this.store.getDoc<RoamingPartner>('partner', head.tenantId, head.partnerId);
    const partner = doc?.body;
    if (!partner || partner.status !== 'registered' || !partner.theirToken) {
      await this.complete(head);
      this.log.warn({ ...fields, partnerStatus: partner?.status ?? 'gone' }, 'OCPI delivery dropped: partner not registered');
      return;
    }
    const base = head.module === 'url' ? '' : partner.endpoints.find((e) => e.identifier === head.module && e.role === 'RECEIVER')?.url;
    if (base === undefined) {
      await this.complete(head);
      this.log.warn(fields, 'OCPI delivery dropped: partner has no receiver endpoint for the module');
      return;
    }
    const url = head.module === 'url' ? head.path : `${base.replace(/\/+$/, '')}${head.path}`;
    const [countryCode, partyId] = head.path.split('/').slice(1, 3);
    const answer = await callPartner(head.method, url, partner.theirToken, {
      body: head.method === 'DELETE' ? undefined : head.body, timeoutMs: this.config.timeoutMs, correlationId: `${head.objectKey}#${head.seq}`,
      ...(head.module !== 'url' && countryCode && partyId ? { from: { countryCode, partyId } } : {}),
    });
    this.latency?.observe({ tenant: head.tenantId, partner: head.partnerId }, answer.ms / 1000);
    if (answer.ok) {
      await this.complete(head);
      this.wake();
      return;
    }
    const retry = answer.httpStatus === null || answer.httpStatus >= 500 || answer.httpStatus === 408 || answer.httpStatus === 429
      || (answer.httpStatus < 300 && (answer.body?.status_code ?? 3000) >= 3000);
    const log = { ...fields, url, httpStatus: answer.httpStatus, ocpiStatus: answer.body?.status_code ?? null, error: answer.error, attempts: head.attempts + 1 };
    if (!retry) {
      this.failures?.inc({ tenant: head.tenantId, partner: head.partnerId, outcome: 'dropped' });
      await this.complete(head);
      this.log.warn(log, 'OCPI delivery refused by partner: dropped');
      this.wake();
      return;
    }
    this.failures?.inc({ tenant: head.tenantId, partner: head.partnerId, outcome: 'retry' });
    const delay = retryDelayMs(head.attempts + 1, this.config.retryBaseMs, this.config.retryMaxMs, Math.random());
    await this.store.postponeDelivery(head.seq, new Date(Date.now() + delay).toISOString(), answer.error ?? 'failed');
    this.log.warn({ ...log, retryInMs: delay }, 'OCPI delivery failed: will retry');
    const timer = setTimeout(() => this.wake(), delay + 5);
    timer.unref();
  }

  private async complete(head: OcpiDelivery): Promise<void> {
    await this.store.completeDelivery(head.seq);
    const key = `${head.tenantId}|${head.partnerId}`;
    const done = this.done.get(key) ?? [];
    done.push(head.seq);
    // A stale read is at most a round old: the last few completions are enough to recognise it.
    if (done.length > RECENT_COMPLETIONS) done.shift();
    this.done.set(key, done);
  }
}

/** A request to a full URL of the partner's (a response_url, an endpoint URL plus an id). */
export interface UrlRequest {
  method: 'POST' | 'PUT';
  url: string;
  body: unknown;
  objectKey: string;
}

/** The delivery of a UrlRequest (module 'url': the path is the whole URL), for sendTo or a write that enqueues it itself. */
export function urlDelivery(tenantId: string, partnerId: string, request: UrlRequest): NewOcpiDelivery {
  return { tenantId, partnerId, module: 'url', method: request.method, path: request.url, body: request.body, objectKey: request.objectKey, createdAt: new Date().toISOString() };
}

const leaseJob = (key: string) => `ocpi-delivery:${key}`;

const RECENT_COMPLETIONS = 32;
