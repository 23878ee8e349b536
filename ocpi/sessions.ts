import type { Logger } from 'pino';
import type { OcpiStore } from '../core/ports/store/ocpi-store.js';
import type { OcpiDeliveryLoop } from './delivery.js';
import type { LocationService } from './locations.js';
import { tokenDocId, type StoredToken } from './token-authorizer.js';

/** The transaction fields of a `transaction.*` bus event (actors/actions/shared/transaction-events.ts). */
export interface TransactionFacts {
  transactionId: string;
  evseId: number | null;
  connectorId: number | null;
  idToken: { idToken: string; type?: string } | null;
  isActive: boolean;
  totalKwh: number;
  timeSpentChargingSec: number;
  remoteStartId: number | null;
  startedAt: string;
  endedAt: string | null;
}

/** Currency of sessions and CDRs until tariffs are wired (CSMS_OCPI_CURRENCY, ISO 4217). */
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The sessions and cdrs modules, sender side (OCPI 2.2.1 §9, §10): a transaction on a mapped EVSE
 * with a partner's token becomes a Session (id = the transaction id) pushed (PUT) to that partner
 * on start, each update and the end, and kept for GET; its end makes a CDR, POSTed once and never
 * changed. kWh and times come from the transaction record (meter values folded by the store);
 * cost fields are left at zero until tariffs are wired (another part of issue #13/#16).
 */
export class SessionService {
  constructor(
    private readonly store: OcpiStore,
    private readonly locations: LocationService,
    private readonly delivery: OcpiDeliveryLoop,
    private readonly currency: string,
    private readonly log: Pick<Logger, 'info' | 'warn'>,
  ) {}

  async onTransaction(tenantId: string, stationId: string, tx: TransactionFacts): Promise<void> {
    if (!tx.idToken || tx.evseId === null) return;
    const tokenDoc = await this.store.getDoc<StoredToken>('token', tenantId, tokenDocId(tx.idToken.idToken));
    if (!tokenDoc) return;
    const place = await this.locations.findEvse(tenantId, stationId, tx.evseId);
    if (!place) return;
    const { partnerId, token } = tokenDoc.body;
    const { location, evse } = place;
    const connector = evse.connectors[0]!;
    const now = new Date().toISOString();
    const cdrToken = { country_code: token.country_code, party_id: token.party_id, uid: token.uid, type: token.type, contract_id: token.contract_id };
    const authMethod = tx.remoteStartId !== null ? 'COMMAND' : 'WHITELIST';
    const kwh = round(tx.totalKwh, 3);
    const session = {
      country_code: location.country_code, party_id: location.party_id, id: tx.transactionId,
      start_date_time: tx.startedAt, ...(tx.endedAt ? { end_date_time: tx.endedAt } : {}), kwh, cdr_token: cdrToken, auth_method: authMethod,
      location_id: location.id, evse_uid: evse.uid, connector_id: connector.id, currency: this.currency,
      status: tx.isActive ? 'ACTIVE' : 'COMPLETED', last_updated: now,
    };
    await this.store.putDoc({ tenantId, kind: 'session', id: tx.transactionId, scope: partnerId, lookup: null, lastUpdated: now, body: session });
    const key = `session:${tx.transactionId}`;
    await this.delivery.pushTo(tenantId, partnerId, 'sessions', [{ method: 'PUT', path: `/${location.country_code}/${location.party_id}/${tx.transactionId}`, body: session, objectKey: key }]);
    if (tx.isActive || !tx.endedAt) return;
    // A CDR once: never changed after it was sent (§10: corrections are credit CDRs).
    if (await this.store.getDoc('cdr', tenantId, tx.transactionId)) return;
    const hours = Math.max(0, (Date.parse(tx.endedAt) - Date.parse(tx.startedAt)) / 3_600_000);
    const cdr = {
      country_code: location.country_code, party_id: location.party_id, id: tx.transactionId,
      start_date_time: tx.startedAt, end_date_time: tx.endedAt, session_id: tx.transactionId, cdr_token: cdrToken, auth_method: authMethod,
      cdr_location: {
        id: location.id, ...(location.name ? { name: location.name } : {}), address: location.address, city: location.city,
        ...(location.postal_code ? { postal_code: location.postal_code } : {}), country: location.country, coordinates: location.coordinates,
        evse_uid: evse.uid, evse_id: evse.evse_id ?? evse.uid, connector_id: connector.id, connector_standard: connector.standard,
        connector_format: connector.format, connector_power_type: connector.power_type,
      },
      currency: this.currency,
      charging_periods: [{ start_date_time: tx.startedAt, dimensions: [{ type: 'ENERGY', volume: kwh }, { type: 'TIME', volume: round(hours, 4) }] }],
      total_cost: { excl_vat: 0 },
      total_energy: kwh, total_time: round(hours, 4), last_updated: now,
    };
    await this.store.putDoc({ tenantId, kind: 'cdr', id: tx.transactionId, scope: partnerId, lookup: null, lastUpdated: now, body: cdr });
    await this.delivery.pushTo(tenantId, partnerId, 'cdrs', [{ method: 'POST', path: '', body: cdr, objectKey: key }]);
    this.log.info({ tenantId, partnerId, transactionId: tx.transactionId, kwh }, 'OCPI CDR created');
  }
}
