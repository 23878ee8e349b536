/**
 * Switchyard's tariffs and costs in OCPI 2.2.1 terms (issue #16): the Tariff object (§11.3.1) of
 * a stored tariff, and what a CDR (§10.3.1) and a session (§9.3.1) say about money, charging
 * periods and signed meter data, computed from the same cost (core/tariff.ts) the CSMS keeps, so
 * a partner pricing the CDR's periods with the CDR's tariff gets Switchyard's numbers.
 *
 * Pure: no clock, no I/O.
 */
import { formatMinor, segments, toMicros, type SessionUsage, type Tariff, type TariffPrices } from '../tariff.js';
import type { TariffRecord, TransactionCost } from '../tariff-assignment.js';
import type { MeterValueRecord } from '../transaction-types.js';

/** §11.4.2 PriceComponent (TariffDimensionType §11.4.3: ENERGY per kWh, FLAT once, PARKING_TIME and TIME per hour). */
export interface OcpiPriceComponent {
  type: 'ENERGY' | 'FLAT' | 'PARKING_TIME' | 'TIME';
  /** Excluding VAT, per unit. */
  price: number;
  /** Percentage. */
  vat?: number;
  /** Billed in blocks of this many Wh (ENERGY) or seconds (TIME, PARKING_TIME); 1 for FLAT. */
  step_size: number;
}

