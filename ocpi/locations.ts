import type { Logger } from 'pino';
import { CsmsError } from '../core/errors.js';
import { evseStatusOf, partyKey, type EvseMapping } from '../core/ocpi/roaming.js';
import type { OcpiConnector, OcpiEvse, OcpiEvseStatus, OcpiLocation } from '../core/ocpi/types.js';
import type { NewOcpiDelivery, OcpiDoc, OcpiStore } from '../core/ports/store/ocpi-store.js';
import type { ConnectorStatus } from '../core/types.js';
import type { RoamingService } from './roaming-service.js';

/** A location as kept: the OCPI object (§8.3.1) and, per EVSE uid, the OCPP station/EVSE it is. */
export interface LocationRecord {
  location: OcpiLocation;
  mapping: Record<string, EvseMapping>;
  /** Connectors (`evseUid/connectorId`) given without tariff_ids: theirs follow the tariff assignments (ocpi/tariffs.ts). */
  derivedTariffs?: string[];
}

/** The tariff ids that apply at an OCPP EVSE (the tariff assignments' answer). */
export type TariffIdsOf = (stationId: string, evseId: number) => Promise<string[]>;

/** What the REST API takes: the OCPI location without last_updated, each EVSE with its OCPP place. */
export type LocationInput = Omit<OcpiLocation, 'last_updated' | 'evses'> & {
  evses?: Array<Omit<OcpiEvse, 'last_updated' | 'connectors' | 'status'> & { status?: OcpiEvseStatus; ocpp: EvseMapping; connectors: Array<Omit<OcpiConnector, 'last_updated'>> }>;
};

/** Published locations are what partners see (§8.3.1 publish); hidden ones stay ours. */
const scopeOf = (location: OcpiLocation) => (location.publish ? 'published' : 'hidden');

/** One request to each partner told of a change; `path` is below the module's endpoint URL. */
export interface PartnerRequest {
  method: 'PUT' | 'PATCH' | 'POST' | 'DELETE';
  path: string;
  body: unknown;
  objectKey: string;
}

/** Who is told about what: one delivery per registered partner with a locations receiver endpoint. */
export interface LocationPusher {
  /** The deliveries of `requests` to every partner concerned, for a write that enqueues them with the change. */
  deliveriesFor(tenantId: string, requests: PartnerRequest[], module: string): Promise<NewOcpiDelivery[]>;
  /** Deliveries were enqueued: send them soon. */
  wake(): void;
}

/**
 * Locations master data (OCPI 2.2.1 §8, data owner CPO) and the locations sender: REST changes
 * are pushed as PUT of the whole location, OCPP connector statuses as PATCH of the EVSE, to every
 * registered partner through the delivery outbox. Changes to one location are applied one after
 * another in this process, and written by compare-and-set (casUpdate), so neither a status storm
 * nor two nodes changing EVSEs of one location at once lose an update.
 */
export class LocationService {
  private readonly chains = new Map<string, Promise<unknown>>();
  /**
   * stationId → where its EVSEs are, per tenant; rebuilt after a location change here, after
   * `cacheMs`, or when another node changed a location (its mark, looked at most every `markCheckMs`).
   */
  private readonly index = new Map<string, { at: number; checkedAt: number; mark: string | null; byStation: Map<string, Array<{ locationId: string; evseUid: string; evseId: number }>> }>();

  /** Set by ocpi/services.ts when tariffs are published: connectors without tariff_ids get the assigned one. */
  tariffIds: ((tenantId: string) => TariffIdsOf) | undefined;

  constructor(
    private readonly store: OcpiStore,
    private readonly roaming: RoamingService,
    private readonly pusher: LocationPusher,
    private readonly log: Pick<Logger, 'info' | 'warn'>,
    private readonly cacheMs = 30_000,
    private readonly markCheckMs = 1000,
  ) {}

  /**
   * Which locations and EVSE mappings exist changed (a location saved or removed on any node):
   * a mark in the shared store (document kind 'meta', id 'locations') that every node's station
   * index compares with the one it was built under, so a cluster's nodes see a new mapping within
   * about `markCheckMs`, not only after `cacheMs`.
   */
  private async markLocationsChanged(tenantId: string): Promise<void> {
    this.index.delete(tenantId);
    const at = new Date().toISOString();
    await this.store.putDoc({ tenantId, kind: 'meta', id: 'locations', scope: '', lookup: null, lastUpdated: at, body: { mark: `${at}/${Math.random().toString(36).slice(2)}` } });
  }

