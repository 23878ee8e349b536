/**
 * Tariffs as the CSMS stores them (issue #13, block I): the priced model of core/tariff.ts per
 * tenant, where each applies (assignments), and the cost kept per transaction.
 *
 * Resolution order (most specific agreement first), used for running and final costs and for the
 * driver's tariff text:
 *   1. the id token's group (`tokenGroup`: a contract price for a fleet or roaming group),
 *   2. the EVSE (`evse`: station id + EVSE id),
 *   3. the station (`station`),
 *   4. a station group (`stationGroup`: a named list of stations; when several groups hold the
 *      station, the one whose name sorts first),
 *   5. the tenant default (`default`).
 * No match: no tariff, no cost (the transaction is stored and answered as before).
 *
 * Pure: no clock, no I/O.
 */
import type { StationReportedCost } from './tariff-ocpp21.js';
import { registerWh } from './energy.js';
import type { MeterValueRecord, TransactionRecord } from './transaction-types.js';
import { sessionCost, formatMinor, type MeterReading, type SessionCost, type SessionUsage, type Tariff } from './tariff.js';

export interface TariffRecord extends Tariff {
  tenantId: string;
  name?: string;
  /** What drivers are told (2.x IdTokenInfo.personalMessage), at most 512 characters. */
  displayText?: string;
  /** RFC 5646 language of displayText. */
  displayLanguage?: string;
  createdAt: string;
  updatedAt: string;
}

export type TariffTarget =
  | { kind: 'default' }
  | { kind: 'station'; stationId: string }
  | { kind: 'evse'; stationId: string; evseId: number }
  | { kind: 'stationGroup'; group: string; stationIds: string[] }
  | { kind: 'tokenGroup'; groupId: string };

export type TariffTargetKind = TariffTarget['kind'];

/** Where a transaction's tariff came from: an assignment, or a 2.1 ChangeTransactionTariff. */
export type CostTariffSource = TariffTargetKind | 'transaction';

export interface TariffAssignment {
  tenantId: string;
  target: TariffTarget;
  tariffId: string;
  updatedAt: string;
}

/** What a tariff is looked up for. */
export interface TariffScope {
  stationId: string;
  evseId?: number | null;
  /** The group of the driver's id token (IdTokenRecord.groupId), if any. */
  tokenGroupId?: string | null;
}

/** One assignment per kind and key: a second one for the same target replaces the first. */
export function targetKey(target: TariffTarget): string {
  switch (target.kind) {
    case 'default':
      return '';
    case 'station':
      return target.stationId;
    case 'evse':
      return `${target.stationId}#${target.evseId}`;
    case 'stationGroup':
      return target.group;
    case 'tokenGroup':
      return target.groupId;
  }
}

export const RESOLUTION_ORDER: readonly TariffTargetKind[] = ['tokenGroup', 'evse', 'station', 'stationGroup', 'default'];

/** The assignment that applies to `scope` among `candidates` (any superset of the relevant ones). */
export function pickAssignment(candidates: readonly TariffAssignment[], scope: TariffScope): TariffAssignment | undefined {
  const matches = (a: TariffAssignment): boolean => {
    const t = a.target;
    switch (t.kind) {
      case 'tokenGroup':
        return !!scope.tokenGroupId && t.groupId === scope.tokenGroupId;
      case 'evse':
        return t.stationId === scope.stationId && scope.evseId !== undefined && scope.evseId !== null && t.evseId === scope.evseId;
      case 'station':
        return t.stationId === scope.stationId;
      case 'stationGroup':
        return t.stationIds.includes(scope.stationId);
      case 'default':
        return true;
    }
  };
  for (const kind of RESOLUTION_ORDER) {
    const found = candidates
      .filter((a) => a.target.kind === kind && matches(a))
      .sort((a, b) => (targetKey(a.target) < targetKey(b.target) ? -1 : targetKey(a.target) > targetKey(b.target) ? 1 : 0));
    if (found[0]) return found[0];
  }
  return undefined;
}

/** The cost of one transaction under the tariff pinned when it was first costed. */
export interface TransactionCost {
  tenantId: string;
  stationId: string;
  transactionId: string;
  protocol: string;
  /** The tariff as it was when the transaction was first costed: later edits do not reprice it. */
  tariff: TariffRecord;
  /** Which assignment chose it; `transaction`: set for this transaction (2.1 ChangeTransactionTariff, or the tariffId a 2.1 station reported). */
  assignedBy: CostTariffSource;
  /** 2.1: the station's own cost as it last reported it (TransactionEvent costDetails), kept beside the CSMS's. */
  stationReported?: StationReportedCost;
  cost: SessionCost;
  /** Decimal strings of the totals in the currency (e.g. "19.68"), for people and OCPP's totalCost. */
  totalExclTax: string;
  totalInclTax: string;
  /** The transaction had ended: this is its final cost. */
  final: boolean;
  /** Up to when it is computed (the end, or the newest event / sweep time for a running cost). */
  until: string;
  computedAt: string;
}

