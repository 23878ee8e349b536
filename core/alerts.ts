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

export type AlertSource = 'connector-status' | 'device-event' | 'security-event';

export interface AlertFacts {
  type: string;
  at: string;
  payload: { source: AlertSource; cleared: boolean; [key: string]: unknown };
}

/**
 * Security events the OCPP 2.0.1 security events list (Part 2, appendix) marks critical; the 1.6
 * security whitepaper uses the same list. Critical events raise an alert.
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

interface WireEventData {
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
