import type { BootPolicy } from '../../boot-policy.js';
import type { SecurityProfile } from '../../security-profile.js';
import type { StationSearch } from '../../station-search.js';
import type { BootInfo, ConnectorStatusRecord, StationRecord } from '../../types.js';
import type { DeviceModelStore } from './device-model-store.js';
import type { TokenStore } from './token-store.js';
import type { TransactionStore } from './transaction-store.js';
import type { ApiKeyStore } from './api-key-store.js';
import type { UserStore } from './user-store.js';
import type { MessageLogStore } from './message-log-store.js';
import type { RequestStore } from './request-store.js';
import type { StationEventStore } from './station-event-store.js';
import type { ChargingProfileStore } from './charging-profile-store.js';
import type { OutboxEventsOption, OutboxStore } from './outbox-store.js';
import type { ConfigTemplateStore } from './config-template-store.js';
import type { ReservationStore } from './reservation-store.js';
import type { DisplayMessageStore } from './display-message-store.js';
import type { CampaignStore } from './campaign-store.js';
import type { SiteStore } from './site-store.js';
import type { UploadStore } from './upload-store.js';
import type { OcpiStore } from './ocpi-store.js';
import type { CertificateStore } from './certificate-store.js';
import type { TariffStore } from './tariff-store.js';

/** A page of results with an opaque cursor for the next page (undefined at the end). */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageQuery {
  limit: number;
  cursor?: string;
}

export interface NewStation {
  tenantId: string;
  id: string;
  passwordHash: string | null;
  /** Security profile (core/security-profile.ts); 1 when left out. */
  securityProfile?: SecurityProfile;
}

/** What the gateway needs to admit a station, looked up by id across tenants. */
export interface StationLogin {
  tenantId: string;
  id: string;
  passwordHash: string | null;
  securityProfile: SecurityProfile;
  /** The password before a rotation, accepted until the station logs in with the new one. */
  previousPasswordHash: string | null;
}

export type ConnectorStatusUpdate = Omit<ConnectorStatusRecord, 'updatedAt'>;

/** A period of a station's connector status history; `from` inclusive, `to` exclusive (ISO-8601). */
export interface ConnectorStatusHistoryQuery {
  from: string;
  to: string;
  evseId?: number;
  connectorId?: number;
  /** At most this many rows (the status before `from` included). */
  limit: number;
}

/** How many stations a tenant has and how many of their connectors are in each status (Available, Charging, …). */
export interface FleetSummary {
  stations: number;
  connectorsByStatus: Record<string, number>;
}

/** Stations and their live-ish state. Station ids are unique across tenants: the OCPP URL carries no tenant. */
export interface StationStore {
  /** Registers a station; returns false if the id is taken (in any tenant). */
  createStation(station: NewStation): Promise<boolean>;
  getStation(tenantId: string, id: string): Promise<StationRecord | undefined>;
  findStationLogin(id: string): Promise<StationLogin | undefined>;
  listStations(tenantId: string, query: PageQuery): Promise<Page<StationRecord>>;
  /** The stations table (core/station-search.ts): filtered, sorted, keyset pages served from indexes. */
  searchStations(tenantId: string, query: StationSearch): Promise<Page<StationRecord>>;
  /** Deletes a station and everything stored under it; false if it did not exist in that tenant. */
  deleteStation(tenantId: string, id: string): Promise<boolean>;
  /**
   * Stores boot info; registers the station first if it is not known yet (allow-unknown mode).
   * With `events`, they go into the event outbox in the same transaction; it then resolves
   * `{ eventsWritten: true }` (an adapter that cannot, MongoDB, resolves undefined: the caller publishes them).
   */
  recordBoot(tenantId: string, id: string, boot: BootInfo, events?: OutboxEventsOption): Promise<{ eventsWritten: true } | undefined>;
  recordSeen(tenantId: string, id: string, at: string): Promise<void>;
  /**
   * Upserts per EVSE and connector and appends the change to the station's status history, in the
   * same write; a no-op unless the station exists in `update.tenantId`.
   */
  recordConnectorStatus(update: ConnectorStatusUpdate): Promise<void>;
  listConnectorStatuses(tenantId: string, stationId: string): Promise<ConnectorStatusRecord[]>;
  /** The tenant's fleet in two numbers for a dashboard: stations registered, and connectors by their last status. */
  fleetSummary(tenantId: string): Promise<FleetSummary>;
  /**
   * The status changes of a period in time order (by reportedAt), each connector's last change
   * before `from` first (what it was when the period began), tenant-scoped.
   */
  listConnectorStatusHistory(tenantId: string, stationId: string, query: ConnectorStatusHistoryQuery): Promise<ConnectorStatusUpdate[]>;
  /**
   * Retention: deletes status history (of every tenant) reported before `olderThan`, except each
   * connector's last change before it (its status when the retained period begins, so
   * availability over that period stays exact). At most `limit` rows; returns how many went
   * (call again while it returns `limit`).
   */
  pruneConnectorStatusHistory(olderThan: string, limit: number): Promise<number>;
  /** Sets the station's boot policy (the fields given); its policy after, or undefined when it is not in that tenant. */
  setBootPolicy(tenantId: string, id: string, policy: Partial<BootPolicy>): Promise<BootPolicy | undefined>;
  /** Sets the station's security profile; false when it is not in that tenant. */
  setSecurityProfile(tenantId: string, id: string, profile: SecurityProfile): Promise<boolean>;
  /**
   * Sets the station's password hash and `passwordRotatedAt`. `keepPrevious`: the current hash
   * becomes the previous one (a rotation: both work until `confirmPassword`); else the previous is
   * cleared. False when the station is not in that tenant.
   */
  setPassword(tenantId: string, id: string, passwordHash: string, options: { keepPrevious: boolean; at: string }): Promise<boolean>;
  /** The station logged in with `passwordHash`: if that is still its current hash, the previous one stops working. */
  confirmPassword(id: string, passwordHash: string): Promise<void>;
}

