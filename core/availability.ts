import type { ConnectorStatus } from './types.js';

/**
 * Availability (uptime) per connector over a period, from its status history. A connector is
 * up while Available, Occupied or Reserved (it can serve, or is serving, a driver) and down while
 * Unavailable or Faulted; before its first known status it is unknown, and unknown time counts
 * neither way: uptime % = up / (up + down). Pure; the history comes from
 * `store.stations.listConnectorStatusHistory` (each connector's last change before the period
 * first, so the period starts in the state the connector was in).
 */
export const CONNECTOR_STATUSES: readonly ConnectorStatus[] = ['Available', 'Occupied', 'Reserved', 'Unavailable', 'Faulted'];

const UP: ReadonlySet<ConnectorStatus> = new Set(['Available', 'Occupied', 'Reserved']);

export interface StatusChange {
  evseId: number;
  connectorId: number;
  status: ConnectorStatus;
  /** ISO-8601. */
  reportedAt: string;
}

export interface ConnectorAvailability {
  evseId: number;
  connectorId: number;
  /** Seconds in each status within the period. */
  seconds: Record<ConnectorStatus, number>;
  upSec: number;
  downSec: number;
  /** Seconds before the first status known for the period. */
  unknownSec: number;
  /** 100 × up / (up + down), two decimals; null when no status is known for the period. */
  uptimePct: number | null;
}

function emptySeconds(): Record<ConnectorStatus, number> {
  return { Available: 0, Occupied: 0, Reserved: 0, Unavailable: 0, Faulted: 0 };
}

/**
 * One row per connector that has any change in `changes`, ordered by EVSE and connector. Changes
 * may come in any order; those after `to` change nothing, those before `from` only set the
 * starting state. Times are counted in milliseconds and reported in seconds (three decimals).
 */
export function connectorAvailability(changes: readonly StatusChange[], from: string, to: string): ConnectorAvailability[] {
  const fromMs = Date.parse(from);
  const toMs = Math.max(fromMs, Date.parse(to));
  const byConnector = new Map<string, StatusChange[]>();
  for (const c of changes) {
    const key = `${c.evseId}/${c.connectorId}`;
    let list = byConnector.get(key);
    if (!list) byConnector.set(key, (list = []));
    list.push(c);
  }
  const out: ConnectorAvailability[] = [];
  for (const list of byConnector.values()) {
    const sorted = [...list].sort((a, b) => Date.parse(a.reportedAt) - Date.parse(b.reportedAt));
    const ms = emptySeconds();
    let unknownMs = 0;
    let cursor = fromMs;
    let current: ConnectorStatus | undefined;
    const spend = (until: number) => {
      if (current === undefined) unknownMs += until - cursor;
      else ms[current] += until - cursor;
      cursor = until;
    };
    for (const c of sorted) {
      const at = Math.min(toMs, Math.max(fromMs, Date.parse(c.reportedAt)));
      if (!Number.isFinite(at)) continue;
      spend(at);
      current = c.status;
    }
    spend(toMs);
    const upMs = ms.Available + ms.Occupied + ms.Reserved;
    const downMs = ms.Unavailable + ms.Faulted;
    const seconds = emptySeconds();
    for (const s of CONNECTOR_STATUSES) seconds[s] = toSec(ms[s]);
    out.push({
      evseId: sorted[0]!.evseId,
      connectorId: sorted[0]!.connectorId,
      seconds,
      upSec: toSec(upMs),
      downSec: toSec(downMs),
      unknownSec: toSec(unknownMs),
      uptimePct: upMs + downMs === 0 ? null : Math.round((upMs / (upMs + downMs)) * 10_000) / 100,
    });
  }
  return out.sort((a, b) => a.evseId - b.evseId || a.connectorId - b.connectorId);
}

export function isUp(status: ConnectorStatus): boolean {
  return UP.has(status);
}

function toSec(ms: number): number {
  return Math.round(ms) / 1000;
}
