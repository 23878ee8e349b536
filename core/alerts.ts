/**
 * Alerts: what needs an operator's eye, one version-neutral record whatever raised it. An alert
 * is a station event of kind `alert` (core/station-events.ts): stored in the same write as the
 * message that raised it, bounded like the others, published as `alert.raised`, listed
 * tenant-wide by `GET /alerts`. `type` names the problem (the 1.6 errorCode, the 2.x
 * component.variable, the security event type); `payload.source` says where it came from and
 * `payload.cleared` whether the station reported it over.
 */
import type { WireComponent, WireVariable } from './device-model.js';
import { componentRef, variableRef } from './device-model.js';
import { evseFrom16 } from './version-mapping.js';

/** `profile-compliance`: a session drew above the charging profile its station accepted (actors/commands/profile-compliance-watch.ts). */
export type AlertSource = 'connector-status' | 'device-event' | 'security-event' | 'profile-compliance';

export interface AlertFacts {
  type: string;
  at: string;
  payload: { source: AlertSource; cleared: boolean; [key: string]: unknown };
}

/**
 * Security events marked critical (Critical: Yes) in the security events list, which raise an alert.
 * Source checked (issue #12): the list "Defined Security Events" of the OCPP 1.6 Security
 * Whitepaper Edition 2 (2020-03-31, use case A04), as quoted at
 * https://ocpplab.com/docs/protocols/ocpp-1-6/actions/security-event-notification — critical:
 * FirmwareUpdated, SettingSystemTime, StartupOfTheDevice, ResetOrReboot, SecurityLogWasCleared,
 * MemoryExhaustion, TamperDetectionActivated; the same seven are marked critical in the OCPP
 * 2.0.1 Part 2 security events list (appendix; quoted at
 * https://ocpplab.com/docs/protocols/ocpp-2-0-1/actions/security-event-notification). Every
 * other listed type (FailedToAuthenticateAt…, InvalidMessages, AttemptedReplayAttacks,
 * InvalidFirmwareSignature, Invalid…Certificate, InvalidTLSVersion, InvalidTLSCipherSuite…) is
 * not critical. MaintenanceLoginAccepted / MaintenanceLoginFailed were on this list before;
 * the quotes above do not show them (their 2.0.1 rows could not be checked here): kept.
 */
export const CRITICAL_SECURITY_EVENTS: ReadonlySet<string> = new Set([
  'FirmwareUpdated',
  'SettingSystemTime',
  'StartupOfTheDevice',
  'ResetOrReboot',
  'SecurityLogWasCleared',
  'MemoryExhaustion',
  'TamperDetectionActivated',
  'MaintenanceLoginAccepted',
  'MaintenanceLoginFailed',
]);

/** A 2.x event raised by a monitor (hard-wired, preconfigured or set by the CSMS) rather than a plain notification. */
const MONITOR_EVENTS: ReadonlySet<string> = new Set(['HardWiredMonitor', 'PreconfiguredMonitor', 'CustomMonitor']);

/** 1.6 StatusNotification: an errorCode other than NoError is an alert on that connector. */
export function alertOfStatus16(
  req: { connectorId: number; errorCode: string; status: string; info?: string; vendorId?: string; vendorErrorCode?: string },
  at: string,
): AlertFacts | undefined {
  if (req.errorCode === 'NoError') return undefined;
  const { connectorId, status, info, vendorId, vendorErrorCode } = req;
  return {
    type: req.errorCode,
    at,
    payload: { source: 'connector-status', cleared: false, connectorId, status, ...(info !== undefined ? { info } : {}), ...(vendorId !== undefined ? { vendorId } : {}), ...(vendorErrorCode !== undefined ? { vendorErrorCode } : {}) },
  };
}

/** The fields of a 2.x NotifyEvent `eventData` item that alerts read. */
export interface WireEventData {
  eventId: number;
  timestamp: string;
  trigger: string;
  actualValue: string;
  component: WireComponent;
  variable: WireVariable;
  eventNotificationType: string;
  cleared?: boolean;
  techCode?: string;
  techInfo?: string;
}

/**
 * 2.x NotifyEvent: an event is a problem when it reports the standard `Problem` variable (its
 * actualValue "false" reports the problem over), or when a monitor raised it with trigger
 * Alerting (its `cleared` flag reports it over). Delta and Periodic reports, and plain
 * notifications of other variables, are not alerts.
 */
export function alertsOfEvents(eventData: readonly WireEventData[]): AlertFacts[] {
  const out: AlertFacts[] = [];
  for (const d of eventData) {
    const problemVariable = d.variable.name === 'Problem';
    if (!problemVariable && !(d.trigger === 'Alerting' && MONITOR_EVENTS.has(d.eventNotificationType))) continue;
    const cleared = d.cleared === true || (problemVariable && d.actualValue.toLowerCase() === 'false');
    out.push({
      type: `${d.component.name}.${d.variable.name}`,
      at: d.timestamp,
      payload: {
        source: 'device-event',
        cleared,
        eventId: d.eventId,
        trigger: d.trigger,
        eventNotificationType: d.eventNotificationType,
        component: componentRef(d.component),
        variable: variableRef(d.variable),
        actualValue: d.actualValue,
        ...(d.techCode !== undefined ? { techCode: d.techCode } : {}),
        ...(d.techInfo !== undefined ? { techInfo: d.techInfo } : {}),
      },
    });
  }
  return out;
}

