import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { OCPI_TARIFF_ID_MAX, tariffToOcpi, type OcpiTariff } from '../core/ocpi/tariffs.js';
import type { NewOcpiDelivery, OcpiDoc, OcpiStore } from '../core/ports/store/ocpi-store.js';
import type { TariffStore } from '../core/ports/store/tariff-store.js';
import type { OcpiDeliveryLoop } from './delivery.js';
import type { LocationService } from './locations.js';
import type { RoamingService } from './roaming-service.js';
import { pageParams, setPageHeaders } from './pagination.js';
import { envelope } from './status.js';

export type TariffReader = Pick<TariffStore, 'listTariffs' | 'getTariff' | 'resolveTariff' | 'listAssignments'>;

/**
 * `store.ocpi` documents (kind 'meta') that say what partners were last told, each written in the
 * same write as the pushes it stands for: per tariff (scope PUSHED_SCOPE) the `updatedAt` of the
 * version pushed (null: its deletion), and per tenant the fingerprint of the assignments and
 * tariffs the connectors' tariff_ids were last derived from. One behind the tariff store means a
 * node died between the tariff write and its pushes: `reconcile` catches up.
 */
const PUSHED_SCOPE = 'tariff-pushed';
const ASSIGNMENTS_MARK = 'tariff-assignments';
const pushedMarkId = (tariffId: string) => `tariff:${tariffId}`;
/** A tariff's push marker; `missingSince`: when a sweep first found the tariff gone while the marker still named a version. */
interface PushedMark {
  updatedAt: string | null;
  missingSince?: string;
}

/**
 * The tariffs module, sender side (OCPI 2.2.1 §11): the tenant's tariffs (store.tariffs, the same
 * ones Switchyard prices transactions with) as OCPI Tariff objects (core/ocpi/tariffs.ts), one per
 * tariff and CPO party of the tenant. Read from the tariff store on every GET (no copy to go
 * stale); a change made through the REST API is pushed (PUT, or DELETE for a removed tariff) to
 * every registered partner with a tariffs receiver, through the outbox, and the connectors whose
 * tariff_ids follow the assignments are updated (a location PUT when they changed).
 * Tariffs whose id is longer than OCPI allows (36) are not published.
 */
export class TariffSender {
  constructor(
    private readonly tariffs: TariffReader,
    private readonly store: Pick<OcpiStore, 'putDoc' | 'getDoc' | 'listDocs'>,
    private readonly roaming: RoamingService,
    private readonly delivery: OcpiDeliveryLoop,
    private readonly locations: LocationService,
    private readonly log: Pick<Logger, 'info' | 'warn'>,
  ) {}

