/**
 * The OCPP 2.1 TariffType of a stored tariff (SetDefaultTariff, ChangeTransactionTariff), so a
 * 2.1 station computes and shows what the CSMS bills.
 *
 * Mapping: each time-of-day period becomes a price element with conditions (dayOfWeek,
 * startTimeOfDay, endTimeOfDay; "24:00" is sent as "00:00", the end of the day), listed before
 * the unconditioned base price (a station takes the first element whose conditions hold). Prices
 * per hour become prices per minute (rounded to 6 decimals); the session fee is `fixedFee`; the
 * tax rate is one taxRates entry of type "VAT" on each component; the idle grace period is the
 * idle price's `minIdleTime` condition (2.1 expresses a threshold, not free minutes: a station may
 * bill the idle time from the start once the threshold is passed, where the CSMS bills only the
 * time after it). The display text is the description. Currencies and time zones are the
 * station's own to apply: 2.1 times of day are local to the station.
 *
 * Pure: no I/O.
 */
import type { TariffRecord } from './tariff-assignment.js';
import { toMicros, type TariffPeriod, type TariffPrices } from './tariff.js';

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

type Element = Record<string, unknown>;

const number = (decimal: string, what: string): number => Number(toMicros(decimal, what)) / 1_000_000;
const perMinute = (perHour: string, what: string): number => Math.round(Number(toMicros(perHour, what)) / 60) / 1_000_000;

function conditions(p: TariffPeriod): Record<string, unknown> {
  return {
    dayOfWeek: [...p.days].sort((a, b) => a - b).map((d) => DAY_NAMES[d - 1]),
    startTimeOfDay: p.start,
    endTimeOfDay: p.end === '24:00' ? '00:00' : p.end,
  };
}

function component(tariff: TariffRecord, key: keyof TariffPrices, element: (price: string, extra: Record<string, unknown>) => Element, extra: Record<string, unknown> = {}): { prices: Element[]; taxRates: Element[] } | undefined {
  const periods = (tariff.periods ?? []).filter((p) => p[key] !== undefined);
  const base = tariff.prices[key];
  if (periods.length === 0 && base === undefined) return undefined;
  const prices = periods.map((p) => element(p[key]!, { conditions: { ...conditions(p), ...extra } }));
  // Time outside every period (gaps) is priced at the base price, 0 when the tariff names none.
  prices.push(element(base ?? '0', Object.keys(extra).length > 0 ? { conditions: extra } : {}));
  return { prices, taxRates: [{ type: 'VAT', tax: number(tariff.taxPercent, 'taxPercent') }] };
}

export function toOcpp21Tariff(tariff: TariffRecord): Record<string, unknown> {
  const idleExtra = tariff.idleGraceMinutes ? { minIdleTime: tariff.idleGraceMinutes * 60 } : {};
  const energy = component(tariff, 'energy', (p, extra) => ({ priceKwh: number(p, 'energy'), ...extra }));
  const chargingTime = component(tariff, 'chargingTime', (p, extra) => ({ priceMinute: perMinute(p, 'chargingTime'), ...extra }));
  const idleTime = component(tariff, 'idleTime', (p, extra) => ({ priceMinute: perMinute(p, 'idleTime'), ...extra }), idleExtra);
  return {
    tariffId: tariff.id,
    currency: tariff.currency,
    ...(tariff.displayText ? { description: [{ format: 'UTF8', content: tariff.displayText.slice(0, 1024), ...(tariff.displayLanguage ? { language: tariff.displayLanguage } : {}) }] } : {}),
    ...(energy ? { energy } : {}),
    ...(chargingTime ? { chargingTime } : {}),
    ...(idleTime ? { idleTime } : {}),
    ...(tariff.sessionFee ? { fixedFee: { prices: [{ priceFixed: number(tariff.sessionFee, 'sessionFee') }], taxRates: [{ type: 'VAT', tax: number(tariff.taxPercent, 'taxPercent') }] } } : {}),
  };
}

/**
 * A 2.1 station's own cost of a transaction (TransactionEventRequest.costDetails, local cost
 * calculation), read into the cost model: amounts as the decimal strings the station wrote (JSON
 * numbers, never summed here), usage in Wh and seconds. Kept beside the CSMS's cost
 * (`TransactionCost.stationReported`) so an operator sees both.
 */
