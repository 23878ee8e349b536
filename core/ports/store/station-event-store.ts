import type { AlertState, AlertStateRecord } from '../../alerts.js';
import type { NewStationEvent, StationEvent, StationEventKind } from '../../station-events.js';
import type { Page, PageQuery } from './store.js';

export interface StationEventQuery extends PageQuery {
  kind?: StationEventKind;
  /** Only records of this type (a security event type, a status…). */
  type?: string;
  requestId?: number;
}

export interface AlertQuery extends PageQuery {
  stationId?: string;
  /** The alert's type (errorCode, component.variable, security event type). */
  type?: string;
}

export interface AlertStateQuery extends PageQuery {
  stationId?: string;
  state?: AlertState;
  type?: string;
}

/**
 * What stations report on their own beyond transactions and the device model (core/station-events.ts):
 * append-only, newest first. A slice exposed as `store.stationEvents`.
 */
export interface StationEventStore {
  /**
   * Appends the records in one write (one NotifyEvent message is one call, whatever its length).
   * Every PRUNE_EVERY records of a station, the same write prunes it to its newest
   * MAX_EVENTS_PER_STATION (core/station-events.ts). Records of kind `alert` also move their
   * alert's state (core/alerts.ts `nextAlertState`) in the same write.
   */
  record(events: NewStationEvent[]): Promise<void>;
  /** Keeps the station's newest `keep` records and deletes the rest; returns how many went. */
  prune(stationId: string, keep: number): Promise<number>;
  /** Newest first (by `id`), tenant-scoped; cursor pagination. */
  list(tenantId: string, stationId: string, query: StationEventQuery): Promise<Page<StationEvent>>;
  /** Records of kind `alert` of every station of the tenant (core/alerts.ts), newest first; cursor pagination. */
  listAlerts(tenantId: string, query: AlertQuery): Promise<Page<StationEvent>>;
  /**
   * Alerts as states (open / cleared) of every station of the tenant, or of one: the most
   * recently changed first; cursor pagination. A 1.6 StatusNotification clears its connector's
   * open connector-status alerts of other errorCodes (StationStore.recordConnectorStatus).
   */
  listAlertStates(tenantId: string, query: AlertStateQuery): Promise<Page<AlertStateRecord>>;
}