export type OcpiDayOfWeek = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';
export const DAYS_OF_WEEK: readonly OcpiDayOfWeek[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

/** §11.3.4 TariffRestrictions (the time-of-day and day-of-week ones Switchyard's periods have). */
export interface OcpiTariffRestrictions {
  start_time?: string;
  end_time?: string;
  day_of_week?: OcpiDayOfWeek[];
}

/** §11.3.2 TariffElement. */
export interface OcpiTariffElement {
  price_components: OcpiPriceComponent[];
  restrictions?: OcpiTariffRestrictions;
}

/** §11.3.1 Tariff (type, tariff_alt_url, min/max_price, energy_mix, start/end_date_time left out). */
export interface OcpiTariff {
  country_code: string;
  party_id: string;
  id: string;
  currency: string;
  tariff_alt_text?: Array<{ language: string; text: string }>;
  elements: OcpiTariffElement[];
  last_updated: string;
}

/** §16.4 Price. */
export interface OcpiPrice {
  excl_vat: number;
  incl_vat?: number;
}

/** §10.4.6 ChargingPeriod, §10.4.2 CdrDimension. */
export interface OcpiChargingPeriod {
  start_date_time: string;
  dimensions: Array<{ type: 'ENERGY' | 'TIME' | 'PARKING_TIME'; volume: number }>;
  tariff_id?: string;
}

/** §10.4.14 SignedData, §10.4.15 SignedValue. */
export interface OcpiSignedData {
  encoding_method: string;
  public_key?: string;
  signed_values: Array<{ nature: string; plain_data: string; signed_data: string }>;
}

/** OCPI ids are CiString(36) (§11.3.1 id). */
export const OCPI_TARIFF_ID_MAX = 36;

const number = (decimal: string): number => Number(toMicros(decimal, 'price')) / 1e6;

function components(prices: TariffPrices, vat: number, only?: TariffPrices): OcpiPriceComponent[] {
  const out: OcpiPriceComponent[] = [];
  const pick = (key: keyof TariffPrices, type: OcpiPriceComponent['type']) => {
    const value = (only ?? prices)[key];
    if (value !== undefined) out.push({ type, price: number(value), vat, step_size: 1 });
  };
  pick('energy', 'ENERGY');
  pick('chargingTime', 'TIME');
  pick('idleTime', 'PARKING_TIME');
  return out;
}

/**
 * The OCPI Tariff of a stored tariff, published by `party`. Elements in the order OCPI reads
 * them (§11.3.2: per dimension, the first element whose restrictions match and that has a
 * component of that dimension): the session fee (FLAT) first, then one element per period with
 * the prices the period sets (day_of_week, start_time/end_time in local time; "24:00" is
 * "00:00", which OCPI reads as the end of the day when it is before start_time), then the base
 * prices without restrictions. Step size 1 (Switchyard prices per Wh and per second); VAT is the
 * tariff's tax percentage on every component.
 *
 * Not expressible in OCPI and left to the CDR: the idle grace period (OCPI has no free parking
 * minutes; a CDR's PARKING_TIME only counts the billed idle time) and the tariff's own time zone
 * (OCPI restrictions are in the location's time zone: give a tariff the time zone of the
 * locations it is assigned to).
 */
export function tariffToOcpi(tariff: TariffRecord, party: { countryCode: string; partyId: string }): OcpiTariff {
  const vat = number(tariff.taxPercent);
  const elements: OcpiTariffElement[] = [];
  if (tariff.sessionFee !== undefined && toMicros(tariff.sessionFee, 'sessionFee') > 0n) {
    elements.push({ price_components: [{ type: 'FLAT', price: number(tariff.sessionFee), vat, step_size: 1 }] });
  }
  for (const period of tariff.periods ?? []) {
    const priceComponents = components(tariff.prices, vat, period);
    if (priceComponents.length === 0) continue; // prices like the base: the base element answers
    const restrictions: OcpiTariffRestrictions = {};
    if (!(period.start === '00:00' && period.end === '24:00')) {
      restrictions.start_time = period.start;
      restrictions.end_time = period.end === '24:00' ? '00:00' : period.end;
    }
    const days = [...new Set(period.days)].sort((a, b) => a - b);
    if (days.length < 7) restrictions.day_of_week = days.map((d) => DAYS_OF_WEEK[d - 1]!);
    elements.push({ price_components: priceComponents, ...(Object.keys(restrictions).length > 0 ? { restrictions } : {}) });
  }
  const base = components(tariff.prices, vat);
  // At least one element (§11.3.1 elements +): a tariff with no base price charges 0 per kWh outside its periods.
  elements.push({ price_components: base.length > 0 ? base : [{ type: 'ENERGY', price: 0, vat, step_size: 1 }] });
  return {
    country_code: party.countryCode,
    party_id: party.partyId,
    id: tariff.id,
    currency: tariff.currency,
    ...(tariff.displayText ? { tariff_alt_text: [{ language: (tariff.displayLanguage ?? 'en').slice(0, 2).toLowerCase(), text: tariff.displayText.slice(0, 512) }] } : {}),
    elements,
    last_updated: tariff.updatedAt,
  };
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
const HOUR_MS = 3_600_000;

/**
 * The charging periods of a CDR (§10.4.6): the session cut where the EV starts or stops drawing
 * energy, where billed idle time starts (after the grace period), and where the tariff's prices
 * change (its periods, in its time zone). Each period: ENERGY (kWh, the register's rise spread
 * evenly between readings, as core/tariff.ts spreads it) and TIME (hours) while charging,
 * PARKING_TIME (hours) when idle time is billed, ENERGY 0 otherwise (pauses, grace). The sums are
 * the quantities of Switchyard's cost: energy, charging time and idle time.
 */
export function cdrChargingPeriods(tariff: Tariff & { id: string }, usage: SessionUsage): OcpiChargingPeriod[] {
  const start = Date.parse(usage.startedAt);
  const stop = Math.max(start, Date.parse(usage.endedAt));
  const charging = usage.chargingPeriods
    .map((p) => ({ from: Math.max(start, Date.parse(p.from)), to: Math.min(stop, Date.parse(p.to)) }))
    .filter((p) => p.to > p.from);
  const chargingEnd = usage.chargingPeriods.reduce((end, p) => Math.max(end, Math.min(stop, Date.parse(p.to))), start);
  const idleFrom = usage.chargingPeriods.length > 0 ? chargingEnd + (tariff.idleGraceMinutes ?? 0) * 60_000 : Infinity;
  const cuts = new Set<number>([start, stop]);
  for (const p of charging) cuts.add(p.from).add(p.to);
  if (idleFrom < stop) cuts.add(idleFrom);
  if (stop > start) for (const s of segments(tariff, start, stop)) cuts.add(s.from);
  const edges = [...cuts].filter((c) => c >= start && c <= stop).sort((a, b) => a - b);
  const pieces = edges.length > 1 ? edges.slice(1).map((to, i) => ({ from: edges[i]!, to, mwh: 0 })) : [{ from: start, to: stop, mwh: 0 }];

  // Energy: each rise between consecutive readings, shared by the pieces it overlaps in proportion to time (whole mWh).
  const readings = [...usage.readings].map((r) => ({ ms: Date.parse(r.at), mwh: Math.round(r.wh * 1000) })).sort((a, b) => a.ms - b.ms);
  for (let i = 1; i < readings.length; i++) {
    const a = readings[i - 1]!;
    const b = readings[i]!;
    const rise = b.mwh - a.mwh;
    if (rise <= 0) continue;
    const hit = pieces.filter((p) => (b.ms === a.ms ? p.from <= a.ms && a.ms <= p.to : p.from < b.ms && a.ms < p.to));
    if (hit.length === 0) {
      pieces[a.ms < start ? 0 : pieces.length - 1]!.mwh += rise;
      continue;
    }
    let given = 0;
    hit.forEach((p, j) => {
      const share = j === hit.length - 1 || b.ms === a.ms ? rise - given : Math.floor((rise * (Math.min(p.to, b.ms) - Math.max(p.from, a.ms))) / (b.ms - a.ms));
      given += share;
      p.mwh += share;
    });
  }

  return pieces.map((p) => {
    const mid = (p.from + p.to) / 2;
    const isCharging = charging.some((c) => c.from <= mid && mid < c.to);
    const hours = round4((p.to - p.from) / HOUR_MS);
    const kwh = round4(p.mwh / 1_000_000);
    const dimensions: OcpiChargingPeriod['dimensions'] = isCharging
      ? [{ type: 'ENERGY', volume: kwh }, { type: 'TIME', volume: hours }]
      : p.from >= idleFrom
        ? [{ type: 'PARKING_TIME', volume: hours }, ...(kwh > 0 ? [{ type: 'ENERGY' as const, volume: kwh }] : [])]
        : [{ type: 'ENERGY', volume: kwh }];
    return { start_date_time: new Date(p.from).toISOString(), dimensions, tariff_id: tariff.id };
  });
}

/** The money and total fields of a CDR (§10.3.1) from Switchyard's cost: the same minor units, as numbers of the currency; total_time is the whole session. */
export function cdrCostFields(cost: TransactionCost, startedAt: string): {
  total_cost: OcpiPrice;
  total_fixed_cost?: OcpiPrice;
  total_energy: number;
  total_energy_cost: OcpiPrice;
  total_time: number;
  total_time_cost?: OcpiPrice;
  total_parking_time?: number;
  total_parking_cost?: OcpiPrice;
} {
  const c = cost.cost;
  const money = (minor: number) => Number(formatMinor(minor, c.minorDigits));
  const totalHours = Math.max(0, (Date.parse(cost.until) - Date.parse(startedAt)) / HOUR_MS);
  return {
    total_cost: { excl_vat: money(c.totalExclTax), incl_vat: money(c.totalInclTax) },
    ...(c.sessionFee.exclTax > 0 ? { total_fixed_cost: { excl_vat: money(c.sessionFee.exclTax) } } : {}),
    total_energy: round4(c.energy.quantity),
    total_energy_cost: { excl_vat: money(c.energy.exclTax) },
    total_time: round4(totalHours),
    ...(c.chargingTime.quantity > 0 ? { total_time_cost: { excl_vat: money(c.chargingTime.exclTax) } } : {}),
    ...(c.idleTime.quantity > 0 ? { total_parking_time: round4(c.idleTime.quantity), total_parking_cost: { excl_vat: money(c.idleTime.exclTax) } } : {}),
  };
}

/** A session's total_cost (§9.3.1): the running or final cost. */
export function sessionTotalCost(cost: TransactionCost): OcpiPrice {
  const money = (minor: number) => Number(formatMinor(minor, cost.cost.minorDigits));
  return { excl_vat: money(cost.cost.totalExclTax), incl_vat: money(cost.cost.totalInclTax) };
}

/**
 * A CDR's signed_data (§10.4.14) from the signed meter values the station sent (2.x
 * signedMeterValue, 1.6 SignedData sampled values): one SignedValue per signed reading, nature
 * Start / End / Intermediate from its context, plain_data the readable reading beside it ("" when
 * a 1.6 station sent the signed one alone). The encoding method is the station's (2.x
 * encodingMethod), or, when it gave none (1.6), "OCMF" for OCMF data and "OCPP_1.6_SIGNED_DATA"
 * otherwise; the public key when the station sent one. None signed: undefined.
 */
export function signedDataOf(meterValues: readonly MeterValueRecord[]): OcpiSignedData | undefined {
  const signed = meterValues.filter((m) => m.signedMeterValue && m.signedMeterValue.signedMeterData);
  if (signed.length === 0) return undefined;
  const sorted = [...signed].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  const first = sorted[0]!.signedMeterValue!;
  const encoding = first.encodingMethod ?? (first.signedMeterData.startsWith('OCMF|') ? 'OCMF' : 'OCPP_1.6_SIGNED_DATA');
  const publicKey = sorted.find((m) => m.signedMeterValue!.publicKey)?.signedMeterValue!.publicKey ?? undefined;
  return {
    encoding_method: encoding.slice(0, 36),
    ...(publicKey ? { public_key: publicKey.slice(0, 512) } : {}),
    signed_values: sorted.map((m) => ({
      nature: m.context === 'Transaction.Begin' ? 'Start' : m.context === 'Transaction.End' ? 'End' : 'Intermediate',
      plain_data: m.signedMeterValue!.valueless ? '' : `${m.value}${m.unit ?? 'Wh'}`.slice(0, 512),
      signed_data: m.signedMeterValue!.signedMeterData.slice(0, 5000),
    })),
  };
}