export interface StationReportedCost {
  currency: string;
  /** 2.1 TariffCostEnumType: NormalCost, MinCost, MaxCost. */
  typeOfCost: string;
  totalExclTax?: string;
  totalInclTax?: string;
  /** Per component (2.1 fixed, energy, chargingTime, idleTime, reservationTime, reservationFixed), excl./incl. tax as given. */
  components: Record<string, { exclTax?: string; inclTax?: string }>;
  usage: { energyWh: number; chargingTimeSec: number; idleTimeSec: number; reservationTimeSec?: number };
  /** The tariffs the station's charging periods name. */
  tariffIds: string[];
  /** failureToCalculate: the station could not compute it; the reason as given. */
  failure?: string;
  reportedAt: string;
}

const COST_COMPONENTS = ['fixed', 'energy', 'chargingTime', 'idleTime', 'reservationTime', 'reservationFixed'] as const;

const decimal = (n: unknown): string | undefined => (typeof n === 'number' && Number.isFinite(n) ? String(n) : undefined);

/** The station's costDetails (schema-checked already) read into the cost model; undefined when absent. */
export function stationCostFrom21(costDetails: unknown, reportedAt: string): StationReportedCost | undefined {
  if (!costDetails || typeof costDetails !== 'object') return undefined;
  const d = costDetails as {
    totalCost?: Record<string, unknown>;
    totalUsage?: { energy?: number; chargingTime?: number; idleTime?: number; reservationTime?: number };
    chargingPeriods?: Array<{ tariffId?: string }>;
    failureToCalculate?: boolean;
    failureReason?: string;
  };
  const total = d.totalCost ?? {};
  const price = (p: unknown) => {
    const v = (p ?? {}) as { exclTax?: unknown; inclTax?: unknown };
    const exclTax = decimal(v.exclTax);
    const inclTax = decimal(v.inclTax);
    return { ...(exclTax !== undefined ? { exclTax } : {}), ...(inclTax !== undefined ? { inclTax } : {}) };
  };
  const components: StationReportedCost['components'] = {};
  for (const c of COST_COMPONENTS) if (total[c] !== undefined) components[c] = price(total[c]);
  const sum = price(total.total);
  const usage = d.totalUsage ?? {};
  return {
    currency: typeof total.currency === 'string' ? total.currency : '',
    typeOfCost: typeof total.typeOfCost === 'string' ? total.typeOfCost : 'NormalCost',
    ...(sum.exclTax !== undefined ? { totalExclTax: sum.exclTax } : {}),
    ...(sum.inclTax !== undefined ? { totalInclTax: sum.inclTax } : {}),
    components,
    usage: {
      // 2.1 totalUsage.energy is in Wh (like every 2.1 energy amount).
      energyWh: usage.energy ?? 0,
      chargingTimeSec: usage.chargingTime ?? 0,
      idleTimeSec: usage.idleTime ?? 0,
      ...(usage.reservationTime !== undefined ? { reservationTimeSec: usage.reservationTime } : {}),
    },
    tariffIds: [...new Set((d.chargingPeriods ?? []).map((p) => p.tariffId).filter((id): id is string => typeof id === 'string'))],
    ...(d.failureToCalculate ? { failure: d.failureReason ?? 'failureToCalculate' } : {}),
    reportedAt,
  };
}

/**
 * 2.1 TransactionEventResponse.updatedPersonalMessage (MessageContentType): the running or final
 * cost for the driver, from the same cost record as totalCost, in the tariff's display language
 * when it has one ("en" wording otherwise).
 */
export function costPersonalMessage(cost: { final: boolean; totalInclTax: string; cost: { currency: string }; tariff: Pick<TariffRecord, 'taxPercent' | 'displayLanguage'> }): Record<string, unknown> {
  const label = cost.final ? 'Total' : 'Cost so far';
  const content = `${label}: ${cost.totalInclTax} ${cost.cost.currency} incl. ${cost.tariff.taxPercent}% tax`;
  return { format: 'UTF8', content, ...(cost.tariff.displayLanguage ? { language: cost.tariff.displayLanguage.slice(0, 8) } : {}) };
}
