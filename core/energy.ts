import type { SampledValue } from './transaction-types.js';

/**
 * Energy of a transaction from Energy.Active.Import.Register readings. Pure and independent of
 * arrival order (a running maximum plus the earliest reading), so late meter values merge cleanly.
 */
export const ENERGY_REGISTER = 'Energy.Active.Import.Register';

export interface Reading {
  atMs: number;
  wh: number;
}

export interface EnergyFold {
  /** Transaction.Begin reading, or 1.6 meterStart: the first one wins. */
  beginWh: number | null;
  /** Transaction.End reading, or 1.6 meterStop: the last one wins. */
  endWh: number | null;
  earliest: Reading | null;
  max: Reading | null;
  /** A later reading was lower than an earlier one (meter reset, replaced meter, bad data). */
  backwards: boolean;
  /**
   * A later reading rose above the highest one before it by more than the plausible step (a
   * corrupted register, a unit mix-up): the total still runs up to it, but the record is flagged.
   * Absent in folds stored before this existed: false.
   */
  implausibleStep?: boolean;
}

export const EMPTY_ENERGY: EnergyFold = { beginWh: null, endWh: null, earliest: null, max: null, backwards: false, implausibleStep: false };

/**
 * The largest rise of the energy register between two readings of one transaction that is
 * believed without a look (CSMS_MAX_ENERGY_STEP_WH): 1 MWh, which no single connector delivers
 * between two samples (1 MW for an hour).
 */
export const DEFAULT_MAX_ENERGY_STEP_WH = 1_000_000;

/** Wh of an energy register value, or undefined when it is not the transaction's total import register. */
export function registerWh(sv: SampledValue): number | undefined {
  if (sv.measurand !== ENERGY_REGISTER) return undefined;
  if (sv.signedMeterValue?.valueless) return undefined;
  // A per-phase value is a part, not the total; readings at the EV or inlet are not what is billed.
  if (sv.phase !== null) return undefined;
  if (sv.location !== null && sv.location !== 'Outlet') return undefined;
  const scale = 10 ** sv.multiplier;
  const unit = sv.unit ?? 'Wh';
  if (unit === 'Wh') return sv.value * scale;
  if (unit === 'kWh') return sv.value * 1000 * scale;
  return undefined;
}

export function applyReading(fold: EnergyFold, reading: Reading, context: string | null, maxStepWh = DEFAULT_MAX_ENERGY_STEP_WH): EnergyFold {
  const next = { ...fold };
  if (context === 'Transaction.Begin' && next.beginWh === null) next.beginWh = reading.wh;
  if (context === 'Transaction.End') next.endWh = reading.wh;
  if (!next.earliest || reading.atMs < next.earliest.atMs) next.earliest = reading;
  const max = next.max;
  if (max) {
    // Compare in meter time, not arrival order: lower-and-later or higher-and-earlier both mean the register fell.
    if ((reading.wh < max.wh && reading.atMs > max.atMs) || (reading.wh > max.wh && reading.atMs < max.atMs)) {
      next.backwards = true;
    }
    if (reading.wh - max.wh > maxStepWh && reading.atMs >= max.atMs) next.implausibleStep = true;
  }
  if (!max || reading.wh > max.wh) next.max = reading;
  return next;
}

export interface EnergyTotals {
  startWh: number | null;
  /** Highest register value seen: what the session is billed up to. */
  topWh: number | null;
  totalWh: number;
}

/**
 * Total = highest register − start register, never negative. Billing up to the highest value
 * (not the last) means a meter that falls back is never billed twice nor negative; the record
 * is flagged instead so someone looks at it.
 */
export function energyTotals(fold: EnergyFold): EnergyTotals {
  const startWh = fold.beginWh ?? fold.earliest?.wh ?? null;
  if (startWh === null) return { startWh: null, topWh: null, totalWh: 0 };
  const topWh = Math.max(fold.max?.wh ?? startWh, fold.endWh ?? -Infinity);
  return { startWh, topWh, totalWh: Math.max(0, topWh - startWh) };
}

/** kWh with Wh precision to three decimals of a Wh, so floating noise does not show. */
export function whToKwh(wh: number): number {
  return Math.round(wh * 1000) / 1e6;
}