/** SecurityEventNotification (1.6 security whitepaper, 2.x): a critical type is an alert. */
export function alertOfSecurityEvent(req: { type: string; timestamp: string; techInfo?: string }): AlertFacts | undefined {
  if (!CRITICAL_SECURITY_EVENTS.has(req.type)) return undefined;
  return { type: req.type, at: req.timestamp, payload: { source: 'security-event', cleared: false, ...(req.techInfo !== undefined ? { techInfo: req.techInfo } : {}) } };
}

export type AlertState = 'open' | 'cleared';

/**
 * An alert as a state: what it is about (`key`: the same key opens and clears it), whether it is
 * open, since when, and the newest record's payload. Kept per station in the store, updated in
 * the same write as the record that changes it (see StationEventStore.record).
 */
export interface AlertStateRecord {
  tenantId: string;
  stationId: string;
  key: string;
  source: AlertSource;
  type: string;
  /** The EVSE and connector a connector-status or device-event alert is about, when it says. */
  evseId: number | null;
  connectorId: number | null;
  state: AlertState;
  /** When it was (last) raised. */
  openedAt: string;
  /** When the station reported it over; null while open. */
  clearedAt: string | null;
  /** The newest record's time: older records (late deliveries) change nothing. */
  lastAt: string;
  /** How many times it was raised. */
  count: number;
  payload: Record<string, unknown>;
}

/** What an alert record is about: its key and, where it has one, its EVSE and connector. */
export function alertSubject(alert: { type: string; payload: Record<string, unknown> }): { key: string; evseId: number | null; connectorId: number | null } {
  const p = alert.payload;
  switch (p.source) {
    case 'connector-status': {
      // A payload cut to its size bound may have lost it: then it is about the station as a whole.
      if (!Number.isSafeInteger(p.connectorId)) return { key: `connector:?:${alert.type}`, evseId: null, connectorId: null };
      const { evseId, connectorId } = evseFrom16(p.connectorId as number);
      return { key: `connector:${evseId}/${connectorId}:${alert.type}`, evseId, connectorId };
    }
    case 'device-event': {
      const c = (p.component ?? {}) as { name?: string; instance?: string; evseId?: unknown; connectorId?: unknown };
      const v = (p.variable ?? {}) as { name?: string; instance?: string };
      const key = `device:${JSON.stringify([c.name, c.instance ?? null, c.evseId ?? null, c.connectorId ?? null, v.name, v.instance ?? null])}`;
      const int = (v: unknown) => (Number.isSafeInteger(v) ? (v as number) : null);
      return { key, evseId: int(c.evseId), connectorId: int(c.connectorId) };
    }
    case 'profile-compliance': {
      // One alert per EVSE: a new session's excess reopens it.
      const evseId = Number.isSafeInteger(p.evseId) ? (p.evseId as number) : null;
      return { key: `profile:${evseId ?? '?'}:${alert.type}`, evseId, connectorId: null };
    }
    default:
      return { key: `${String(p.source)}:${alert.type}`, evseId: null, connectorId: null };
  }
}

/**
 * The state after one more alert record (pure; the SQL stores do the same in their upsert, the
 * contract suite checks they agree). A record older than the state's newest changes nothing.
 */
export function nextAlertState(
  prev: AlertStateRecord | undefined,
  alert: { tenantId: string; stationId: string; type: string; at: string; payload: Record<string, unknown> },
): AlertStateRecord {
  const { key, evseId, connectorId } = alertSubject(alert);
  const cleared = alert.payload.cleared === true;
  if (!prev) {
    return {
      tenantId: alert.tenantId, stationId: alert.stationId, key, source: alert.payload.source as AlertSource, type: alert.type, evseId, connectorId,
      state: cleared ? 'cleared' : 'open', openedAt: alert.at, clearedAt: cleared ? alert.at : null, lastAt: alert.at, count: cleared ? 0 : 1, payload: alert.payload,
    };
  }
  if (alert.at < prev.lastAt) return prev;
  return {
    ...prev,
    state: cleared ? 'cleared' : 'open',
    openedAt: !cleared && prev.state === 'cleared' ? alert.at : prev.openedAt,
    clearedAt: !cleared ? null : prev.state === 'cleared' ? prev.clearedAt : alert.at,
    lastAt: alert.at,
    count: prev.count + (cleared ? 0 : 1),
    payload: alert.payload,
  };
}

/**
 * 1.6: a StatusNotification on a connector clears that connector's open connector-status alerts
 * of every other errorCode (NoError clears them all), as of its time.
 */
export function clearedByStatus16(state: AlertStateRecord, status: { evseId: number; connectorId: number; errorCode: string; reportedAt: string }): boolean {
  return (
    state.state === 'open' && state.source === 'connector-status' && state.evseId === status.evseId &&
    state.connectorId === status.connectorId && state.type !== status.errorCode && state.lastAt <= status.reportedAt
  );
}
