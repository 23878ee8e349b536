import type { Logger } from 'pino';
import { cdrChargingPeriods, cdrCostFields, sessionTotalCost, signedDataOf, tariffToOcpi, type OcpiPrice } from '../core/ocpi/tariffs.js';
import type { OcpiStore } from '../core/ports/store/ocpi-store.js';
import type { Store } from '../core/ports/store/store.js';
import { costUntil, transactionCost, usageOf, type TransactionCost } from '../core/tariff-assignment.js';
import type { MeterValueRecord, TransactionRecord } from '../core/transaction-types.js';
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
  /** transaction.ended with a final cost (actors/actions/shared/transaction-cost.ts endedCostFields). */
  cost?: { final?: boolean };
}

/** What sessions and CDRs read besides OCPI documents: costs, transactions and their meter values. */
export type MoneyStore = Pick<Store, 'tariffs' | 'transactions'>;

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
/** Meter values read for one CDR (as the cost step reads them). */
const MAX_METER_VALUES = 100_000;
/** CDR ids are CiString(39) (§10.3.1). */
const CDR_ID_MAX = 39;

type Cdr = Record<string, unknown> & { id: string; total_cost: OcpiPrice };
const PRICE_FIELDS = ['total_cost', 'total_fixed_cost', 'total_energy_cost', 'total_time_cost', 'total_parking_cost', 'total_reservation_cost'] as const;

/**
 * The sessions and cdrs modules, sender side (OCPI 2.2.1 §9, §10): a transaction on a mapped EVSE
 * with a partner's token becomes a Session (id = the transaction id) pushed (PUT) to that partner
 * on start, each update and the end, and kept for GET; its end makes a CDR, POSTed once and never
 * changed. Money is Switchyard's own cost of the transaction (store.tariffs, the tariff pinned at
 * its first costing): the session's total_cost is the running cost, the CDR's totals the final
 * cost's numbers, its charging periods and tariff come from the meter values and that tariff
 * (core/ocpi/tariffs.ts), and signed meter values become its signed_data. A corrected cost
 * (`correctCdr`) makes a credit CDR of the last one sent and a new CDR (§10.2: CDRs are never
 * changed). Without a tariff, cost fields are 0 in CSMS_OCPI_CURRENCY.
 */
export class SessionService {
  constructor(
    private readonly store: OcpiStore,
    private readonly locations: LocationService,
    private readonly delivery: OcpiDeliveryLoop,
    private readonly currency: string,
    private readonly log: Pick<Logger, 'info' | 'warn'>,
    private readonly money?: MoneyStore,
    /** How long a final cost may take to be readable after `transaction.ended` (it is committed just after the transaction). */
    private readonly costWaitMs = 2_000,
  ) {}