/**
 * What a transaction has used so far, from its stored meter values: the readings of the energy
 * import register (plus the start and stop registers of the record) and, as charging periods, the
 * intervals between consecutive readings over which the register rose (the EV drew energy).
 * Idle time therefore starts at the last reading that rose; a session without any rise has no
 * charging period and pays no idle fee. The same rule for 1.6 and 2.x: 1.6 has no charging state.
 */
export function usageOf(record: TransactionRecord, meterValues: readonly MeterValueRecord[], until: string): SessionUsage {
  const readings: MeterReading[] = [];
  if (record.meterStartWh !== null) readings.push({ at: record.startedAt, wh: record.meterStartWh });
  for (const m of meterValues) {
    const wh = registerWh(m);
    if (wh !== undefined) readings.push({ at: m.timestamp, wh });
  }
  if (record.endedAt && record.meterStopWh !== null) readings.push({ at: record.endedAt, wh: record.meterStopWh });
  const untilMs = Date.parse(until);
  const usable = readings.filter((r) => Date.parse(r.at) <= untilMs);
  return { startedAt: record.startedAt, endedAt: until, readings: usable, chargingPeriods: chargingPeriodsOf(usable) };
}

/** Intervals between consecutive readings (in time order) over which the register rose, merged when adjacent. */
export function chargingPeriodsOf(readings: readonly MeterReading[]): Array<{ from: string; to: string }> {
  const sorted = [...readings].map((r) => ({ ms: Date.parse(r.at), wh: r.wh })).sort((a, b) => a.ms - b.ms || a.wh - b.wh);
  const out: Array<{ from: number; to: number }> = [];
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    // As sessionCost counts energy: a rise between consecutive readings (a reset adds nothing).
    if (b.wh <= a.wh || b.ms === a.ms) continue;
    const last = out[out.length - 1];
    if (last && last.to === a.ms) last.to = b.ms;
    else out.push({ from: a.ms, to: b.ms });
  }
  return out.map((p) => ({ from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString() }));
}

/** Latest of the transaction's end, its last stored reading and `at` (a running cost is computed up to now). */
export function costUntil(record: TransactionRecord, at: string): string {
  if (record.endedAt) return record.endedAt;
  return Date.parse(at) > Date.parse(record.startedAt) ? at : record.startedAt;
}

/** Prices a transaction under `tariff`. */
export function transactionCost(
  tariff: TariffRecord,
  assignedBy: CostTariffSource,
  record: TransactionRecord,
  meterValues: readonly MeterValueRecord[],
  until: string,
  computedAt: string,
): TransactionCost {
  const cost = sessionCost(tariff, usageOf(record, meterValues, until));
  return {
    tenantId: record.tenantId,
    stationId: record.stationId,
    transactionId: record.id,
    protocol: record.protocol,
    tariff,
    assignedBy,
    cost,
    totalExclTax: formatMinor(cost.totalExclTax, cost.minorDigits),
    totalInclTax: formatMinor(cost.totalInclTax, cost.minorDigits),
    final: !record.isActive,
    until,
    computedAt,
  };
}

/** What API and events show of a cost (the pinned tariff by id only). */
export function costSummary(c: TransactionCost): Record<string, unknown> {
  const { cost } = c;
  const digits = cost.minorDigits;
  const line = (l: { exclTax: number; quantity: number }) => ({ exclTax: formatMinor(l.exclTax, digits), quantity: l.quantity });
  return {
    tariffId: c.tariff.id,
    assignedBy: c.assignedBy,
    currency: cost.currency,
    final: c.final,
    until: c.until,
    breakdown: {
      energy: line(cost.energy),
      chargingTime: line(cost.chargingTime),
      idleTime: line(cost.idleTime),
      sessionFee: line(cost.sessionFee),
    },
    totalExclTax: c.totalExclTax,
    tax: formatMinor(cost.tax, digits),
    taxPercent: c.tariff.taxPercent,
    totalInclTax: c.totalInclTax,
    ...(c.stationReported ? { stationReported: c.stationReported } : {}),
  };
}

/** 2.x IdTokenInfo.personalMessage (MessageContentType) for a tariff with a display text. */
export function tariffPersonalMessage(tariff: TariffRecord | undefined): Record<string, unknown> | undefined {
  if (!tariff?.displayText) return undefined;
  return { format: 'UTF8', content: tariff.displayText.slice(0, 512), ...(tariff.displayLanguage ? { language: tariff.displayLanguage.slice(0, 8) } : {}) };
}