  /** Every published tariff of the tenant, oldest last_updated first (then id, party), filtered by date (from incl., to excl.). */
  async list(tenantId: string, filter: { from?: string; to?: string } = {}): Promise<OcpiTariff[]> {
    const parties = await this.roaming.listParties(tenantId);
    const out: OcpiTariff[] = [];
    for (const tariff of await this.tariffs.listTariffs(tenantId)) {
      if (tariff.id.length > OCPI_TARIFF_ID_MAX) continue;
      if (filter.from && tariff.updatedAt < filter.from) continue;
      if (filter.to && tariff.updatedAt >= filter.to) continue;
      for (const party of parties) out.push(tariffToOcpi(tariff, party));
    }
    const key = (t: OcpiTariff) => `${t.last_updated}|${t.id}|${t.country_code}|${t.party_id}`;
    return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  /** Tariff `tariffId` was created, replaced or deleted: partners are told, connectors' tariff_ids follow. */
  async changed(tenantId: string, tariffId: string): Promise<void> {
    await this.push(tenantId, tariffId);
    await this.assignmentsChanged(tenantId);
  }

  /** PUT (or DELETE) of the tariff as it is now to every partner, with its marker in the same write. */
  private async push(tenantId: string, tariffId: string): Promise<void> {
    if (tariffId.length > OCPI_TARIFF_ID_MAX) return;
    const tariff = await this.tariffs.getTariff(tenantId, tariffId);
    const deliveries: NewOcpiDelivery[] = [];
    for (const party of await this.roaming.listParties(tenantId)) {
      const path = `/${party.countryCode}/${party.partyId}/${tariffId}`;
      const objectKey = `tariff:${party.countryCode}*${party.partyId}*${tariffId}`;
      deliveries.push(...(await this.delivery.deliveriesFor(tenantId, [tariff ? { method: 'PUT', path, body: tariffToOcpi(tariff, party), objectKey } : { method: 'DELETE', path, body: null, objectKey }], 'tariffs')));
    }
    const now = new Date().toISOString();
    const mark: PushedMark = { updatedAt: tariff?.updatedAt ?? null };
    await this.store.putDoc({ tenantId, kind: 'meta', id: pushedMarkId(tariffId), scope: PUSHED_SCOPE, lookup: null, lastUpdated: now, body: mark }, deliveries);
    if (deliveries.length > 0) this.delivery.wake();
    this.log.info({ tenantId, tariffId, deleted: !tariff, deliveries: deliveries.length }, 'OCPI tariff change queued for partners');
  }

  /** Assignments changed: connectors whose tariff_ids follow them are updated and their locations pushed; how many locations changed. */
  async assignmentsChanged(tenantId: string): Promise<number> {
    // Read before deriving: a change made meanwhile leaves the mark behind, and reconcile derives again.
    const fingerprint = await this.assignmentsFingerprint(tenantId);
    const changed = await this.locations.refreshTariffIds(tenantId, (stationId, evseId) => this.tariffIdsFor(tenantId, stationId, evseId));
    await this.store.putDoc({ tenantId, kind: 'meta', id: ASSIGNMENTS_MARK, scope: '', lookup: null, lastUpdated: new Date().toISOString(), body: { fingerprint } });
    return changed;
  }

  /**
   * Catches up with tariff changes whose pushes a dying node left unmade: a tariff written before
   * `olderThan` whose marker is missing or names another version is pushed again, a marker of a
   * tariff that no longer exists becomes its DELETE, and the connectors' tariff_ids are derived
   * again when the assignments (or the tariffs they name) changed since they last were. How many
   * tariffs were pushed and how many locations' tariff_ids changed.
   */
  async reconcile(tenantId: string, olderThan: string): Promise<{ tariffs: number; locations: number }> {
    const tariffs = await this.tariffs.listTariffs(tenantId);
    const pushed = new Map<string, OcpiDoc<PushedMark>>();
    for (let offset = 0; ; offset += 1000) {
      const page = await this.store.listDocs<PushedMark>('meta', tenantId, { scope: PUSHED_SCOPE, offset, limit: 1000 });
      for (const doc of page.items) pushed.set(doc.id, doc);
      if (page.items.length < 1000) break;
    }
    let repaired = 0;
    const present = new Set<string>();
    for (const tariff of tariffs) {
      if (tariff.id.length > OCPI_TARIFF_ID_MAX) continue;
      present.add(pushedMarkId(tariff.id));
      if (tariff.updatedAt >= olderThan || pushed.get(pushedMarkId(tariff.id))?.body.updatedAt === tariff.updatedAt) continue;
      await this.push(tenantId, tariff.id);
      repaired++;
    }
    for (const [id, mark] of pushed) {
      if (present.has(id) || mark.body.updatedAt === null) continue;
      // When it went is not kept: the first sweep that misses it notes it, one after the grace pushes the DELETE.
      if (!mark.body.missingSince) {
        await this.store.putDoc({ ...mark, body: { ...mark.body, missingSince: new Date().toISOString() } });
        continue;
      }
      if (mark.body.missingSince >= olderThan) continue;
      await this.push(tenantId, id.slice('tariff:'.length));
      repaired++;
    }
    const mark = await this.store.getDoc<{ fingerprint: string }>('meta', tenantId, ASSIGNMENTS_MARK);
    const stale = mark?.body.fingerprint !== (await this.assignmentsFingerprint(tenantId, tariffs));
    const locations = stale ? await this.assignmentsChanged(tenantId) : 0;
    if (repaired > 0 || locations > 0) this.log.warn({ tenantId, tariffs: repaired, locations }, 'OCPI tariff pushes or tariff_ids a node had left unmade: made by the reconciliation sweep');
    return { tariffs: repaired, locations };
  }

  /** What connectors' tariff_ids are derived from: every assignment, and which tariffs exist (an assigned tariff may be gone). */
  private async assignmentsFingerprint(tenantId: string, known?: Array<{ id: string }>): Promise<string> {
    const assignments = (await this.tariffs.listAssignments(tenantId)).map((a) => `${JSON.stringify(a.target)}=${a.tariffId}@${a.updatedAt}`).sort();
    const tariffIds = (known ?? (await this.tariffs.listTariffs(tenantId))).map((t) => t.id).sort();
    return createHash('sha256').update(JSON.stringify([assignments, tariffIds])).digest('base64url');
  }

  /** The tariff that applies at an EVSE to a driver without a token group (§8.3.3 tariff_ids: the currently valid one). */
  async tariffIdsFor(tenantId: string, stationId: string, evseId: number): Promise<string[]> {
    const found = await this.tariffs.resolveTariff(tenantId, { stationId, evseId });
    return found && found.tariff.id.length <= OCPI_TARIFF_ID_MAX ? [found.tariff.id] : [];
  }
}

/** The tariffs module, sender interface (§11.2.1): GET the list, paginated, with date_from/date_to on last_updated. */
export async function tariffsModule(app: FastifyInstance, options: { base: string; baseUrl: string; pageLimit: number; tariffs: TariffSender }): Promise<void> {
  app.get(options.base, { schema: { hide: true } }, async (request: FastifyRequest, reply: FastifyReply) => {
    const query = request.query as Record<string, unknown>;
    const page = pageParams(query, options.pageLimit);
    const all = await options.tariffs.list(request.ocpiCaller!.partner.tenantId, { ...(page.from ? { from: page.from } : {}), ...(page.to ? { to: page.to } : {}) });
    setPageHeaders(reply, `${options.baseUrl}${options.base}`, page, all.length, query);
    return envelope(1000, all.slice(page.offset, page.offset + page.limit));
  });
}
