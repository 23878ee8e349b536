import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { retryDelayMs, type RoamingPartner } from '../core/ocpi/roaming.js';
import type { OcpiDelivery, OcpiStore } from '../core/ports/store/ocpi-store.js';
import { callPartner } from './client.js';
import type { OcpiConfig } from './config.js';
import type { LocationPusher } from './locations.js';
import type { RoamingService } from './roaming-service.js';

/**
 * Pushes and callbacks to partners through the durable outbox (store.ocpi deliveries): one
 * request in flight per partner, strictly in enqueue order per partner (so per object too); a
 * failure (network, timeout, HTTP 5xx or 408/429) holds that partner's queue with back-off and
 * never blocks OCPP handling or other partners. A refusal the partner will repeat (other 4xx, an
 * OCPI 2xxx status) is logged and dropped, so one bad object cannot stop the queue for ever.
 * Runs on the main thread of every node with the API; in a cluster the nodes share the store's
 * queue, so a request may reach a partner twice (at-least-once; OCPI pushes are idempotent PUT/PATCH).
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

  constructor(
    private readonly store: OcpiStore,
    private readonly roaming: RoamingService,
    private readonly config: OcpiConfig,
    private readonly log: Pick<Logger, 'info' | 'warn'>,
    registry?: Registry,
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
  }

  /** Enqueues one request per registered partner with a receiver endpoint of `module`, then wakes. */
  async push(tenantId: string, deliveries: Array<{ method: 'PUT' | 'PATCH' | 'POST' | 'DELETE'; path: string; body: unknown; objectKey: string }>, module: string): Promise<void> {
    const partners = await this.roaming.receivers(tenantId, module);
    const createdAt = new Date().toISOString();
    await this.store.enqueueDeliveries(partners.flatMap((p) => deliveries.map((d) => ({ tenantId, partnerId: p.id, module, createdAt, ...d }))));
    if (partners.length > 0) this.wake();
  }

  /** Enqueues requests for one partner (the token's eMSP: sessions, CDRs) when it has a receiver of `module`. */
  async pushTo(tenantId: string, partnerId: string, module: string, deliveries: Array<{ method: 'PUT' | 'PATCH' | 'POST' | 'DELETE'; path: string; body: unknown; objectKey: string }>): Promise<void> {
    const partner = (await this.roaming.receivers(tenantId, module)).find((p) => p.id === partnerId);
    if (!partner) return;
    const createdAt = new Date().toISOString();
    await this.store.enqueueDeliveries(deliveries.map((d) => ({ tenantId, partnerId, module, createdAt, ...d })));
    this.wake();
  }

  /** A request to one partner at a full URL (e.g. a CommandResult to its response_url). */
  async sendTo(tenantId: string, partnerId: string, delivery: { method: 'POST' | 'PUT'; url: string; body: unknown; objectKey: string }): Promise<void> {
    await this.store.enqueueDeliveries([{ tenantId, partnerId, module: 'url', method: delivery.method, path: delivery.url, body: delivery.body, objectKey: delivery.objectKey, createdAt: new Date().toISOString() }]);
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
      const job = this.deliver(head)
        .catch((error: unknown) => this.log.warn({ err: error, tenantId: head.tenantId, partnerId: head.partnerId }, 'OCPI delivery failed unexpectedly'))
        .finally(() => {
          this.inFlight.delete(key);
          this.active.delete(job);
        });
      this.active.add(job);
    }
  }

  private async deliver(head: OcpiDelivery): Promise<void> {
    const fields = { tenantId: head.tenantId, partnerId: head.partnerId, seq: head.seq, method: head.method, module: head.module, objectKey: head.objectKey };
    const doc = await this.store.getDoc<RoamingPartner>('partner', head.tenantId, head.partnerId);
    const partner = doc?.body;
    if (!partner || partner.status !== 'registered' || !partner.theirToken) {
      await this.store.completeDelivery(head.seq);
      this.log.warn({ ...fields, partnerStatus: partner?.status ?? 'gone' }, 'OCPI delivery dropped: partner not registered');
      return;
    }
    const base = head.module === 'url' ? '' : partner.endpoints.find((e) => e.identifier === head.module && e.role === 'RECEIVER')?.url;
    if (base === undefined) {
      await this.store.completeDelivery(head.seq);
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
      await this.store.completeDelivery(head.seq);
      this.wake();
      return;
    }
    const retry = answer.httpStatus === null || answer.httpStatus >= 500 || answer.httpStatus === 408 || answer.httpStatus === 429
      || (answer.httpStatus < 300 && (answer.body?.status_code ?? 3000) >= 3000);
    const log = { ...fields, url, httpStatus: answer.httpStatus, ocpiStatus: answer.body?.status_code ?? null, error: answer.error, attempts: head.attempts + 1 };
    if (!retry) {
      this.failures?.inc({ tenant: head.tenantId, partner: head.partnerId, outcome: 'dropped' });
      await this.store.completeDelivery(head.seq);
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
}