  private async locationsMark(tenantId: string): Promise<string | null> {
    return (await this.store.getDoc<{ mark: string }>('meta', tenantId, 'locations'))?.body.mark ?? null;
  }

  private serial<T>(key: string, run: () => Promise<T>): Promise<T> {
    const before = this.chains.get(key) ?? Promise.resolve();
    const next = before.then(run, run);
    const settled = next.catch(() => {});
    this.chains.set(key, settled);
    void settled.then(() => this.chains.get(key) === settled && this.chains.delete(key));
    return next;
  }

  async get(tenantId: string, id: string): Promise<OcpiDoc<LocationRecord> | undefined> {
    return this.store.getDoc<LocationRecord>('location', tenantId, id);
  }

  /** Published locations (what partners see), oldest last_updated first, with the total of matches. */
  listPublished(tenantId: string, page: { offset: number; limit: number; from?: string; to?: string }) {
    return this.store.listDocs<LocationRecord>('location', tenantId, { scope: 'published', ...page });
  }

  /** Every location of the tenant (the REST API's list). */
  listAll(tenantId: string, page: { offset: number; limit: number }) {
    return this.store.listDocs<LocationRecord>('location', tenantId, page);
  }

  async require(tenantId: string, id: string): Promise<LocationRecord> {
    const doc = await this.get(tenantId, id);
    if (!doc) throw new CsmsError('LOCATION_NOT_FOUND', `no location ${id}`);
    return doc.body;
  }

  /** Creates or replaces a location; true when new. Pushed (PUT) to partners when published or it was. */
  put(tenantId: string, input: LocationInput): Promise<{ created: boolean; record: LocationRecord }> {
    return this.serial(`${tenantId}|${input.id}`, async () => {
      if (!(await this.roaming.party(tenantId, input.country_code, input.party_id))) {
        throw new CsmsError('OCPI_NO_PARTY', `${partyKey(input.country_code, input.party_id)} is not one of this tenant's OCPI parties`);
      }
      let record!: LocationRecord;
      const created = await this.casUpdate(tenantId, input.id, async (before) => {
        const now = new Date().toISOString();
        const mapping: Record<string, EvseMapping> = {};
        const evses: OcpiEvse[] = (input.evses ?? []).map(({ ocpp, connectors, ...evse }) => {
          mapping[evse.uid] = { stationId: ocpp.stationId, evseId: ocpp.evseId };
          const old = before?.body.location.evses?.find((e) => e.uid === evse.uid);
          return { ...evse, status: evse.status ?? old?.status ?? 'UNKNOWN', connectors: connectors.map((c) => ({ ...c, last_updated: now })), last_updated: now };
        });
        // Connectors given without tariff_ids get the tariffs the assignments choose for their EVSE.
        const derivedTariffs: string[] = [];
        const resolve = this.tariffIds?.(tenantId);
        if (resolve) {
          for (const evse of evses) {
            const given = input.evses?.find((e) => e.uid === evse.uid);
            for (const c of evse.connectors) {
              if (given?.connectors.find((g) => g.id === c.id)?.tariff_ids !== undefined) continue;
              derivedTariffs.push(`${evse.uid}/${c.id}`);
              const ids = await resolve(mapping[evse.uid]!.stationId, mapping[evse.uid]!.evseId);
              if (ids.length > 0) c.tariff_ids = ids;
            }
          }
        }
        const uids = new Set(evses.map((e) => e.uid));
        if (uids.size !== evses.length) throw new CsmsError('VALIDATION_FAILED', 'EVSE uids must be unique within a location');
        const location: OcpiLocation = { ...input, country_code: input.country_code.toUpperCase(), party_id: input.party_id.toUpperCase(), evses, last_updated: now };
        record = { location, mapping, ...(derivedTariffs.length > 0 ? { derivedTariffs } : {}) };
        return {
          write: { tenantId, kind: 'location', id: input.id, scope: scopeOf(location), lookup: null, lastUpdated: now, body: record },
          value: before === undefined,
          ...(location.publish || before?.body.location.publish ? { push: [wholeLocation(location)] } : {}),
          after: () => this.markLocationsChanged(tenantId),
        };
      });
      const evses = record.location.evses ?? [];
      this.log.info({ tenantId, locationId: input.id, evses: evses.length, created }, 'OCPI location saved');
      return { created, record };
    });
  }