/**
 * The whole store: one engine, sliced per aggregate. Each slice is exposed as itself
 * (`store.transactions.applyTransactionEvent(…)`), so a new method touches its slice interface,
 * each adapter's slice, the contract suite and the caller, nothing else; a handler depends only
 * on the slices it uses.
 */
export interface Store {
  readonly kind: string;
  readonly stations: StationStore;
  readonly apiKeys: ApiKeyStore;
  /** People who log in to the operator UI, their sessions and the audit log of their commands. */
  readonly users: UserStore;
  readonly messageLog: MessageLogStore;
  readonly transactions: TransactionStore;
  readonly tokens: TokenStore;
  /** Each station's device model (NotifyReport, NotifyEvent actual values). */
  readonly deviceModel: DeviceModelStore;
  /** Requests completed by later notifications (core/requests.ts). */
  readonly requests: RequestStore;
  /** Security events, NotifyEvent, firmware/diagnostics/log statuses, report pages, DataTransfer (core/station-events.ts). */
  readonly stationEvents: StationEventStore;
  /** Charging profiles set by the CSMS and reported by stations (core/charging-profile.ts). */
  readonly chargingProfiles: ChargingProfileStore;
  /** Configuration templates per tenant (core/config-template.ts). */
  readonly configTemplates: ConfigTemplateStore;
  /** Reservations the CSMS issued, with their life cycle (core/reservations.ts). */
  readonly reservations: ReservationStore;
  /** Display messages set by the CSMS and reported by stations (core/display-messages.ts). */
  readonly displayMessages: DisplayMessageStore;
  /**
   * Where the adapter reports it (SQLite, PostgreSQL): told after every commit attempt, undefined
   * when it committed, else the fault that failed the storage (disk, file, server, connection).
   */
  onCommitOutcome?: ((fault: unknown) => void) | undefined;
  /** Events waiting for the bus to acknowledge them (core/ports/store/outbox-store.ts). */
  readonly outbox: OutboxStore;
  /** Firmware campaigns (core/firmware-campaign.ts): rollouts with their stations' progress. */
  readonly campaigns: CampaignStore;
  /** Sites for load management (core/sites.ts): capacity trees, attachments, the newest allocation. */
  readonly sites: SiteStore;
  /** One-time upload slots of the built-in upload target (GetLog, GetDiagnostics). */
  readonly uploads: UploadStore;
  /** OCPI 2.2.1 roaming: parties, partners, locations, partner tokens, sessions, CDRs and the partner delivery outbox (ocpi/). */
  readonly ocpi: OcpiStore;
  /** Each station's certificates and the renewal job's lease (issue #14). */
  readonly certificates: CertificateStore;
  /** Tariffs, their assignments and the cost of each transaction (core/tariff-assignment.ts). */
  readonly tariffs: TariffStore;
  /** Waits until every write accepted so far is durably committed. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