  /**
   * The cost the CSMS keeps for the transaction; for an ended one with a final cost, waits until it
   * is readable. A running cost is brought up to the newest meter reading under its pinned tariff
   * (1.6 MeterValues do not reprice: the cost step runs on Start/StopTransaction and TransactionEvent).
   */
  private async costOf(tenantId: string, stationId: string, tx: TransactionFacts): Promise<TransactionCost | undefined> {
    if (!this.money) return undefined;
    const deadline = Date.now() + this.costWaitMs;
    for (;;) {
      const cost = await this.money.tariffs.getCost(tenantId, stationId, tx.transactionId);
      if (cost && !cost.final && tx.isActive) return this.upToDate(tenantId, stationId, cost);
      if (!tx.cost?.final || cost?.final || Date.now() > deadline) return cost;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private async upToDate(tenantId: string, stationId: string, cost: TransactionCost): Promise<TransactionCost> {
    const record = await this.money!.transactions.getTransaction(tenantId, cost.transactionId, stationId);
    if (!record || !record.isActive) return cost;
    const meterValues = await this.money!.transactions.listMeterValues(tenantId, stationId, cost.transactionId, MAX_METER_VALUES);
    const newest = meterValues.reduce((max, m) => (m.timestamp > max ? m.timestamp : max), cost.until);
    if (newest <= cost.until) return cost;
    return transactionCost(cost.tariff, cost.assignedBy, record, meterValues, costUntil(record, newest), new Date().toISOString());
  }

  /** True when the transaction is a roaming session (a partner's token on a mapped EVSE) and its session was stored. */
  async onTransaction(tenantId: string, stationId: string, tx: TransactionFacts): Promise<boolean> {
    if (!tx.idToken || tx.evseId === null) return false;
    const tokenDoc = await this.store.getDoc<StoredToken>('token', tenantId, tokenDocId(tx.idToken.idToken));
    if (!tokenDoc) return false;
    const place = await this.locations.findEvse(tenantId, stationId, tx.evseId);
    if (!place) return false;
    const { partnerId, token } = tokenDoc.body;
    const { location, evse } = place;
    const connector = evse.connectors[0]!;
    const now = new Date().toISOString();
    const cost = await this.costOf(tenantId, stationId, tx);
    const currency = cost?.cost.currency ?? this.currency;
    const cdrToken = { country_code: token.country_code, party_id: token.party_id, uid: token.uid, type: token.type, contract_id: token.contract_id };
    const authMethod = tx.remoteStartId !== null ? 'COMMAND' : 'WHITELIST';
    const kwh = round(tx.totalKwh, 3);
    const session = {
      country_code: location.country_code, party_id: location.party_id, id: tx.transactionId,
      start_date_time: tx.startedAt, ...(tx.endedAt ? { end_date_time: tx.endedAt } : {}), kwh, cdr_token: cdrToken, auth_method: authMethod,
      location_id: location.id, evse_uid: evse.uid, connector_id: connector.id, currency,
      ...(cost ? { total_cost: sessionTotalCost(cost) } : {}),
      status: tx.isActive ? 'ACTIVE' : 'COMPLETED', last_updated: now,
    };
    const key = `session:${tx.transactionId}`;
    // The session and its push in one write: stored means the partner will hear of it.
    const push = await this.delivery.deliveriesTo(tenantId, partnerId, 'sessions', [{ method: 'PUT', path: `/${location.country_code}/${location.party_id}/${tx.transactionId}`, body: session, objectKey: key }]);
    await this.store.putDoc({ tenantId, kind: 'session', id: tx.transactionId, scope: partnerId, lookup: null, lastUpdated: now, body: session }, push);
    if (push.length > 0) this.delivery.wake();
    if (tx.isActive || !tx.endedAt) return true;
    // A CDR once: never changed after it was sent (§10: corrections are credit CDRs).
    if (await this.store.getDoc('cdr', tenantId, tx.transactionId)) return true;
    const money = await this.moneyFields(tenantId, stationId, tx, cost);
    const cdr = {
      country_code: location.country_code, party_id: location.party_id, id: tx.transactionId,
      start_date_time: tx.startedAt, end_date_time: tx.endedAt, session_id: tx.transactionId, cdr_token: cdrToken, auth_method: authMethod,
      cdr_location: {
        id: location.id, ...(location.name ? { name: location.name } : {}), address: location.address, city: location.city,
        ...(location.postal_code ? { postal_code: location.postal_code } : {}), country: location.country, coordinates: location.coordinates,
        evse_uid: evse.uid, evse_id: evse.evse_id ?? evse.uid, connector_id: connector.id, connector_standard: connector.standard,
        connector_format: connector.format, connector_power_type: connector.power_type,
      },
      ...money,
      last_updated: now,
    } as Cdr;
    await this.send(tenantId, partnerId, cdr, key);
    this.log.info({ tenantId, partnerId, transactionId: tx.transactionId, kwh, totalCost: cdr.total_cost, currency: cdr.currency }, 'OCPI CDR created');
    return true;
  }

  /** Currency, tariffs, charging periods, signed data and totals of a CDR; from the cost when there is one. */
  private async moneyFields(tenantId: string, stationId: string, tx: Pick<TransactionFacts, 'transactionId' | 'totalKwh' | 'startedAt' | 'endedAt'>, cost: TransactionCost | undefined): Promise<Record<string, unknown> & { total_cost: OcpiPrice }> {
    const record = await this.money?.transactions.getTransaction(tenantId, tx.transactionId, stationId);
    const meterValues: MeterValueRecord[] = record ? await this.money!.transactions.listMeterValues(tenantId, stationId, tx.transactionId, MAX_METER_VALUES) : [];
    const signed = signedDataOf(meterValues);
    const signedField = signed ? { signed_data: signed } : {};
    const endedAt = tx.endedAt ?? new Date().toISOString();
    if (!cost || !record) {
      const hours = round(Math.max(0, (Date.parse(endedAt) - Date.parse(tx.startedAt)) / 3_600_000), 4);
      const kwh = round(tx.totalKwh, 3);
      return {
        currency: this.currency,
        charging_periods: [{ start_date_time: tx.startedAt, dimensions: [{ type: 'ENERGY', volume: kwh }, { type: 'TIME', volume: hours }] }],
        ...signedField,
        total_cost: { excl_vat: 0 }, total_energy: kwh, total_time: hours,
      };
    }
    const location = await this.locationOfCdr(tenantId, tx.transactionId);
    const party = location ?? { countryCode: '', partyId: '' };
    return {
      currency: cost.cost.currency,
      ...(party.countryCode && cost.tariff.id.length <= 36 ? { tariffs: [tariffToOcpi(cost.tariff, party)] } : {}),
      charging_periods: cdrChargingPeriods(cost.tariff, usageOf(record as TransactionRecord, meterValues, cost.until)),
      ...signedField,
      ...cdrCostFields(cost, record.startedAt),
    };
  }

  /** The party that publishes the CDR's tariff: the session's (a CDR shares its session's party). */
  private async locationOfCdr(tenantId: string, transactionId: string): Promise<{ countryCode: string; partyId: string } | undefined> {
    const session = await this.store.getDoc<{ country_code: string; party_id: string }>('session', tenantId, transactionId);
    return session ? { countryCode: session.body.country_code, partyId: session.body.party_id } : undefined;
  }

  /**
   * Stores a CDR and queues its POST in one write: a CDR is sent once (never again once stored),
   * so a node dying between the two would otherwise leave one the partner never gets.
   */
  private async send(tenantId: string, partnerId: string, cdr: Cdr, objectKey: string): Promise<void> {
    const push = await this.delivery.deliveriesTo(tenantId, partnerId, 'cdrs', [{ method: 'POST', path: '', body: cdr, objectKey }]);
    await this.store.putDoc({ tenantId, kind: 'cdr', id: cdr.id, scope: partnerId, lookup: null, lastUpdated: cdr.last_updated as string, body: cdr }, push);
    if (push.length > 0) this.delivery.wake();
  }

  /**
   * The transaction's cost was corrected (the operator repriced it): when a CDR was sent for it,
   * the last one sent is credited (a copy with its own id, `credit: true`, `credit_reference_id`
   * and every amount negated, §10.3.1) and a new CDR with the corrected cost follows (id
   * `<transaction>-R<n>`, its credit `<transaction>-C<n>`). Sent CDRs are never changed. Returns
   * the ids sent, or undefined when the transaction had no CDR (not a roaming session).
   */
  async correctCdr(tenantId: string, stationId: string, transactionId: string, reason: string): Promise<{ creditId: string; cdrId: string } | undefined> {
    const original = await this.store.getDoc<Cdr>('cdr', tenantId, transactionId);
    if (!original || !this.money) return undefined;
    let n = 1;
    let last = original;
    for (;; n++) {
      const next = await this.store.getDoc<Cdr>('cdr', tenantId, `${transactionId}-R${n}`);
      if (!next) break;
      last = next;
    }
    const creditId = `${transactionId}-C${n}`;
    const cdrId = `${transactionId}-R${n}`;
    if (cdrId.length > CDR_ID_MAX) throw new Error(`CDR id ${cdrId} is longer than OCPI allows (${CDR_ID_MAX})`);
    const cost = await this.money.tariffs.getCost(tenantId, stationId, transactionId);
    const now = new Date().toISOString();
    const negate = (p: OcpiPrice): OcpiPrice => ({ excl_vat: -p.excl_vat, ...(p.incl_vat !== undefined ? { incl_vat: -p.incl_vat } : {}) });
    const credit: Cdr = { ...last.body, id: creditId, credit: true, credit_reference_id: last.body.id, last_updated: now };
    for (const field of PRICE_FIELDS) if (credit[field]) credit[field] = negate(credit[field] as OcpiPrice);
    delete credit.remark;
    const startedAt = last.body.start_date_time as string;
    const endedAt = last.body.end_date_time as string;
    const money = await this.moneyFields(tenantId, stationId, { transactionId, totalKwh: Number(last.body.total_energy ?? 0), startedAt, endedAt }, cost);
    const replacement = {
      ...Object.fromEntries(Object.entries(last.body).filter(([k]) => !['tariffs', 'charging_periods', 'signed_data', 'credit', 'credit_reference_id', ...PRICE_FIELDS, 'total_energy', 'total_time', 'total_parking_time'].includes(k))),
      id: cdrId,
      ...money,
      remark: `Corrects CDR ${last.body.id}: ${reason}`.slice(0, 255),
      last_updated: now,
    } as Cdr;
    const key = `session:${transactionId}`;
    await this.send(tenantId, original.scope, credit, key);
    await this.send(tenantId, original.scope, replacement, key);
    this.log.info({ tenantId, partnerId: original.scope, transactionId, creditId, cdrId, credited: last.body.id, totalCost: replacement.total_cost, reason }, 'OCPI CDR corrected: credit CDR and new CDR sent');
    return { creditId, cdrId };
  }
}