  /**
   * A read-modify-write of one location that holds in a cluster: `change` gets the stored
   * document (a copy it may change) and says what to write; a replacement is a compare-and-set
   * (store.ocpi.replaceDocIf), read and applied again when another node wrote the location in
   * between (its EVSEs on stations held by different nodes). The partners' pushes of the change
   * (`push`) are enqueued in the same write, so a node that dies right after it cannot leave a
   * change stored that partners never hear of. `after` runs once the write won.
   * Within this process writes to a location are serialised besides (serial).
   */
  private async casUpdate<T>(
    tenantId: string, id: string,
    change: (doc: OcpiDoc<LocationRecord> | undefined) => Promise<{ write?: OcpiDoc<LocationRecord>; value: T; push?: PartnerRequest[]; after?: () => Promise<void> }>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const before = await this.get(tenantId, id);
      const outcome = await change(before && structuredClone(before));
      if (!outcome.write) return outcome.value;
      const deliveries = outcome.push ? await this.pusher.deliveriesFor(tenantId, outcome.push, 'locations') : [];
      const won = before ? await this.store.replaceDocIf(outcome.write, before, deliveries) : (await this.store.putDoc(outcome.write, deliveries), true);
      if (won) {
        if (deliveries.length > 0) this.pusher.wake();
        await outcome.after?.();
        return outcome.value;
      }
      if (attempt >= 20) throw new Error(`location ${id} kept changing under this write (${attempt} attempts)`);
      this.log.info({ tenantId, locationId: id, attempt }, 'OCPI location changed by another node meanwhile: applied again');
    }
  }

  /** OCPI keeps locations forever: a removed one has its EVSEs REMOVED (§8.4.22) and is unpublished after the push. */
  remove(tenantId: string, id: string): Promise<void> {
    return this.serial(`${tenantId}|${id}`, async () => {
      const doc = await this.get(tenantId, id);
      if (!doc) throw new CsmsError('LOCATION_NOT_FOUND', `no location ${id}`);
      const now = new Date().toISOString();
      const location: OcpiLocation = { ...doc.body.location, evses: (doc.body.location.evses ?? []).map((e) => ({ ...e, status: 'REMOVED' as const, last_updated: now })), last_updated: now };
      const deliveries = doc.body.location.publish ? await this.pusher.deliveriesFor(tenantId, [wholeLocation(location)], 'locations') : [];
      await this.store.putDoc({ ...doc, scope: 'hidden', lastUpdated: now, body: { location: { ...location, publish: false }, mapping: {} } }, deliveries);
      if (deliveries.length > 0) this.pusher.wake();
      await this.markLocationsChanged(tenantId);
    });
  }

  /**
   * The tariff assignments changed: connectors whose tariff_ids follow them get the ones that apply
   * now; a location where any changed is saved and pushed whole (PUT) when published.
   */
  async refreshTariffIds(tenantId: string, resolve: TariffIdsOf): Promise<number> {
    let changed = 0;
    for (let offset = 0; ; offset += 500) {
      const page = await this.store.listDocs<LocationRecord>('location', tenantId, { offset, limit: 500 });
      for (const listed of page.items) {
        if (!listed.body.derivedTariffs?.length) continue;
        // A compare-and-set like every location write: another node may be writing an EVSE status meanwhile.
        changed += await this.serial(`${tenantId}|${listed.id}`, () => this.casUpdate(tenantId, listed.id, async (doc) => {
          if (!doc?.body.derivedTariffs?.length) return { value: 0 };
          const now = new Date().toISOString();
          let any = false;
          for (const key of doc.body.derivedTariffs) {
            const [uid, connectorId] = [key.slice(0, key.lastIndexOf('/')), key.slice(key.lastIndexOf('/') + 1)];
            const evse = doc.body.location.evses?.find((e) => e.uid === uid);
            const connector = evse?.connectors.find((c) => c.id === connectorId);
            const place = doc.body.mapping[uid];
            if (!evse || !connector || !place) continue;
            const ids = await resolve(place.stationId, place.evseId);
            if (JSON.stringify(ids) === JSON.stringify(connector.tariff_ids ?? [])) continue;
            if (ids.length > 0) connector.tariff_ids = ids;
            else delete connector.tariff_ids;
            connector.last_updated = now;
            evse.last_updated = now;
            any = true;
          }
          if (!any) return { value: 0 };
          doc.body.location.last_updated = now;
          return {
            write: { ...doc, lastUpdated: now },
            value: 1,
            ...(doc.body.location.publish ? { push: [wholeLocation(doc.body.location)] } : {}),
            after: async () => this.log.info({ tenantId, locationId: doc.id }, 'OCPI location tariff_ids follow the tariff assignments'),
          };
        }));
      }
      if (page.items.length < 500) break;
    }
    return changed;
  }

  private async stationIndex(tenantId: string) {
    const cached = this.index.get(tenantId);
    const now = Date.now();
    if (cached && now - cached.at < this.cacheMs) {
      if (now - cached.checkedAt < this.markCheckMs) return cached.byStation;
      cached.checkedAt = now;
      if ((await this.locationsMark(tenantId)) === cached.mark) return cached.byStation;
    }
    // The mark before the scan: a change during it makes the next look rebuild again.
    const mark = await this.locationsMark(tenantId);
    const byStation = new Map<string, Array<{ locationId: string; evseUid: string; evseId: number }>>();
    for (let offset = 0; ; offset += 500) {
      const page = await this.store.listDocs<LocationRecord>('location', tenantId, { offset, limit: 500 });
      for (const doc of page.items) {
        for (const [evseUid, m] of Object.entries(doc.body.mapping)) {
          const list = byStation.get(m.stationId) ?? [];
          list.push({ locationId: doc.id, evseUid, evseId: m.evseId });
          byStation.set(m.stationId, list);
        }
      }
      if (page.items.length < 500) break;
    }
    this.index.set(tenantId, { at: now, checkedAt: now, mark, byStation });
    return byStation;
  }

  /** The published location and EVSE an OCPP station/EVSE is mapped to, if any. */
  async findEvse(tenantId: string, stationId: string, evseId: number): Promise<{ location: OcpiLocation; evse: OcpiEvse } | undefined> {
    const place = (await this.stationIndex(tenantId)).get(stationId)?.find((p) => p.evseId === evseId);
    const doc = place && (await this.get(tenantId, place.locationId));
    const evse = doc?.body.location.evses?.find((e) => e.uid === place!.evseUid);
    return doc && evse && doc.body.location.publish ? { location: doc.body.location, evse } : undefined;
  }

  /**
   * An OCPP connector status (bus event `connector.status`): the mapped EVSE's status changes and,
   * when it did, partners get a PATCH (§8.2.2.3) with status and last_updated. EVSE 0 (the whole
   * station) changes every EVSE of the station. Unmapped stations cost one cached lookup.
   * A station's statuses are applied in the order they came, the index lookup included: one that
   * waits for the index (its mark is read at most once a second) must not be overtaken by the
   * next, or an older status would be applied last and pushed as the EVSE's current one.
   */
  applyConnectorStatus(tenantId: string, stationId: string, evseId: number, status: ConnectorStatus, at?: string): Promise<number> {
    return this.serial(`station:${tenantId}|${stationId}`, () => this.applyStatusInOrder(tenantId, stationId, evseId, status, at));
  }

  private async applyStatusInOrder(tenantId: string, stationId: string, evseId: number, status: ConnectorStatus, at?: string): Promise<number> {
    const places = (await this.stationIndex(tenantId)).get(stationId)?.filter((p) => evseId === 0 || p.evseId === evseId) ?? [];
    const ocpiStatus = evseStatusOf(status);
    let changed = 0;
    for (const place of places) {
      changed += await this.serial(`${tenantId}|${place.locationId}`, () => this.casUpdate(tenantId, place.locationId, async (doc) => {
        const evse = doc?.body.location.evses?.find((e) => e.uid === place.evseUid);
        if (!doc || !evse || evse.status === ocpiStatus) return { value: 0 };
        // last_updated never goes back: a late status of an older time still counts as now.
        const now = new Date().toISOString();
        const lastUpdated = at && at > evse.last_updated && at <= now ? at : now;
        evse.status = ocpiStatus;
        evse.last_updated = lastUpdated;
        doc.body.location.last_updated = lastUpdated > doc.body.location.last_updated ? lastUpdated : doc.body.location.last_updated;
        const { location } = doc.body;
        return {
          write: { ...doc, lastUpdated: location.last_updated },
          value: 1,
          ...(location.publish ? {
            push: [{
              method: 'PATCH' as const, path: `/${location.country_code}/${location.party_id}/${location.id}/${evse.uid}`,
              body: { status: ocpiStatus, last_updated: lastUpdated }, objectKey: `location:${location.id}`,
            }],
          } : {}),
        };
      }));
    }
    return changed;
  }
}

/** The whole location to a partner (PUT, §8.2.2.2). */
function wholeLocation(location: OcpiLocation): PartnerRequest {
  return { method: 'PUT', path: `/${location.country_code}/${location.party_id}/${location.id}`, body: location, objectKey: `location:${location.id}` };
}
