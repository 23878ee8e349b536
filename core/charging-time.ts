/**
 * Time spent charging, from chargingState changes: only intervals in state 'Charging' count
 * (SuspendedEV/SuspendedEVSE/EVConnected/Idle do not). Events must be applied in order.
 */
export interface ChargingFold {
  state: string | null;
  chargingSinceMs: number | null;
  spentMs: number;
}

export const EMPTY_CHARGING: ChargingFold = { state: null, chargingSinceMs: null, spentMs: 0 };

function closed(fold: ChargingFold, atMs: number): number {
  // Clamped: a station clock stepping backwards must not subtract time.
  return fold.chargingSinceMs === null ? fold.spentMs : fold.spentMs + Math.max(0, atMs - fold.chargingSinceMs);
}

export function applyChargingState(fold: ChargingFold, state: string, atMs: number): ChargingFold {
  if (state === fold.state) return fold;
  const spentMs = closed(fold, atMs);
  return { state, spentMs, chargingSinceMs: state === 'Charging' ? atMs : null };
}

/** Ends the open interval (transaction ended). */
export function stopCharging(fold: ChargingFold, atMs: number): ChargingFold {
  return { state: fold.state, spentMs: closed(fold, atMs), chargingSinceMs: null };
}

/** Seconds spent charging as of `atMs` (an open interval counts up to then). */
export function chargingSeconds(fold: ChargingFold, atMs: number): number {
  return Math.floor(closed(fold, atMs) / 1000);
}
