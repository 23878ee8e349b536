import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { OCPI_TARIFF_ID_MAX, tariffToOcpi, type OcpiTariff } from '../core/ocpi/tariffs.js';
import type { TariffStore } from '../core/ports/store/tariff-store.js';
import type { OcpiDeliveryLoop } from './delivery.js';
import type { LocationService } from './locations.js';
import type { RoamingService } from './roaming-service.js';
import { pageParams, setPageHeaders } from './pagination.js';
import { envelope } from './status.js';

export type TariffReader = Pick<TariffStore, 'listTariffs' | 'getTariff' | 'resolveTariff'>;

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
    if (tariffId.length <= OCPI_TARIFF_ID_MAX) {
      const tariff = await this.tariffs.getTariff(tenantId, tariffId);
      for (const party of await this.roaming.listParties(tenantId)) {
        const path = `/${party.countryCode}/${party.partyId}/${tariffId}`;
        const objectKey = `tariff:${party.countryCode}*${party.partyId}*${tariffId}`;
        await this.delivery.push(tenantId, [tariff ? { method: 'PUT', path, body: tariffToOcpi(tariff, party), objectKey } : { method: 'DELETE', path, body: null, objectKey }], 'tariffs');
      }
      this.log.info({ tenantId, tariffId, deleted: !tariff }, 'OCPI tariff change queued for partners');
    }
    await this.assignmentsChanged(tenantId);
  }

  /** Assignments changed: connectors whose tariff_ids follow them are updated and their locations pushed. */
  async assignmentsChanged(tenantId: string): Promise<void> {
    await this.locations.refreshTariffIds(tenantId, (stationId, evseId) => this.tariffIdsFor(tenantId, stationId, evseId));
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
