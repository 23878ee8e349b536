/**
 * What a station reports on its own that is neither a transaction nor its device model: security
 * events, monitoring events (2.x NotifyEvent), firmware / diagnostics / log status notifications,
 * monitoring and customer-information report pages, inbound DataTransfer. One append-only record
 * shape for all of them (history), newest first on read; "the latest firmware status" is the
 * newest record of that kind.
 */
import { nestedDeeperThan } from './frame.js';
import type { StationEventType } from './types.js';

export const STATION_EVENT_KINDS = [
  'security-event',
  'event',
  'firmware-status',
  'signed-firmware-status',
  'publish-firmware-status',
  'diagnostics-status',
  'log-status',
  'monitoring-report',
  'customer-information',
  'data-transfer',
  'alert',
  'charging-limit',
  'charging-limit-cleared',
  'ev-charging-needs',
  'ev-charging-schedule',
  'composite-schedule',
] as const;

export type StationEventKind = (typeof STATION_EVENT_KINDS)[number];

/** The status kinds: one status per record in `type` (GET /stations/{id}/status-reports shows the latest of each). */
export const STATUS_KINDS: readonly StationEventKind[] = ['firmware-status', 'signed-firmware-status', 'publish-firmware-status', 'diagnostics-status', 'log-status'];

/** Bus event type of each kind (NATS subject suffix, docs/nats-subjects.md). */
export const BUS_EVENT_OF: Readonly<Record<StationEventKind, StationEventType>> = {
  'security-event': 'security.event',
  event: 'device.event',
  'firmware-status': 'firmware.status',
  'signed-firmware-status': 'firmware.status',
  'publish-firmware-status': 'firmware.published',
  'diagnostics-status': 'diagnostics.status',
  'log-status': 'log.status',
  'monitoring-report': 'monitoring.reported',
  'customer-information': 'customer-information.reported',
  'data-transfer': 'data.transfer',
  alert: 'alert.raised',
  'charging-limit': 'charging-limit.set',
  'charging-limit-cleared': 'charging-limit.cleared',
  'ev-charging-needs': 'ev.charging-needs',
  'ev-charging-schedule': 'ev.charging-schedule',
  'composite-schedule': 'composite-schedule.reported',
};

/** Bus event of a NotifyReport page stored into the device model. */
export const DEVICE_MODEL_REPORTED: StationEventType = 'device-model.reported';

export interface NewStationEvent {
  tenantId: string;
  stationId: string;
  kind: StationEventKind;
  /** What happened, in one word: the security event type, the reported status, the event's trigger, the DataTransfer answer. */
  type: string;
  /** When the station says it happened (timestamp, generatedAt); the receive time when it says nothing. */
  at: string;
  receivedAt: string;
  /** The request it answers (GetLog, UpdateFirmware, GetReport…), when it names one. */
  requestId: number | null;
  /** The message's own fields worth keeping (bounded: see `boundedPayload`). */
  payload: Record<string, unknown>;
}

export interface StationEvent extends NewStationEvent {
  /** Increasing per store: the history order and the cursor key. */
  id: number;
}

/** Largest payload kept as is (JSON characters); a larger one is kept as its first characters, marked truncated. */
export const MAX_PAYLOAD_CHARS = 16 * 1024;

/** Report pages (monitoring, customer information) are data, not a note: kept whole up to this size. */
export const MAX_REPORT_PAGE_CHARS = 1024 * 1024;

/** OCPP payloads nest a handful of levels; one far deeper is kept as text (as the message log does). */
export const MAX_PAYLOAD_DEPTH = 64;

/**
 * A payload bounded in storage: a station may send a 1 MB DataTransfer or techInfo, or data nested
 * 10,000 levels deep, and each record is kept; what is over MAX_PAYLOAD_CHARS (or deeper than
 * MAX_PAYLOAD_DEPTH) is kept as text, cut, with its full size.
 */
export function boundedPayload(payload: Record<string, unknown>, max = MAX_PAYLOAD_CHARS): Record<string, unknown> {
  const json = JSON.stringify(payload);
  if (nestedDeeperThan(json, MAX_PAYLOAD_DEPTH)) {
    return { truncated: true, size: json.length, text: json.slice(0, max), reason: `nested deeper than ${MAX_PAYLOAD_DEPTH} levels: kept as text` };
  }
  if (json.length <= max) return payload;
  return { truncated: true, size: json.length, text: json.slice(0, max) };
}

/** A requestId worth correlating: an integer (stations send -1 or omit it for unsolicited ones). */
export function requestIdOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** Records kept per station (newest first); older ones are pruned, so a NotifyEvent storm cannot fill the disk. */
export const MAX_EVENTS_PER_STATION = 10_000;

/** A station is pruned after this many new records: one indexed delete amortised over them. */
export const PRUNE_EVERY = 500;

/**
 * When to prune a station's records: after `every` new ones since its last prune (or since
 * start). Memory: one counter per station that wrote since its last prune.
 */
export class PruneSchedule {
  private readonly since = new Map<string, number>();

  constructor(private readonly every = PRUNE_EVERY) {}

  /** Counts `n` new records of the station; true when it is due (and its count restarts). */
  note(stationId: string, n: number): boolean {
    const count = (this.since.get(stationId) ?? 0) + n;
    if (count >= this.every) {
      this.since.delete(stationId);
      return true;
    }
    this.since.set(stationId, count);
    return false;
  }

  /** The stations of a batch that are due, each once. */
  due(events: readonly { stationId: string }[]): string[] {
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.stationId, (counts.get(e.stationId) ?? 0) + 1);
    return [...counts].filter(([stationId, n]) => this.note(stationId, n)).map(([stationId]) => stationId);
  }
}
